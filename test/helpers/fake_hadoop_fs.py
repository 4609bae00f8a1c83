"""A stand-in for the little of Spark's JVM the Glue driver touches: Hadoop's Path and
FileSystem over an in-memory bucket (uri -> text), and commons-io's IOUtils.toString.

Spark cannot run here; this lets the driver's I/O functions (list_validated, list_dirty,
delete_files, delete_partitions) run over the objects the event stage really wrote, so their
path handling is tested, not only the pure helpers. Directories exist where a key lies under
them, as on S3.

    spark = FakeSpark({"s3://validated/_manifests/p/a.json": "{...}"})
    d.list_validated(spark, "s3://validated/validated/p/", ...)
"""


class _Status:
    def __init__(self, path):
        self._path = path

    def getPath(self):
        return self._path


class _Iterator:
    def __init__(self, items):
        self._items = list(items)

    def hasNext(self):
        return bool(self._items)

    def next(self):
        return self._items.pop(0)


class _Stream:
    def __init__(self, text):
        self.text = text
        self.closed = False

    def close(self):
        self.closed = True


class FakeFileSystem:
    def __init__(self, objects):
        self.objects = objects
        self.deleted = []

    def exists(self, path):
        p = path.toString().rstrip("/")
        return any(k == p or k.startswith(p + "/") for k in self.objects)

    def listStatus(self, path):
        p = path.toString().rstrip("/") + "/"
        children = sorted({p + k[len(p):].split("/", 1)[0] for k in self.objects if k.startswith(p)})
        return [_Status(FakePath(c, self)) for c in children]

    def listFiles(self, path, recursive):
        assert recursive, "the driver lists dirty-date markers recursively"
        p = path.toString().rstrip("/") + "/"
        return _Iterator(_Status(FakePath(k, self)) for k in sorted(self.objects) if k.startswith(p))

    def open(self, path):
        return _Stream(self.objects[path.toString()])

    def delete(self, path, recursive):
        p = path.toString().rstrip("/")
        gone = [k for k in self.objects if k == p or (recursive and k.startswith(p + "/"))]
        for k in gone:
            del self.objects[k]
        self.deleted.extend(gone)
        return bool(gone)


class FakePath:
    def __init__(self, uri, fs=None):
        self._uri = uri
        self._fs = fs

    def getFileSystem(self, _conf):
        return self._fs

    def toString(self):
        return self._uri

    def getName(self):
        return self._uri.rstrip("/").rsplit("/", 1)[-1]

    def getParent(self):
        return FakePath(self._uri.rstrip("/").rsplit("/", 1)[0], self._fs)


class _Namespace:
    pass


class FakeSpark:
    """`spark._jvm.org.apache.hadoop.fs.Path`, `spark._jvm.org.apache.commons.io.IOUtils`, `spark._jsc`."""

    def __init__(self, objects):
        self.fs = FakeFileSystem(objects)
        fs = self.fs
        jvm = _Namespace()
        jvm.org = _Namespace()
        jvm.org.apache = _Namespace()
        jvm.org.apache.hadoop = _Namespace()
        jvm.org.apache.hadoop.fs = _Namespace()
        jvm.org.apache.hadoop.fs.Path = lambda uri: FakePath(uri, fs)
        jvm.org.apache.commons = _Namespace()
        jvm.org.apache.commons.io = _Namespace()
        jvm.org.apache.commons.io.IOUtils = _Namespace()
        jvm.org.apache.commons.io.IOUtils.toString = lambda stream, _encoding: stream.text
        self._jvm = jvm
        jsc = _Namespace()
        jsc.hadoopConfiguration = lambda: None
        self._jsc = jsc
