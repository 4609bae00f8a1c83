/**
 * Writes one feature group: `dt=` partitions of content-addressed Parquet with lineage,
 * then the catalog entry describing them (data first, so the catalog never names a partition
 * that is not there).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PipelineDefinition } from '../../pipeline/pipeline-definition.js';
import type { FeatureStoreSinkNode } from '../../plan/sink-node.js';
import type { WindowNode } from '../../plan/window-node.js';
import { storeFiles } from '../../features/store-files.js';
import { groupPath } from '../../features/store-layout.js';
import { featureColumns } from '../../features/feature-naming.js';
import { derivedColumns } from '../../features/derived-features.js';
import { expressionColumns } from '../../plan/expression-columns.js';
import { readCatalogEntry, writeCatalogEntry, type CatalogEntry } from '../../features/catalog.js';
import { printerFor } from '../../sql/dialects.js';
import { describeTable } from './transform-stage.js';
import { writePartitions, type PartitionWriteResult } from './partition-writer.js';
import { withWriteLock } from './write-lock.js';

export interface FeatureGroupWrite {
  readonly table: string;
  readonly sink: FeatureStoreSinkNode;
  readonly window: WindowNode;
  readonly definition: PipelineDefinition;
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * More connections to the run's database: partitions are then written side by side. (The
   * feature rows are a small table; the validated zone is not split this way, since each writer
   * would scan the whole input again to pick its partitions.)
   */
  readonly connect?: () => Promise<DuckDBConnection>;
  /**
   * The rows are every row the group has (`sluice dev` recomputes it from the whole validated
   * zone): a stored partition they have no row for is removed wherever it is, not only between
   * their first and last date as after a run over some inputs.
   */
  readonly complete?: boolean;
  /** Called when another run is writing the group and this one waits for it (write-lock.ts). */
  readonly onLockWait?: (holder: string) => void;
}

/**
 * @example
 * ```ts
 * await writeFeatureGroup(connection, { table: 'feature_rows', sink, window, definition, metadata });
 * ```
 */
export async function writeFeatureGroup(connection: DuckDBConnection, write: FeatureGroupWrite): Promise<PartitionWriteResult & { readonly notes: readonly string[] }> {
  const { sink, definition } = write;
  const p = printerFor('duckdb');
  const planHashColumn = '_plan_hash';
  const staged = `${write.table}__store`;
  // The stored rows carry the plan hash, so a reader can tell which definition produced them
  // (a view: the rows are read once, by the COPY, not copied first).
  await connection.run(`CREATE OR REPLACE VIEW ${p.quoteIdentifier(staged)} AS SELECT *, ${p.stringLiteral(definition.hash)} AS ${planHashColumn} FROM ${p.quoteIdentifier(write.table)}`);
  const columns = await describeTable(connection, staged);
  const files = storeFiles(sink.root, { ...(sink.endpoint ? { endpoint: sink.endpoint } : {}), ...(sink.region ? { region: sink.region } : {}) });
  const base = groupPath(sink.root, sink.entity, sink.group);
  // One writer at a time: the catalog entry read here and the partitions listed below must still
  // be the group's when this write replaces them (write-lock.ts).
  const { before, result } = await withWriteLock(base, async () => {
    const before = await readCatalogEntry(files, sink.root, sink.entity, sink.group);
    const result = await writePartitions(connection, {
      table: staged,
      columns: columns.map((c) => c.name),
      dtExpression: `strftime("feature_ts", '%Y-%m-%d')`,
      orderBy: ['entity_id', 'feature_ts'],
      base,
      files,
      metadata: write.metadata,
      roundingTolerance: stddevTolerance(write.window),
      ...(write.complete ? { complete: true } : {}),
      ...(write.connect ? { connect: write.connect } : {}),
    });
    await writeCatalogEntry(files, sink.root, {
      entity: sink.entity,
      group: sink.group,
      pipeline: definition.plan.name,
      planHash: definition.hash,
      plan: definition.plan,
      columns,
      features: columns.map((c) => c.name).filter((n) => n !== 'entity_id' && n !== 'feature_ts' && n !== planHashColumn),
      every: write.window.every,
      windows: write.window.windows,
      partitions: result.partitions,
      // Content-derived, not wall-clock: the same inputs leave the catalog byte-identical too.
      updatedAt: write.metadata['sluice.run_id'] ?? '',
    }, { previous: before ?? null });
    return { before, result };
  }, write.onLockWait ? { onWait: write.onLockWait } : {});
  await connection.run(`DROP VIEW ${p.quoteIdentifier(staged)}`);
  return { ...result, notes: previousDefinitionNote(before, definition.hash, result, `${sink.entity}/${sink.group}`) };
}

/**
 * Partitions a run did not cover, still holding the rows of the group's previous definition (a
 * feature added or removed, a window or cadence changed): the group mixes two plans, and its
 * catalog now describes only the new one. Said, not silent.
 */
function previousDefinitionNote(before: CatalogEntry | undefined, planHash: string, result: PartitionWriteResult, group: string): string[] {
  if (!before || before.planHash === planHash) return [];
  const covered = new Set([...result.written, ...result.unchanged]);
  const left = result.partitions.filter((dt) => !covered.has(dt));
  if (left.length === 0) return [];
  return [
    `${left.length} partition${left.length === 1 ? '' : 's'} of ${group} (${left[0]} … ${left.at(-1)}) still hold rows of its previous definition (plan ${before.planHash}): ` +
      'this run did not cover their dates, so they keep that definition\'s columns while the catalog now describes this one. Run over all the data to rewrite them.',
  ];
}

/**
 * A stddev is computed from its values' mean, which carries rounding of about one ulp of the
 * mean itself, and that ulp differs between runs (DuckDB sums on several threads in any order).
 * So a stddev's relative run-to-run difference is about 1e-16 · |mean| / stddev, not 1e-16:
 * already 1e-12 for prices of 150.00 ± 0.01, or epoch seconds spread over a day (5e-12 was
 * measured on the latter). Within 1e-9 such a stored stddev is the same value, and a re-run
 * leaves its partition as it is, up to |mean| / stddev ≈ 1e6, past which a stddev has lost ten
 * of its sixteen digits anyway. Means, sums and the rest keep 1e-12.
 */
const STDDEV_RELATIVE_TOLERANCE = 1e-9;

/**
 * The stddev columns' tolerance, and a derived feature's that reads them (`spread / level`): its
 * relative run-to-run difference is about the sum of theirs, so one tolerance per stddev it reads.
 */
function stddevTolerance(window: WindowNode): Record<string, number> {
  const stddevs = new Set(featureColumns(window).filter((c) => c.fn === 'stddev').map((c) => c.name));
  const tolerance: Record<string, number> = Object.fromEntries([...stddevs].map((name) => [name, STDDEV_RELATIVE_TOLERANCE]));
  for (const derived of derivedColumns(window)) {
    const read = expressionColumns(derived.expression).filter((column) => stddevs.has(column)).length;
    if (read > 0) tolerance[derived.name] = read * STDDEV_RELATIVE_TOLERANCE;
  }
  return tolerance;
}
