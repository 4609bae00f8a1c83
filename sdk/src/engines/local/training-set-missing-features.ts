/**
 * Partitions read for a training set that lack a requested feature's column. A group whose
 * pipeline gained a feature and ran over new dates only keeps its older partitions without it
 * (the run said so then, in its notes); a training set across both periods gives the labels that
 * take their rows from the older partitions null for it — right, as Athena would, but a model
 * trained on those nulls learns from the store's history, not from the data. So it is said, with
 * the partitions and what to run, whenever a training set reads such partitions.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDbPrinter } from '../../sql/duckdb-printer.js';
import type { ResolvedGroup } from '../../retrieval/training-set-types.js';

const printer = new DuckDbPrinter();

/**
 * One warning per group and set of partitions lacking some of its requested features: the
 * files' columns come from their Parquet footers (`parquet_schema`), no data is read.
 *
 * @example
 * ```ts
 * await missingFeatureWarnings(connection, job.groups, (path) => localCopy.get(path) ?? path, neededFiles);
 * // ['g: s_1d is missing from 9 of the 10 partitions read (2024-05-02 … 2024-05-10): …']
 * ```
 */
export async function missingFeatureWarnings(
  connection: DuckDBConnection,
  groups: readonly ResolvedGroup[],
  /** Where a store file can be read here (a downloaded copy of an s3:// file). */
  localPathOf: (path: string) => string,
  /** The store files the training set reads. */
  read: ReadonlySet<string>,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const group of groups) {
    const files = group.files.filter((f) => read.has(f.path));
    if (files.length === 0 || group.features.length === 0) continue;
    const dtOf = new Map(files.map((f) => [localPathOf(f.path), f.dt]));
    const rows = (await connection.runAndReadAll(
      `SELECT file_name, list(name) AS names FROM parquet_schema([${[...dtOf.keys()].map((p) => printer.stringLiteral(p)).join(', ')}]) GROUP BY file_name`,
    )).getRowObjectsJS() as { file_name: string; names: string[] }[];
    const partitions = [...new Set(files.map((f) => f.dt))];
    /** Partitions lacking each feature (a partition lacks it when any of its files does). */
    const lacking = new Map<string, Set<string>>();
    for (const { file_name, names } of rows) {
      const dt = dtOf.get(file_name);
      if (dt === undefined) continue;
      const has = new Set(names);
      for (const f of group.features) if (!has.has(f.column)) lacking.set(f.column, (lacking.get(f.column) ?? new Set()).add(dt));
    }
    // Features missing from the same partitions share one warning.
    const byPartitions = new Map<string, { features: string[]; dts: string[] }>();
    for (const [feature, dts] of lacking) {
      const sorted = [...dts].sort();
      const key = sorted.join(',');
      byPartitions.set(key, { features: [...(byPartitions.get(key)?.features ?? []), feature], dts: sorted });
    }
    for (const { features, dts } of byPartitions.values()) {
      const names = features.join(', ');
      const one = features.length === 1;
      const where = dts.length < partitions.length ? `${dts.length} of the ${partitions.length} partitions read`
        : partitions.length === 1 ? 'the one partition read' : `all ${partitions.length} partitions read`;
      const span = dts.length === 1 ? dts[0] : `${dts[0]} … ${dts.at(-1)}`;
      warnings.push(
        `${group.group}: ${names} ${one ? 'is' : 'are'} missing from ${where} (${span}): they were written before the group's definition had ${one ? 'this feature' : 'these features'}, ` +
          `and labels that take their feature rows from them get null for ${one ? 'it' : 'them'}. Run the pipeline over those dates to fill ${one ? 'it' : 'them'} in.`,
      );
    }
  }
  return warnings;
}
