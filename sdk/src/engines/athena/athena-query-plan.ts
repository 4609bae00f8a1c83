/**
 * Turns a retrieval job into Athena statements: the portable point-in-time AST printed as
 * Trino, wrapped in `UNLOAD (...) TO 's3://…' WITH (format = 'PARQUET')`.
 *
 * Limits respected here:
 * - query text ≤ 262,144 bytes: labels go inline as VALUES only when that fits; otherwise
 *   they are read from a staged table, and if the `dt` predicates alone are too long the time
 *   chunks are split over several statements;
 * - UNLOAD writes at most 100 partitions per statement: the UNLOAD is not partitioned at all.
 *
 * Every feature table is filtered to the pruned `dt` ranges of the statement's chunks, so with
 * partition projection Athena reads exactly those partitions.
 */
import { printSql } from '../../sql/dialects.js';
import type { FromItem } from '../../sql/sql-node.js';
import { dtRangePredicate, labelValues, pointInTimeQuery } from '../../retrieval/point-in-time-query.js';
import { chunkCovers, mergedDtRanges } from '../../retrieval/time-chunk-planner.js';
import type { RetrievalJob, StoreFile, TimeChunk } from '../../retrieval/training-set-types.js';

export const MAX_QUERY_BYTES = 262_144;

export interface FeatureTableRef { readonly database: string; readonly table: string }

export interface AthenaStatement {
  readonly chunks: readonly number[];
  /** The SELECT (what the Trino grammar check parses). */
  readonly select: string;
  /** The full UNLOAD statement sent to Athena. */
  readonly text: string;
  readonly resultPrefix: string;
  /** Files in this statement's partitions (for the estimate). */
  readonly files: readonly StoreFile[];
}

export interface AthenaPlanInput {
  readonly featureTable: (group: string) => FeatureTableRef;
  /** Staged labels table, or undefined to inline labels as VALUES (only used when it fits). */
  readonly stagedLabels?: FeatureTableRef;
  readonly inlineMaxLabels: number;
  /** s3:// prefix under which each statement unloads into `result-<n>/`. */
  readonly resultBase: string;
  readonly maxQueryBytes?: number;
}

/**
 * Whether labels should be inlined as VALUES (small, and the statement fits).
 *
 * @example
 * ```ts
 * shouldInline(job, { featureTable: (g) => ({ database: 'sluice_user_engagement', table: `user__${g}` }), inlineMaxLabels: 200, resultBase: 's3://athena-results/sluice-tmp/run1' })
 * // true for 120 label rows; false for 250 (above inlineMaxLabels), or when the inlined statement passes maxQueryBytes
 * ```
 */
export function shouldInline(job: RetrievalJob, input: Omit<AthenaPlanInput, 'stagedLabels'>): boolean {
  const labelled = job.chunks.reduce((s, c) => s + c.rows.length, 0);
  if (labelled > input.inlineMaxLabels) return false;
  const text = statement(job, job.chunks, undefined, input, 0).text;
  return Buffer.byteLength(text, 'utf8') <= (input.maxQueryBytes ?? MAX_QUERY_BYTES);
}

/**
 * @example
 * ```ts
 * const statements = planAthenaStatements(job, { featureTable: (g) => ({ database: 'sluice_x', table: `user__${g}` }), inlineMaxLabels: 500, resultBase: 's3://tmp/run/' });
 * ```
 */
export function planAthenaStatements(job: RetrievalJob, input: AthenaPlanInput): AthenaStatement[] {
  const limit = input.maxQueryBytes ?? MAX_QUERY_BYTES;
  const out: AthenaStatement[] = [];
  const place = (chunks: readonly TimeChunk[]): void => {
    const candidate = statement(job, chunks, input.stagedLabels, input, out.length);
    if (Buffer.byteLength(candidate.text, 'utf8') <= limit || chunks.length === 1) {
      if (Buffer.byteLength(candidate.text, 'utf8') > limit) {
        throw new Error(`A single time chunk's Athena statement is ${Buffer.byteLength(candidate.text, 'utf8')} bytes, above Athena's ${limit}-byte limit.`);
      }
      out.push(candidate);
      return;
    }
    const half = Math.ceil(chunks.length / 2);
    place(chunks.slice(0, half));
    place(chunks.slice(half));
  };
  if (job.chunks.length > 0) place(job.chunks);
  return out;
}

function statement(job: RetrievalJob, chunks: readonly TimeChunk[], staged: FeatureTableRef | undefined, input: Omit<AthenaPlanInput, 'stagedLabels'>, n: number): AthenaStatement {
  const ranges = mergedDtRanges(chunks);
  const indexes = chunks.map((c) => c.index);
  const labels: FromItem = staged
    ? {
        kind: 'subquery',
        alias: 'staged_labels',
        query: {
          kind: 'select',
          columns: [{ expr: { kind: 'star' } }],
          from: { kind: 'table', schema: staged.database, name: staged.table },
          ...(indexes.length === job.chunks.length
            ? {}
            : { where: { kind: 'in', operand: { kind: 'column', name: '_sluice_chunk' }, list: indexes.map((i) => ({ kind: 'literal', value: i })), negated: false } }),
        },
      }
    : labelValues(job.keys, chunks.flatMap((c) => [...c.rows]), job.ttlMs);
  const query = pointInTimeQuery({
    labels,
    groups: job.groups.map((g) => {
      const ref = input.featureTable(g.group);
      return { source: { kind: 'table', schema: ref.database, name: ref.table }, where: dtRangePredicate(ranges), features: g.features, tieBreakColumns: g.tieBreakColumns };
    }),
    bounded: job.ttlMs !== null,
    ordered: false,
  });
  // Athena documents UNLOAD over a SELECT; the CTEs go one level down so the body starts with SELECT.
  const select = `SELECT * FROM (${printSql(query, 'trino')}) AS "training_set"`;
  const resultPrefix = `${input.resultBase.replace(/\/+$/, '')}/result-${n}/`;
  const files = job.groups.flatMap((g) => g.files.filter((f) => chunks.some((c) => chunkCovers(c, f.dt))));
  // The target is generated by sluice (never user text), but is escaped as any literal would be.
  return { chunks: indexes, select, text: `UNLOAD (${select}) TO '${resultPrefix.replaceAll("'", "''")}' WITH (format = 'PARQUET', compression = 'SNAPPY')`, resultPrefix, files };
}
