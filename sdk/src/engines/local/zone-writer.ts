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
    const columns = (await describeTable(connection, zone.table)).map((c) => c.name);
    const p = printerFor('duckdb');
    // One writer at a time per zone, as per feature group (write-lock.ts).
    await withWriteLock(validated, () => writePartitions(connection, {
      table: zone.table,
      columns,
      dtExpression: zone.timestampColumn ? `coalesce(strftime(${p.quoteIdentifier(zone.timestampColumn)}, '%Y-%m-%d'), 'unknown')` : `'all'`,
      orderBy: ['_row_id'],
      base: validated,
      files,
      metadata: zone.metadata,
    }));
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
