/**
 * The shapes shared by the training-set builder and the engines that execute it. The builder
 * resolves everything that does not need an engine (features against the catalog, label keys,
 * time chunks, pruned partitions with their sizes); an engine receives that as a
 * `RetrievalJob` and returns one value per label row for each requested feature.
 */
import type { Table } from 'apache-arrow';
import type { Dialect } from '../sql/sql-printer.js';
import type { SourceNode } from '../plan/source-node.js';
import type { Duration } from '../plan/duration.js';
import type { GroupSchema } from './feature-ref-resolver.js';

/** A feature store reference as `featureStore()` returns it (or just its root). */
export interface FeatureStoreRef {
  readonly root: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/** Labels: a source (`file()`, `s3()` or its plan node), an Arrow table, or plain objects. */
export type LabelsInput = SourceNode | { readonly node: SourceNode } | Table | readonly Record<string, unknown>[];

export interface TrainingSetOptions {
  readonly labels: LabelsInput;
  /** The entity the feature groups are keyed by (the `entity=` folder of the store). */
  readonly entity: string;
  /** `'<group>:<feature>'` or `'<group>:*'`, across one or more groups. */
  readonly features: readonly string[];
  /** How far back a feature row may be (`'30d'`), or `'unbounded'` to accept any age explicitly. */
  readonly ttl: Duration | 'unbounded';
  /** The labels' entity id column. Default `entity_id`. */
  readonly entityColumn?: string;
  /** The labels' event time column (UTC instants). Default `ts`. */
  readonly timestampColumn?: string;
  /** An S3 client for the store and s3 labels (tests inject a mock or an s3rver client). */
  readonly s3Client?: unknown;
}

/** One feature column the training set will carry. */
export interface ResolvedFeature {
  /** Column name in the store. */
  readonly column: string;
  /** DuckDB type name from the catalog (BIGINT, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP…). */
  readonly type: string;
  /** `<group>__<feature>` in the output. */
  readonly outputName: string;
}

export interface StoreFile { readonly path: string; readonly size: number; readonly dt: string }

export interface ResolvedGroup {
  readonly group: string;
  /** The pipeline that writes the group (from the catalog): names its Glue database. */
  readonly pipeline?: string;
  /** The requested features, in request order. */
  readonly features: readonly ResolvedFeature[];
  /** Every feature column of the group in catalog order: duplicated rows are ordered by these. */
  readonly tieBreakColumns: readonly ResolvedFeature[];
  /** The files of the pruned partitions (only those inside some chunk's dt range). */
  readonly files: readonly StoreFile[];
  /** The pruned dt partitions that exist, sorted. */
  readonly partitions: readonly string[];
}

/** A run of labels (by time) whose partition needs overlap; each reads only its own dt range. */
export interface TimeChunk {
  readonly index: number;
  /** Label row indexes (input order positions) in this chunk. */
  readonly rows: Int32Array;
  readonly minTsMs: number;
  readonly maxTsMs: number;
  /** Inclusive dt range: [date(min(ts) - ttl), date(max(ts))]; `dtFrom` undefined when unbounded. */
  readonly dtFrom: string | undefined;
  readonly dtTo: string;
}

/** What identifies each label row to an engine; label columns themselves never enter SQL. */
export interface LabelKeys {
  readonly count: number;
  /** Entity id as text (the store's `entity_id` is VARCHAR), or null. */
  readonly entity: readonly (string | null)[];
  /** Event time, epoch milliseconds (UTC), or NaN when missing. */
  readonly tsMs: Float64Array;
}

export interface RetrievalJob {
  readonly store: FeatureStoreRef;
  readonly entity: string;
  readonly groups: readonly ResolvedGroup[];
  readonly keys: LabelKeys;
  /** Lookback in milliseconds; null = unbounded (explicitly asked for). */
  readonly ttlMs: number | null;
  readonly chunks: readonly TimeChunk[];
  readonly s3Client?: unknown;
}

export interface FeatureColumnValues {
  readonly feature: ResolvedFeature;
  /**
   * One value per label row in input order: number, bigint, string, boolean, Date or null —
   * or, for DOUBLE/BIGINT features, typed arrays with a validity byte per row (no per-value
   * boxing on 100k-row results).
   */
  readonly values: unknown[] | TypedColumn;
}

export interface TypedColumn {
  readonly data: Float64Array | BigInt64Array;
  /** 1 = value present, 0 = null. */
  readonly valid: Uint8Array;
}

export interface EngineRunStats {
  readonly engine: string;
  readonly queries: number;
  readonly filesRead: readonly string[];
  readonly bytesRead: number;
  /** Athena only: QueryExecution.Statistics.DataScannedInBytes summed over queries. */
  readonly bytesScanned?: number;
  readonly costUsd?: number;
  readonly elapsedMs: number;
  /** Where the time went, in milliseconds, per phase (engine-specific names). */
  readonly timings?: Readonly<Record<string, number>>;
}

export interface EngineOutput {
  readonly columns: readonly FeatureColumnValues[];
  readonly stats: EngineRunStats;
  /** What the engine saw that the result does not show (the local engine: features missing from partitions it read). */
  readonly warnings?: readonly string[];
}

export interface EngineRunOptions {
  readonly signal?: AbortSignal;
  readonly maxCostUsd?: number;
  readonly maxBytes?: number;
  readonly allowExpensive?: boolean;
  readonly onProgress?: (event: { readonly stage: string; readonly done: number; readonly total: number }) => void;
}

/** A backend that can execute a retrieval job. Engines are injected, never imported by the builder. */
export interface TrainingSetEngine {
  readonly name: string;
  readonly dialect: Dialect;
  /** The SQL this engine would run for the job (for `.sql()` and `.explain()`). */
  sql(job: RetrievalJob): string;
  /** Bytes this engine would scan, per query (Athena adds staged labels); defaults to the files. */
  estimate?(job: RetrievalJob): { readonly bytes: number; readonly queries: number };
  execute(job: RetrievalJob, options: EngineRunOptions): Promise<EngineOutput>;
  /**
   * A feature group's schema from the engine's own catalog, asked only when the store root has
   * no catalog document for it: a promoted pipeline's store is catalogued by its Glue table
   * alone (DESIGN §4), so Athena reads the group from there.
   */
  findGroupSchema?(entity: string, group: string): Promise<GroupSchemaLookup>;
}

/** What an engine's catalog holds for one group, and where it looked (for the error when nothing is found). */
export interface GroupSchemaLookup {
  readonly schema?: GroupSchema;
  /** E.g. `the Glue table sluice_user_engagement.user__engagement`. */
  readonly lookedIn: string;
}
