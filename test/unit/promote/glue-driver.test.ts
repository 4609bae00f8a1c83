/**
 * The generic Glue driver: it compiles under Python, reads exactly the job arguments the CDK
 * construct passes (one list in glue-job-arguments.ts), and its pure helpers (date range,
 * lookback, the finished-and-current-object filter) behave as written out here by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GLUE_JOB_ARGUMENTS, glueDefaultArguments, GLUE_SYSTEM_ARGUMENTS } from '../../../sdk/src/promote/glue-job-arguments.js';
import { toGlueCron } from '../../../sdk/src/promote/schedule-expression.js';
import { VALIDATED_ORDER_COLUMNS } from '../../../sdk/src/promote/compile-aggregate.js';
import { driverArguments } from './driver-arguments.js';

const DRIVER = join(import.meta.dirname, '..', '..', '..', 'templates', 'glue', 'sluice_glue_driver.py');
const source = readFileSync(DRIVER, 'utf8');

function python(code: string): string {
  return execFileSync('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(DRIVER, '..'))}); import sluice_glue_driver as d\n${code}`], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, // no __pycache__ in templates/
  }).trim();
}

describe('Glue driver', () => {
  test('compiles (python3 -m py_compile) and imports without Glue or Spark installed', () => {
    // py_compile's own entry point, with the byte code written to a temp folder, not into templates/.
    const cfile = join(mkdtempSync(join(tmpdir(), 'sluice-pyc-')), 'driver.pyc');
    execFileSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', DRIVER, cfile]);
    expect(python('print(d.AUTO)')).toBe('auto');
  });

  test('adds, as null, each order column the aggregate SQL reads that zones written by older event stages lack', () => {
    // The first event stage wrote _object and _line; every later order column must be added when missing, or the SQL fails to resolve over old zones.
    const added = JSON.parse(python('import json; print(json.dumps(list(d.LINEAGE_COLUMNS_ADDED_LATER)))')) as string[];
    expect(added).toEqual(VALIDATED_ORDER_COLUMNS.filter((c) => c !== '_object' && c !== '_line'));
    expect(source).toMatch(/for column in LINEAGE_COLUMNS_ADDED_LATER:\n\s+if column not in rows\.columns:\n\s+rows = rows\.withColumn\(column, F\.lit\(None\)\.cast\("int"\)\)/);
  });

  test('reads exactly the arguments named in glue-job-arguments.ts', () => {
    expect(driverArguments(source).sort()).toEqual(Object.values(GLUE_JOB_ARGUMENTS).sort());
  });

  test('default arguments: one --name per driver argument, plus Glue switches the driver does not read', () => {
    const values = Object.fromEntries(Object.keys(GLUE_JOB_ARGUMENTS).map((k) => [k, `v-${k}`])) as never;
    const args = glueDefaultArguments(values);
    expect(Object.keys(args).sort()).toEqual(Object.values(GLUE_JOB_ARGUMENTS).map((n) => `--${n}`).sort());
    for (const key of Object.keys(GLUE_SYSTEM_ARGUMENTS)) expect(driverArguments(source)).not.toContain(key.slice(2));
  });

  test('sets UTC and dynamic partition overwrite, and writes partitioned by dt', () => {
    expect(source).toMatch(/spark\.conf\.set\("spark\.sql\.session\.timeZone", "UTC"\)/);
    expect(source).toMatch(/spark\.conf\.set\("spark\.sql\.sources\.partitionOverwriteMode", "dynamic"\)/);
    expect(source).toMatch(/\.partitionBy\("dt"\)/);
  });

  test('resolve_dates: explicit range, auto range, lookback', () => {
    expect(python('print(d.resolve_dates("2024-03-01", "2024-03-05", "2", "30", None))')).toBe("('2024-03-01', '2024-03-05', '2024-01-31')");
    expect(python('import datetime; print(d.resolve_dates("auto", "auto", "2", "7", datetime.date(2024, 1, 1)))')).toBe("('2023-12-31', '2024-01-01', '2023-12-24')");
    expect(python('import datetime; print(d.resolve_dates("auto", "2024-02-29", "1", "0", datetime.date(2030, 1, 1)))')).toBe("('2024-02-29', '2024-02-29', '2024-02-29')");
    expect(() => python('print(d.resolve_dates("2024-03-05", "2024-03-01", "1", "0", None))')).toThrow(/after end_dt/);
  });

  test('dates_between', () => {
    expect(python('print(d.dates_between("2024-02-27", "2024-03-01"))')).toBe("['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']");
  });

  test('feature_ranges: the scheduled range plus, for each dirty date, the features it feeds (up to the lookback after it), merged', () => {
    // Scheduled 03-09..03-10; dirty 03-01 feeds 03-01..03-08 (lookback 7), adjacent to the scheduled range: one range.
    expect(python('print(d.feature_ranges("2024-03-09", "2024-03-10", ["2024-03-01"], "7"))')).toBe("[('2024-03-01', '2024-03-10')]");
    // Far apart: separate ranges, in order; duplicates and overlaps merge.
    expect(python('print(d.feature_ranges("2024-03-09", "2024-03-10", ["2024-01-05", "2024-01-06", "2024-01-05"], "2"))')).toBe("[('2024-01-05', '2024-01-08'), ('2024-03-09', '2024-03-10')]");
    expect(python('print(d.feature_ranges("2024-03-09", "2024-03-10", [], "30"))')).toBe("[('2024-03-09', '2024-03-10')]");
    // A dirty date inside the scheduled range that feeds beyond it extends it.
    expect(python('print(d.feature_ranges("2024-03-09", "2024-03-10", ["2024-03-10"], "3"))')).toBe("[('2024-03-09', '2024-03-13')]");
  });

  test('input_dates: each range read from its first date minus the lookback; dirty_dates_of: date folders only', () => {
    expect(python('print(d.input_dates([("2024-01-05", "2024-01-06"), ("2024-01-09", "2024-01-09")], "2"))'))
      .toBe("['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08', '2024-01-09']");
    expect(python('print(d.dirty_dates_of([("s3://b/_dirty/p/2024-01-05/a.json", "2024-01-05"), ("s3://b/_dirty/p/2024-01-05/b.json", "2024-01-05"), ("s3://b/_dirty/p/x.json", "p")]))'))
      .toBe("['2024-01-05']");
  });

  test('stale_partitions: dates inside the recomputed ranges that got no feature row, in order', () => {
    expect(python('print(d.stale_partitions([("2024-01-05", "2024-01-08"), ("2024-03-09", "2024-03-10")], ["2024-01-06", "2024-03-09", "2024-02-01"]))'))
      .toBe("['2024-01-05', '2024-01-07', '2024-01-08', '2024-03-10']");
    expect(python('print(d.stale_partitions([("2024-01-05", "2024-01-06")], ["2024-01-05", "2024-01-06"]))')).toBe('[]');
  });

  test('list_dirty, delete_files and delete_partitions over a stand-in for Hadoop\'s file system (test/helpers/fake_hadoop_fs.py)', () => {
    const out = python(`
sys.path.insert(0, ${JSON.stringify(join(import.meta.dirname, '..', '..', 'helpers'))})
from fake_hadoop_fs import FakeSpark
spark = FakeSpark({
    "s3://v/_dirty/p/2024-01-05/a.json": "{}", "s3://v/_dirty/p/2024-01-05/b.json": "{}", "s3://v/_dirty/p/2024-01-09/c.json": "{}",
    "s3://v/_dirty/other/2024-02-01/x.json": "{}",
    "s3://f/features/dt=2024-01-05/part-0.parquet": "", "s3://f/features/dt=2024-01-05/part-1.parquet": "", "s3://f/features/dt=2024-01-06/part-0.parquet": "",
})
dirty = d.list_dirty(spark, "s3://v/_dirty/p/")
print(d.dirty_dates_of(dirty))
d.delete_files(spark, [uri for uri, _ in dirty])
d.delete_partitions(spark, "s3://f/features/", ["2024-01-05", "2024-01-07"])
print(sorted(spark.fs.objects))
print(d.list_dirty(spark, "s3://v/_dirty/none/"))`);
    expect(out.split('\n')).toEqual([
      "['2024-01-05', '2024-01-09']",
      "['s3://f/features/dt=2024-01-06/part-0.parquet', 's3://v/_dirty/other/2024-02-01/x.json']",
      '[]',
    ]);
  });

  test('complete_files: Parquet files of finished objects that are their key\'s current version; each manifest and each key asked once', () => {
    const out = python(`
manifests = {
    "aaaa": {"object": {"keyId": "K1"}},   # the newest marker of K1 names it
    "cccc": {"object": {}},                # finished before manifests carried a key id
    "dddd": {"object": {"keyId": "K2"}},   # overwritten: K2's newest marker names eeee
    "eeee": {"object": {"keyId": "K2"}},
    "ffff": {"object": {"keyId": "K3"}},   # deleted: K3's newest marker is a removal
    "gggg": {"object": {"keyId": "K4"}},   # K4 has no markers (events without a sequencer)
}
currents = {"K1": {"objectId": "aaaa"}, "K2": {"objectId": "eeee"}, "K3": {"removed": True, "objectId": None}, "K4": None}
asked_manifests, asked_keys = [], []
def manifest_of(o):
    asked_manifests.append(o)
    return manifests.get(o)
def current_of(k):
    asked_keys.append(k)
    return currents[k]
listing = [("s3://b/v/dt=1/aaaa-00000.parquet", "aaaa-00000.parquet"), ("s3://b/v/dt=1/aaaa-00001.parquet", "aaaa-00001.parquet"),
           ("s3://b/v/dt=1/bbbb-00000.parquet", "bbbb-00000.parquet"), ("s3://b/v/dt=1/_SUCCESS", "_SUCCESS"),
           ("s3://b/v/dt=1/dddd-00000.parquet", "dddd-00000.parquet"), ("s3://b/v/dt=2/eeee-00000.parquet", "eeee-00000.parquet"),
           ("s3://b/v/dt=2/ffff-00000.parquet", "ffff-00000.parquet"), ("s3://b/v/dt=2/gggg-00000.parquet", "gggg-00000.parquet"),
           ("s3://b/v/dt=2/cccc-00003.parquet", "cccc-00003.parquet"), ("s3://b/v/dt=2/dddd-00001.parquet", "dddd-00001.parquet")]
print(d.complete_files(listing, manifest_of, current_of)); print(asked_manifests); print(asked_keys)`);
    expect(out.split('\n')).toEqual([
      "['s3://b/v/dt=1/aaaa-00000.parquet', 's3://b/v/dt=1/aaaa-00001.parquet', 's3://b/v/dt=2/eeee-00000.parquet', 's3://b/v/dt=2/gggg-00000.parquet', 's3://b/v/dt=2/cccc-00003.parquet']",
      "['aaaa', 'bbbb', 'dddd', 'eeee', 'ffff', 'gggg', 'cccc']",
      "['K1', 'K2', 'K3', 'K4']",
    ]);
  });

  test('newest_marker: the greatest name wins; one that cannot be read yields to the next; none is None', () => {
    const out = python(`
markers = {"0A0-x.json": {"objectId": "old"}, "0B0-y.json": {"objectId": "new"}, "0C0-z.json": None}
print(d.newest_marker(["0B0-y.json", "0C0-z.json", "0A0-x.json", "notes.txt"], lambda n: markers[n]))
print(d.newest_marker([], lambda n: None))`);
    expect(out.split('\n')).toEqual(["{'objectId': 'new'}", 'None']);
  });
});

describe('toGlueCron', () => {
  test('rates become the cron Glue runs; crons pass; others are refused with the fix', () => {
    expect(toGlueCron('rate(1 hour)')).toBe('cron(0 * * * ? *)');
    expect(toGlueCron('rate(6 hours)')).toBe('cron(0 0/6 * * ? *)');
    expect(toGlueCron('rate(15 minutes)')).toBe('cron(0/15 * * * ? *)');
    expect(toGlueCron('rate(1 day)')).toBe('cron(0 0 * * ? *)');
    expect(toGlueCron('cron(0 3 * * ? *)')).toBe('cron(0 3 * * ? *)');
    expect(() => toGlueCron('rate(1 minute)')).toThrow(/5 minutes/);
    // The rates the message offers are exactly those it accepts.
    const offered = /Use ([\d, or]+) minutes/.exec((() => { try { toGlueCron('rate(7 minutes)'); return ''; } catch (e) { return (e as Error).message; } })())![1]!.split(/, | or /).map(Number);
    expect(offered).toEqual([5, 6, 10, 12, 15, 20, 30]);
    for (const n of offered) expect(toGlueCron(`rate(${n} minutes)`)).toBe(`cron(0/${n} * * * ? *)`);
    expect(() => toGlueCron('every hour')).toThrow(/rate\(1 hour\)/);
  });
});
