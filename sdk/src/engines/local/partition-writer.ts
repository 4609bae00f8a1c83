/**
 * Writes a DuckDB table as `dt=` partitions of content-addressed Parquet files, replacing
 * whole partitions (dynamic partition overwrite). A partition whose rows did not change keeps
 * its file untouched, so re-running over the same inputs rewrites nothing and adding one day
 * of events rewrites only the partitions that day affects. A date inside the written span that
 * the table has no rows for any more loses its old partition (PartitionWriteResult.removed).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { printerFor } from '../../sql/dialects.js';
import { EngineError } from '../../errors.js';
import { partitionsEqualWithinRounding } from './unchanged-partitions.js';
import { processAlive } from './write-lock.js';
import { joinPath, partFileName } from '../../features/store-layout.js';
import type { StoreFiles } from '../../features/store-files.js';

export interface PartitionWriteOptions {
  /** The table to write. */
  readonly table: string;
  /** Columns to write, in order (the partition column itself is not written into the files). */
  readonly columns: readonly string[];
  /** A DuckDB expression (already printed) giving each row's `YYYY-MM-DD` partition. */
  readonly dtExpression: string;
  /**
   * Sort order inside each file (for compression and for readers that scan it). DuckDB's
   * partitioned COPY sorts each thread's batches but may append them in either order, so two
   * writes of the same rows can differ in row order and bytes; what identifies a file — its
   * name, from the order-free content identity below — does not.
   */
  readonly orderBy: readonly string[];
  /** The folder (or s3:// prefix) holding the `dt=` folders. */
  readonly base: string;
  readonly files: StoreFiles;
  /** Parquet key-value metadata (lineage). */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * Double columns whose values may differ by more than the last bits between two runs over
   * the same rows, with the relative difference that still counts as the same value (see
   * unchanged-partitions.ts); every other double is compared within 1e-12.
   */
  readonly roundingTolerance?: Readonly<Record<string, number>>;
  /** The rows are all the group has: stored partitions without rows are removed wherever they are (default: only between the first and last date written). */
  readonly complete?: boolean;
  /**
   * Opens another connection to the same database. Given, the partitions are split between
   * several writers running side by side: one ordered, partitioned COPY writes its files on a
   * single thread, so another core would otherwise sit idle.
   */
  readonly connect?: () => Promise<DuckDBConnection>;
}

export interface PartitionWriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /**
   * The `dt=` partitions removed as stale, ascending: those between the first and the last date
   * this write has rows for that it has no rows for. The table was computed from all of the
   * input, so such a date has none any more (its data was deleted or replaced), and its old
   * files would keep serving them; the Glue job does the same inside the ranges it recomputes.
   * Partitions outside that span are kept (a write never learns that a date before or after
   * its input lost its data).
   */
  readonly removed: readonly string[];
  readonly rows: number;
  /** Every `dt` the base holds after the write (this run's and earlier ones'), ascending. */
  readonly partitions: readonly string[];
}

/** How many file operations run at once (local renames, S3 requests). */
const PARALLEL_FILE_OPERATIONS = 16;

/**
 * @example
 * ```ts
 * await writePartitions(connection, { table: 'feature_rows', columns: ['entity_id', 'feature_ts', 'clicks_1d'],
 *   dtExpression: `strftime("feature_ts", '%Y-%m-%d')`, orderBy: ['entity_id', 'feature_ts'],
 *   base: 'store/entity=user/feature_group=engagement', files: storeFiles('store'), metadata: { 'sluice.run_id': 'abc' } });
 * ```
 */
export async function writePartitions(connection: DuckDBConnection, options: PartitionWriteOptions): Promise<PartitionWriteResult> {
  const p = printerFor('duckdb');
  const columns = options.columns.map((c) => p.quoteIdentifier(c)).join(', ');
  const order = options.orderBy.map((c) => p.quoteIdentifier(c)).join(', ');
  const source = `(SELECT ${columns}, ${options.dtExpression} AS "__dt" FROM ${p.quoteIdentifier(options.table)})`;

  // The content identity of each partition: the sum of its rows' 64-bit hashes (in 128 bits, so
  // nothing wraps and duplicates do not cancel as with XOR) and the row count. Order-free, and
  // ten times cheaper than hashing a serialised partition.
  const digests = await connection.runAndReadAll(
    `SELECT "__dt", CAST(sum(CAST(hash(${columns}) AS HUGEINT)) AS VARCHAR) AS digest, count(*) AS n FROM ${source} GROUP BY "__dt" ORDER BY "__dt"`,
  );
  const wanted = digests.getRowObjectsJS().map((r) => ({
    dt: String(r.__dt),
    name: partFileName(createHash('sha256').update(`${String(r.__dt)}|${options.columns.join(',')}|${String(r.digest)}|${String(r.n)}`).digest('hex').slice(0, 16)),
    rows: Number(r.n),
  }));

  const existing = await options.files.list(options.base);
  const filesByDt = new Map<string, string[]>();
  for (const file of existing) {
    // A `dt=` folder directly (not `__dt=` in a staging folder a crashed write left behind).
    const match = /(?:^|[/\\])dt=([^/\\]+)[/\\]([^/\\]+)$/.exec(file.path);
    if (match) filesByDt.set(match[1]!, [...(filesByDt.get(match[1]!) ?? []), file.path]);
  }

  // A partition is unchanged when every file in it carries the wanted content identity.
  const identity = (name: string): string => name.replace(/\.parquet$/, '');
  const identityChanged = wanted.filter(({ dt, name }) => {
    const present = filesByDt.get(dt) ?? [];
    return !(present.length > 0 && present.every((path) => /[^/\\]+$/.exec(path)![0].startsWith(identity(name))));
  });
  // Doubles summed on several threads may differ in their last bits from one run to the next:
  // a stored partition holding the same rows up to that is left as it is (local stores; an
  // S3 store cannot be read back by DuckDB here, and is rewritten).
  const sameWithinRounding = options.base.startsWith('s3://')
    ? new Set<string>()
    : await partitionsEqualWithinRounding(connection, {
        source,
        keys: options.orderBy,
        candidates: identityChanged.map((c) => ({ dt: c.dt, rows: c.rows, files: filesByDt.get(c.dt) ?? [] })),
        ...(options.roundingTolerance ? { tolerance: options.roundingTolerance } : {}),
      });
  const changed = identityChanged.filter((c) => !sameWithinRounding.has(c.dt));
  const unchanged = wanted.filter((w) => !changed.includes(w)).map((w) => w.dt);
  if (changed.length > 0) {
    const staging = await stagingFolder(options.base);
    try {
      const metadata = Object.entries(options.metadata).map(([k, v]) => `${p.stringLiteral(k)}: ${p.stringLiteral(v)}`).join(', ');
      const groups = splitByRows(changed, options.connect ? SIDE_BY_SIDE_WRITERS : 1);
      /** The files DuckDB wrote, by staged partition folder. */
      const stagedParts = new Map<string, string[]>();
      const extras = await Promise.all(groups.slice(1).map(() => options.connect!()));
      try {
        // Each writer gets whole partitions (neighbours, about equal rows): every file holds the
        // rows one writer would put there, under the same name (its content identity).
        // RETURN_FILES names every file written, so placing them needs no listing of 2 × N folders.
        const writtenFiles = await Promise.all(groups.map(async (group, g) => {
          const only = group.length === wanted.length ? '' : ` WHERE "__dt" IN (${group.map((c) => p.stringLiteral(c.dt)).join(', ')})`;
          const reader = await (g === 0 ? connection : extras[g - 1]!).runAndReadAll(
            `COPY (SELECT * FROM ${source}${only} ORDER BY "__dt", ${order}) TO ${p.stringLiteral(join(staging, `g${g}`))} ` +
              `(FORMAT PARQUET, PARTITION_BY ("__dt"), COMPRESSION SNAPPY, RETURN_FILES true${metadata ? `, KV_METADATA {${metadata}}` : ''})`,
          );
          return reader.getRowObjectsJS().flatMap((row) => (row.Files as string[] | null) ?? []);
        }));
        for (const path of writtenFiles.flat()) {
          const folder = dirname(path);
          stagedParts.set(folder, [...(stagedParts.get(folder) ?? []), basename(path)]);
        }
      } finally {
        for (const extra of extras) extra.closeSync();
      }
      const stagedFolders = new Map(groups.flatMap((group, g) => group.map((c) => [c.dt, join(staging, `g${g}`, `__dt=${c.dt}`)] as const)));
      // Partitions are independent of each other: place them concurrently.
      await forEachLimited(changed, PARALLEL_FILE_OPERATIONS, async ({ dt, name }) => {
        const folder = stagedFolders.get(dt)!;
        const parts = [...(stagedParts.get(folder) ?? [])].sort();
        // Every changed partition has rows, so DuckDB wrote it; placing nothing would drop it silently.
        if (parts.length === 0) throw new EngineError('STORE_WRITE_FAILED', `DuckDB reported no file for partition dt=${dt} of ${options.table} (expected under ${folder}); that partition keeps its previous files. Run again; if it persists, report it with this message.`);
        // DuckDB may split a large partition across threads; each piece keeps the identity.
        const names = parts.length === 1 ? [name] : parts.map((_, i) => `${identity(name)}-${i}.parquet`);
        const old = filesByDt.get(dt) ?? [];
        let staged: readonly string[] = parts;
        if (old.length === 0 && !options.base.startsWith('s3://')) {
          // New to a local store: name the files in place, then move the whole folder (one rename).
          for (const [i, part] of parts.entries()) if (part !== names[i]) await rename(join(folder, part), join(folder, names[i]!));
          staged = names;
          if (await placeFolder(folder, join(options.base, `dt=${dt}`))) return;
        }
        // New files first, old ones after: a reader may briefly see both (retrieval tolerates a
        // duplicated row), never neither — unlike delete-then-write.
        for (const [i, part] of staged.entries()) {
          await moveInto(options, joinPath(options.base, `dt=${dt}`, names[i]!), join(folder, part));
        }
        const keep = new Set(names);
        for (const path of old) if (!keep.has(/[^/\\]+$/.exec(path)![0])) await options.files.remove(path);
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  const removed = await removeStalePartitions(options, filesByDt, wanted.map((w) => w.dt));
  // A write replaces partitions and adds new ones; it removes only stale ones inside its span.
  const gone = new Set(removed);
  const partitions = [...new Set([...filesByDt.keys(), ...wanted.map((w) => w.dt)])].filter((dt) => !gone.has(dt)).sort();
  return { written: changed.map((c) => c.dt), unchanged, removed, rows: wanted.reduce((n, w) => n + w.rows, 0), partitions };
}

/**
 * How many writers share a write: four, on any machine. Each ordered, partitioned COPY writes
 * its files on one thread, and much of a small file's cost is waiting (opening, allocating,
 * closing), not computing, so more writers than cores still help. Measured on 2 cores over the
 * flights benchmark's 211 partitions (a noisy machine; medians of 7–9 interleaved runs): the
 * COPYs alone took 272 / 237 / 158 / 144 ms with 1 / 2 / 4 / 6 writers, and in two A/B runs of
 * the whole pipeline the write stage went from 309 and 266 ms with 2 writers to 265 and 247 ms
 * with 4.
 */
const SIDE_BY_SIDE_WRITERS = 4;

/**
 * Removes the files of the partitions between the first and the last date in `written` that are
 * not in `written` (any date not in it when `options.complete`), and locally their then empty
 * folders; returns their dates. New files were placed first, so a reader never sees the span
 * without its current rows.
 */
async function removeStalePartitions(options: PartitionWriteOptions, filesByDt: ReadonlyMap<string, readonly string[]>, written: readonly string[]): Promise<string[]> {
  // Dates only: the validated zone also has an `unknown` partition (rows without a timestamp), which bounds nothing.
  const dates = written.filter((dt) => ISO_DATE.test(dt)).sort();
  const first = dates[0];
  const last = dates.at(-1);
  if (!options.complete && (first === undefined || last === undefined)) return [];
  const keep = new Set(written);
  const inside = (dt: string): boolean => options.complete === true || (dt > first! && dt < last!);
  const stale = [...filesByDt.keys()].filter((dt) => ISO_DATE.test(dt) && inside(dt) && !keep.has(dt)).sort();
  await forEachLimited(stale, PARALLEL_FILE_OPERATIONS, async (dt) => {
    for (const path of filesByDt.get(dt)!) await options.files.remove(path);
    if (!options.base.startsWith('s3://')) await rmdir(join(options.base, `dt=${dt}`)).catch(() => undefined); // left when something else is in it
  });
  return stale;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Splits `items` into at most `ways` runs of neighbours holding about equal numbers of rows. */
function splitByRows<T extends { readonly rows: number }>(items: readonly T[], ways: number): T[][] {
  const total = items.reduce((n, item) => n + item.rows, 0);
  const groups: T[][] = [[]];
  let before = 0;
  for (const item of items) {
    if (groups.length < ways && groups.at(-1)!.length > 0 && before >= (total * groups.length) / ways) groups.push([]);
    groups.at(-1)!.push(item);
    before += item.rows;
  }
  return groups;
}

/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Where DuckDB writes the partitions before they are placed. For a local store it is a hidden
 * folder inside the store's own folder: the same filesystem, so files and whole folders move by
 * rename. Readers never see it (it is not a `dt=` folder).
 */
async function stagingFolder(base: string): Promise<string> {
  if (base.startsWith('s3://')) return mkdtemp(join(tmpdir(), 'sluice-partitions-'));
  await mkdir(base, { recursive: true });
  await sweepStaleStaging(base);
  return mkdtemp(join(base, `${STAGING_PREFIX}${process.pid}-`));
}

const STAGING_PREFIX = '.sluice-staging-';

/**
 * Removes staging folders that runs killed mid-write left in the group folder: a recursive glob
 * over the group's Parquet files read their half-written files. A folder is stale when the process
 * its name carries is gone (a folder of another live run is left alone), or, named without a
 * process, when it is an hour old.
 */
async function sweepStaleStaging(base: string): Promise<void> {
  for (const entry of await readdir(base, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || !entry.name.startsWith(STAGING_PREFIX)) continue;
    const pid = /^\.sluice-staging-(\d+)-/.exec(entry.name)?.[1];
    const folder = join(base, entry.name);
    const stale = pid !== undefined ? !processAlive(Number(pid)) : Date.now() - (await stat(folder)).mtimeMs > 3_600_000;
    if (stale) await rm(folder, { recursive: true, force: true });
  }
}


/**
 * Renames a staged partition folder to its `dt=` folder; false when one is in the way (the
 * caller then moves the files one by one).
 */
async function placeFolder(folder: string, target: string): Promise<boolean> {
  try {
    await rename(folder, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EXDEV') return false;
    throw error;
  }
}

/**
 * Puts a staged file at `target`. A local store gets the file by rename (atomic, no copy: with
 * hundreds of small partitions, reading and rewriting each one cost more than writing them);
 * across filesystems, and on S3, it is read and written through StoreFiles.
 */
async function moveInto(options: PartitionWriteOptions, target: string, staged: string): Promise<void> {
  if (!target.startsWith('s3://')) {
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(staged, target);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    }
  }
  await options.files.write(target, await readFile(staged));
}
