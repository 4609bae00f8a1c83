/**
 * The local validated and quarantine zones, laid out as production lays them out:
 * `<zones>/validated/dt=YYYY-MM-DD/part-<hash>.parquet` and
 * `<zones>/quarantine/run-<runId>.jsonl` (one JSON object per rejected row or object), and
 * each unreadable object whole under `<zones>/quarantine/objects/` (quarantine-objects.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { storeFiles } from '../../features/store-files.js';
import { joinPath } from '../../features/store-layout.js';
import { printerFor } from '../../sql/dialects.js';
import { describeTable } from './transform-stage.js';
import { writePartitions } from './partition-writer.js';
import { withWriteLock } from './write-lock.js';
import { quarantineObjectsWhole, type ObjectToQuarantine } from './quarantine-objects.js';
import type { QuarantineSpool } from './quarantine-spool.js';

export interface ZoneWrite {
  readonly table: string;
  readonly root: string;
  readonly timestampColumn?: string;
  readonly quarantined: QuarantineSpool;
  readonly objectFailures: readonly { object: string; error: string }[];
  /** How to reach an object of `objectFailures` again, to quarantine it whole (undefined: record it only). */
  readonly reopen?: (object: string) => Omit<ObjectToQuarantine, 'object' | 'error'> | undefined;
  readonly runId: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Write anything at all (false on dry runs). */
  readonly write: boolean;
  /** Write the validated zone (false when a gate failed: production quarantines such a batch). */
  readonly writeValidated: boolean;
  /**
   * The raw records of a text source (`_row_id, _object, _line` of every record read, valid or
   * not), from which each valid row's `_line_index` is counted as the event stage counts it;
   * absent for Parquet sources, whose rows each have a line of their own.
   */
  readonly rawTable?: string;
}

/**
 * @example
 * ```ts
 * const { validated, quarantine } = await writeZones(connection, { table: 'valid_rows', root: '.sluice/zones/p', ... });
 * ```
 */
export async function writeZones(connection: DuckDBConnection, zone: ZoneWrite): Promise<{ validated?: string; quarantine?: string }> {
  if (!zone.write) return {};
  const files = storeFiles(zone.root);
  const out: { validated?: string; quarantine?: string } = {};
  if (zone.writeValidated) {
    const validated = joinPath(zone.root, 'validated');
    const p = printerFor('duckdb');
    const table = await withLineIndex(connection, zone.table, zone.rawTable);
    const columns = (await describeTable(connection, table)).map((c) => c.name);
    // One writer at a time per zone, as per feature group (write-lock.ts).
    await withWriteLock(validated, () => writePartitions(connection, {
      table,
      columns,
      dtExpression: zone.timestampColumn ? `coalesce(strftime(${p.quoteIdentifier(zone.timestampColumn)}, '%Y-%m-%d'), 'unknown')` : `'all'`,
      orderBy: ['_row_id'],
      base: validated,
      files,
      metadata: zone.metadata,
    }));
    await connection.run(`DROP VIEW ${p.quoteIdentifier(table)}`);
    out.validated = validated;
  }
  const reachable = zone.objectFailures.flatMap((f) => {
    const again = zone.reopen?.(f.object);
    return again ? [{ ...again, object: f.object, error: f.error }] : [];
  });
  const copies = reachable.length > 0 ? await quarantineObjectsWhole(files, zone.root, reachable) : new Map<string, string>();
  const unreadable = zone.objectFailures.map((f) => {
    const copy = copies.get(f.object);
    return JSON.stringify({ object: f.object, line: null, raw: null, ...(copy ? { copy } : {}), issues: [{ path: [], code: 'unreadable_object', message: f.error }] });
  });
  if (unreadable.length > 0 || zone.quarantined.count > 0) {
    out.quarantine = joinPath(zone.root, 'quarantine', `run-${zone.runId}.jsonl`);
    const spool = zone.quarantined;
    await files.write(out.quarantine, (function* () {
      if (unreadable.length > 0) yield Buffer.from(`${unreadable.join('\n')}\n`, 'utf8');
      yield* spool.chunks();
    })());
  }
  return out;
}

/**
 * A view of the valid rows with `_line_index`, the row's place among the records starting on
 * its line, as the event stage writes it into the validated zone (JSON records back to back share
 * a line; the aggregate stage breaks first/last ties by it). Counted over every record read, the
 * quarantined ones included: a text source's `_row_id`s run on within an object, so it is the
 * distance from the line's first record. Parquet rows each have a line of their own: 1.
 */
async function withLineIndex(connection: DuckDBConnection, validTable: string, rawTable: string | undefined): Promise<string> {
  const p = printerFor('duckdb');
  const view = `${validTable}__zone`;
  const lineIndex = rawTable
    ? `CAST(v._row_id - f.first_row + 1 AS INTEGER)`
    : 'CAST(1 AS INTEGER)';
  const from = rawTable
    ? `${p.quoteIdentifier(validTable)} AS v JOIN (SELECT _object, _line, min(_row_id) AS first_row FROM ${p.quoteIdentifier(rawTable)} GROUP BY _object, _line) AS f ON f._object = v._object AND f._line = v._line`
    : `${p.quoteIdentifier(validTable)} AS v`;
  await connection.run(`CREATE OR REPLACE VIEW ${p.quoteIdentifier(view)} AS SELECT v.*, ${lineIndex} AS _line_index FROM ${from}`);
  return view;
}
