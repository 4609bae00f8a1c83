"""sluice's generic AWS Glue driver (Glue 5.x: Spark 3.5, Python 3.11).

It holds NO pipeline logic. `sluice promote` compiles the pipeline's aggregation into one
Spark SQL query (`aggregate.spark.sql`, which reads the view named by --input_view and
returns feature rows `entity_id, feature_ts, <feature>_<window>...`). This driver only:

1. works out which feature dates to (re)compute — --start_dt/--end_dt, or the most recent
   --reprocess_days when they are `auto`, plus every date whose rows changed since the last
   run however old (the event stage marks them under --dirty_dates_path: late data, a
   corrected or deleted file; see sdk/src/runtime/dirty-dates.ts) with the features they
   feed — and how much input that needs (--lookback_days: the longest window plus one
   cadence step, so every window ending inside a range sees all of its events, and the row
   where an entity's windows are empty again falls inside the range its last events dirty);
2. reads the validated zone's Parquet for exactly those `dt` partitions (partition pruning:
   only the matching `dt=` folders are listed and opened), and of those only the files of
   objects the event stage finished (their completion manifest exists under
   --manifests_path: a crashed, half-written object is never aggregated) that are the current
   version of their landing key (--current_versions_path: the newest marker of the key names
   them; an overwritten version's rows and a deleted object's rows are left out, as a local
   run leaves them out — see sdk/src/runtime/current-versions.ts);
3. runs the compiled SQL over it, keeps the feature rows whose `feature_ts` falls in the
   range, adds `_plan_hash` and `dt`;
4. writes the feature store with `partitionOverwriteMode=dynamic`, so only the touched `dt`
   partitions are replaced, whole, and every other partition is left as it was; a date inside
   the recomputed ranges that has no feature rows any more loses its old partition; then it
   deletes exactly the dirty-date markers it read (one written meanwhile waits for the next run).

It writes no catalog document under the store root (`_catalog/...json`, what local runs
write): on AWS the group's catalog is the Glue table promote created, with partition
projection, so new `dt` partitions need no catalog update. Training sets read that table
through the Athena engine (sdk/src/engines/athena/athena-group-schema.ts).

The argument names are defined once in sdk/src/promote/glue-job-arguments.ts; a test checks
that the list passed to getResolvedOptions below is exactly that one.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

AUTO = "auto"
# S3 requests in flight at once when reading manifests and current-version markers.
PARALLEL_REQUESTS = 16
# Lineage columns of the validated zone that files written by older event stages lack (the
# aggregate SQL orders by them: VALIDATED_ORDER_COLUMNS in compile-aggregate.ts).
LINEAGE_COLUMNS_ADDED_LATER = ("_line_index",)


def resolve_dates(start_dt, end_dt, reprocess_days, lookback_days, today):
    """Returns (first_dt, last_dt, read_first_dt) as `YYYY-MM-DD` strings.

    Feature rows dated first_dt..last_dt are recomputed; input is read from read_first_dt
    (first_dt minus the lookback) to last_dt inclusive.
    """
    reprocess = int(reprocess_days)
    lookback = int(lookback_days)
    if reprocess < 1 or lookback < 0:
        raise ValueError(
            "reprocess_days must be >= 1 and lookback_days >= 0, got %r and %r" % (reprocess_days, lookback_days)
        )
    last = today if end_dt == AUTO else date.fromisoformat(end_dt)
    first = last - timedelta(days=reprocess - 1) if start_dt == AUTO else date.fromisoformat(start_dt)
    if first > last:
        raise ValueError("start_dt %s is after end_dt %s" % (first.isoformat(), last.isoformat()))
    read_first = first - timedelta(days=lookback)
    return first.isoformat(), last.isoformat(), read_first.isoformat()


def feature_ranges(first_dt, last_dt, dirty_dts, lookback_days):
    """The feature date ranges to recompute, merged, as (first, last) `YYYY-MM-DD` pairs.

    The scheduled range first_dt..last_dt, and for each dirty validated date d the features
    its rows feed: d up to d + lookback_days (an event on day d is inside windows ending no
    later than the longest window after it, and the row after those, where its windows are
    all empty, is one cadence step later).
    """
    lookback = int(lookback_days)
    spans = [(date.fromisoformat(first_dt), date.fromisoformat(last_dt))]
    spans += [(date.fromisoformat(d), date.fromisoformat(d) + timedelta(days=lookback)) for d in dirty_dts]
    merged = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return [(first.isoformat(), last.isoformat()) for first, last in merged]


def input_dates(ranges, lookback_days):
    """Every validated date the ranges' features read: each range's first date minus the lookback, to its last."""
    lookback = int(lookback_days)
    dates = set()
    for first, last in ranges:
        read_first = (date.fromisoformat(first) - timedelta(days=lookback)).isoformat()
        dates.update(dates_between(read_first, last))
    return sorted(dates)


def stale_partitions(ranges, written_dts):
    """Feature dates inside the recomputed ranges that the run wrote no row for, sorted.

    Inside a range the run read every input the features need, so such a date has no features
    any more (its data was deleted or replaced): its old partition must go, or readers would
    keep serving features of data that is gone. Dynamic overwrite only replaces dates written.
    """
    written = set(written_dts)
    return [d for first, last in ranges for d in dates_between(first, last) if d not in written]


def dirty_dates_of(listing):
    """The dates of dirty-date marker files: (file uri, parent folder name) pairs → sorted distinct dates."""
    return sorted({folder for _, folder in listing if len(folder) == 10 and folder[4] == "-" and folder[7] == "-"})


def dates_between(first_dt, last_dt):
    """Every date from first_dt to last_dt inclusive, as `YYYY-MM-DD`."""
    first, last = date.fromisoformat(first_dt), date.fromisoformat(last_dt)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def object_id_of(file_name):
    """`<objectId>-<segment>.parquet` → objectId (the event stage's naming)."""
    return file_name.rsplit("-", 1)[0]


def newest_marker(names, read_marker):
    """A landing key's current state: the readable marker with the greatest name, or None.

    Marker names start with the event's sequencer, padded so that names sort in event order
    (sdk/src/runtime/current-versions.ts writes them); read_marker(name) → dict or None.
    """
    for name in sorted((n for n in names if n.endswith(".json")), reverse=True):
        marker = read_marker(name)
        if marker is not None:
            return marker
    return None


def is_current(object_id, manifest, current_of):
    """Whether a finished object's rows are read.

    manifest: the object's manifest (None: not finished); current_of: keyId → the key's newest
    marker, or None when the key has none (objects finished before markers existed, events
    without a sequencer: every finished object of such a key is read, as before).
    """
    if manifest is None:
        return False
    key_id = (manifest.get("object") or {}).get("keyId")
    if not key_id:
        return True
    current = current_of(key_id)
    if current is None:
        return True
    return not current.get("removed") and current.get("objectId") == object_id


def complete_files(listing, manifest_of, current_of):
    """The Parquet files of finished objects that are their key's current version.

    listing: (file uri, file name) pairs; manifest_of: objectId → manifest dict or None (asked
    once per object); current_of: keyId → newest marker or None (asked once per key).
    """
    known = {}
    currents = {}

    def current_once(key_id):
        if key_id not in currents:
            currents[key_id] = current_of(key_id)
        return currents[key_id]

    files = []
    for uri, name in listing:
        if not name.endswith(".parquet"):
            continue
        object_id = object_id_of(name)
        if object_id not in known:
            known[object_id] = is_current(object_id, manifest_of(object_id), current_once)
        if known[object_id]:
            files.append(uri)
    return files


def list_validated(spark, validated_path, manifests_path, current_path, dates):
    """Lists the dt folders of `dates` through Hadoop's S3 file system (no other client needed)."""
    jvm = spark._jvm
    Path = jvm.org.apache.hadoop.fs.Path
    fs = Path(validated_path).getFileSystem(spark._jsc.hadoopConfiguration())

    def read_json(uri):
        path = Path(uri)
        if not fs.exists(path):
            return None
        stream = fs.open(path)
        try:
            return json.loads(jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
        finally:
            stream.close()

    def current_of(key_id):
        folder = Path(current_path + key_id)
        if not fs.exists(folder):
            return None
        names = [st.getPath().getName() for st in fs.listStatus(folder)]
        return newest_marker(names, lambda name: read_json(current_path + key_id + "/" + name))

    listing = []
    for dt in dates:
        folder = Path(validated_path + "dt=" + dt)
        if fs.exists(folder):
            listing.extend((st.getPath().toString(), st.getPath().getName()) for st in fs.listStatus(folder))
    # One small request per object and per key: issued side by side, since a backfill may name thousands.
    object_ids = sorted({object_id_of(name) for _, name in listing if name.endswith(".parquet")})
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        manifests = dict(zip(object_ids, pool.map(lambda o: read_json(manifests_path + o + ".json"), object_ids)))
        key_ids = sorted({(m.get("object") or {}).get("keyId") for m in manifests.values() if m} - {None})
        currents = dict(zip(key_ids, pool.map(current_of, key_ids)))
    return complete_files(listing, manifests.get, currents.get)


def list_dirty(spark, dirty_path):
    """The dirty-date marker files as (file uri, date folder name) pairs (none when the folder is absent)."""
    jvm = spark._jvm
    Path = jvm.org.apache.hadoop.fs.Path
    root = Path(dirty_path)
    fs = root.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(root):
        return []
    found = []
    files = fs.listFiles(root, True)
    while files.hasNext():
        path = files.next().getPath()
        found.append((path.toString(), path.getParent().getName()))
    return found


def delete_files(spark, uris):
    """Deletes the given files (a missing one is already gone)."""
    jvm = spark._jvm
    for uri in uris:
        path = jvm.org.apache.hadoop.fs.Path(uri)
        path.getFileSystem(spark._jsc.hadoopConfiguration()).delete(path, False)


def delete_partitions(spark, features_path, dts):
    """Deletes the `dt=` folders of the given dates under the feature store path (absent ones are skipped)."""
    jvm = spark._jvm
    for dt in dts:
        path = jvm.org.apache.hadoop.fs.Path(features_path + "dt=" + dt)
        fs = path.getFileSystem(spark._jsc.hadoopConfiguration())
        if fs.exists(path):
            fs.delete(path, True)


def read_text(spark, uri):
    """The whole content of one small text object (the compiled SQL)."""
    return spark.read.text(uri, wholetext=True).first()[0]


def main():
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    from pyspark.sql import functions as F

    args = getResolvedOptions(
        sys.argv,
        [
            "JOB_NAME",
            "aggregate_sql_s3_uri",
            "validated_path",
            "manifests_path",
            "current_versions_path",
            "dirty_dates_path",
            "features_path",
            "input_view",
            "start_dt",
            "end_dt",
            "reprocess_days",
            "lookback_days",
            "plan_hash",
        ],
    )

    glue = GlueContext(SparkContext.getOrCreate())
    spark = glue.spark_session
    # Every sluice timestamp is a UTC instant; the compiled SQL relies on it.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    # Replace only the dt partitions this run writes.
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    # Keep `dt` a string, as written; and write standard Parquet timestamps, not INT96.
    spark.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    logger = glue.get_logger()

    today = datetime.now(timezone.utc).date()
    first_dt, last_dt, _ = resolve_dates(
        args["start_dt"], args["end_dt"], args["reprocess_days"], args["lookback_days"], today
    )
    dirty = list_dirty(spark, args["dirty_dates_path"].rstrip("/") + "/")
    ranges = feature_ranges(first_dt, last_dt, dirty_dates_of(dirty), args["lookback_days"])
    reads = input_dates(ranges, args["lookback_days"])
    logger.info(
        "sluice: features dt %s (scheduled %s..%s, %d dirty dates) from %d validated dates"
        % (", ".join("%s..%s" % r for r in ranges), first_dt, last_dt, len(dirty_dates_of(dirty)), len(reads))
    )

    validated_path = args["validated_path"].rstrip("/") + "/"
    manifests_path = args["manifests_path"].rstrip("/") + "/"
    current_path = args["current_versions_path"].rstrip("/") + "/"
    files = list_validated(spark, validated_path, manifests_path, current_path, reads)
    if not files:
        logger.warn("sluice: no finished validated objects in the dates read; no features in the ranges")
        delete_partitions(spark, args["features_path"].rstrip("/") + "/", stale_partitions(ranges, []))
        delete_files(spark, [uri for uri, _ in dirty])
        job.commit()
        return
    logger.info("sluice: reading %d validated files" % len(files))
    # basePath keeps `dt` as a column (dropped: the SQL reads only the plan's columns).
    # mergeSchema: files written before a schema change may lack a newer column (read as null).
    rows = spark.read.option("basePath", validated_path).option("mergeSchema", "true").parquet(*files).drop("dt")
    # Files the event stage wrote before it recorded _line_index (a record's place among those
    # starting on its line, which breaks first/last ties) lack it; when no file read has it, the
    # column is added as null so the SQL still resolves: those rows order by object and line.
    for column in LINEAGE_COLUMNS_ADDED_LATER:
        if column not in rows.columns:
            rows = rows.withColumn(column, F.lit(None).cast("int"))
    rows.createOrReplaceTempView(args["input_view"])

    sql = read_text(spark, args["aggregate_sql_s3_uri"])
    in_ranges = None
    for first, last in ranges:
        start = F.to_timestamp(F.lit(first + " 00:00:00"))
        end = F.to_timestamp(F.lit((date.fromisoformat(last) + timedelta(days=1)).isoformat() + " 00:00:00"))
        inside = (F.col("feature_ts") >= start) & (F.col("feature_ts") < end)
        in_ranges = inside if in_ranges is None else (in_ranges | inside)
    features = (
        spark.sql(sql)
        .where(in_ranges)
        .withColumn("_plan_hash", F.lit(args["plan_hash"]))
        .withColumn("dt", F.date_format(F.col("feature_ts"), "yyyy-MM-dd"))
        # The store's feature_ts is a UTC wall-clock TIMESTAMP without a time zone.
        .withColumn("feature_ts", F.col("feature_ts").cast("timestamp_ntz"))
    )

    # Cached: the dates written are needed after the write, without computing the features twice.
    features = features.cache()
    written_dts = [row["dt"] for row in features.select("dt").distinct().collect()]
    features_path = args["features_path"].rstrip("/") + "/"
    (
        features.repartition("dt")
        .sortWithinPartitions("entity_id", "feature_ts")
        .write.mode("overwrite")
        .partitionBy("dt")
        .parquet(features_path)
    )
    stale = stale_partitions(ranges, written_dts)
    if stale:
        logger.info("sluice: removing %d feature partitions that no longer have rows" % len(stale))
        delete_partitions(spark, features_path, stale)
    # Only now: a failed run leaves the dates dirty for the next one.
    delete_files(spark, [uri for uri, _ in dirty])
    job.commit()


if __name__ == "__main__":
    main()
