import type { Table } from 'apache-arrow';
import type { QualityReport } from '../quality/quality-report.js';
import type { DistributionOptions, FeaturePlotOptions } from '../notebook/chart-spec.js';

/** Options of `pipeline.run()`. */
export interface RunOptions {
  /** Read only about this many rows (whole objects in key order, the last one cut short). */
  readonly sample?: number;
  /**
   * Let a `sample` run write the feature store and the validated zone. Default false: a
   * sample sees only part of the data, so its windows are incomplete, and since writes replace
   * whole `dt` partitions its partial features would replace complete ones. A sample run still
   * writes its quarantine file (named by its run id) and reports everything.
   */
  readonly writeSample?: boolean;
  /**
   * Where the validated and quarantine zones go locally. Default: `zones/<pipeline>` in the
   * parent folder of a local store (`./.sluice/features` → `./.sluice/zones/<pipeline>`), and
   * `./.sluice/zones/<pipeline>` when the store is on S3 or the pipeline has none.
   */
  readonly zones?: string;
  /**
   * Write the validated zone (`<zones>/validated/dt=…/part-….parquet`, a copy of every valid
   * row) as production does. Default true. With false the local run skips that copy, which is
   * most of a run's time on large inputs when the features are what you are after; quarantined
   * rows are still written to the quarantine zone and reported in the result.
   */
  readonly writeZones?: boolean;
  /** Compute everything but write nothing to the feature store or zones. */
  readonly dryRun?: boolean;
  /**
   * Profile every valid column for the quality report (count, nulls, distinct, min/max,
   * mean/stddev). Default true. False skips that scan — about a quarter of a large run's time —
   * and the report lists counts, failing rules and gates without the column table.
   */
  readonly profile?: boolean;
  /** Save this run's column profile as a drift baseline at this path (implies `profile`). */
  readonly saveProfile?: string;
  /** Throw `GateError` when a gate fails (default true). With false the result reports it. */
  readonly failOnGate?: boolean;
  /** Rows in the preview table (default 20). */
  readonly previewRows?: number;
  /**
   * The most feature rows a local run computes (default 50,000,000). A window emits a row per
   * entity at every boundary where a window is non-empty, so a long window at a fine cadence
   * (`windows: ['30d'], every: '1m'` is 43,200 rows per entity after each event) can ask for
   * hundreds of millions of rows: minutes of work and more memory than a laptop has. The run
   * counts them first (one pass over the distinct entity-buckets) and stops with
   * `FEATURE_ROWS_LIMIT` above this, naming the count and coarser choices.
   */
  readonly maxFeatureRows?: number;
  /** Progress callback; the CLI draws a bar, a notebook a live display. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  readonly stage: 'list' | 'read' | 'validate' | 'transform' | 'aggregate' | 'write' | 'done';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

/** Rows kept for charts: all of them up to 10,000, else every row of a sample of entities (a sample of rows without windows). */
export interface ChartRows {
  readonly table: Table;
  /** Rows there are in all: feature rows, or valid rows when the pipeline does not aggregate. */
  readonly ofRows: number;
  /** Feature rows: how many entities `table` holds every row of, of how many. */
  readonly entities?: { readonly kept: number; readonly of: number };
}

export interface RowCounts {
  readonly in: number;
  readonly valid: number;
  readonly quarantined: number;
}

/** What the engine computes for a run. Printing it (`String(result)`) gives a readable summary. */
export interface BaseRunResult {
  readonly pipeline: string;
  readonly planHash: string;
  /** Derived from the plan hash and the identities of the objects read: same inputs, same id. */
  readonly runId: string;
  readonly counts: RowCounts;
  readonly perObject: Readonly<Record<string, RowCounts>>;
  readonly quality: QualityReport;
  readonly gatesPassed: boolean;
  /** Feature rows (or valid rows when the pipeline does not aggregate), the first `previewRows`. */
  readonly preview: Table;
  /**
   * The rows `plot()` and `plotDistribution()` draw, kept when a notebook shows the run (the
   * charts use the preview elsewhere).
   */
  readonly chartRows?: ChartRows;
  readonly featureRows: number;
  readonly timings: Readonly<Record<string, number>>;
  readonly outputs: RunOutputs;
  /** Things the user should know: e.g. a `.map()` step that left the vectorised path. */
  readonly notes: readonly string[];
  toString(): string;
}

export interface RunOutputs {
  readonly validated?: string;
  readonly quarantine?: string;
  readonly featureStore?: string;
  readonly partitionsWritten: readonly string[];
  readonly partitionsUnchanged: readonly string[];
  /**
   * Partitions this run removed: dates between its first and last feature partition for which
   * it computed no row (their data was deleted from the input or replaced), as the Glue job does.
   */
  readonly partitionsRemoved: readonly string[];
}

/**
 * What `run()` returns: the run's data, a readable `toString()`, rich display in a notebook
 * (the result, its `quality` and its `preview` render as HTML), and charts of the preview.
 */
export interface RunResult extends BaseRunResult {
  /**
   * Line chart of one feature over `feature_ts` for a few entities of the preview.
   *
   * @example
   * ```ts
   * await run.plot('clicks_7d');
   * ```
   */
  plot(feature: string, options?: FeaturePlotOptions): Promise<void>;
  /**
   * Histogram (or bar chart) of one preview column.
   *
   * @example
   * ```ts
   * await run.plotDistribution('spend_30d');
   * ```
   */
  plotDistribution(column: string, options?: DistributionOptions): Promise<void>;
}
