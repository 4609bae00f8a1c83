/**
 * The job arguments of the generic Glue driver (`templates/glue/sluice_glue_driver.py`), named
 * once. The CDK construct passes exactly these as the job's default arguments and a test
 * checks that the driver's `getResolvedOptions` reads exactly these — a rename on one side
 * breaks the build, not a 3 a.m. job run.
 */

/**
 * Argument names as the driver reads them (Glue passes each as `--<name> <value>`).
 *
 * @example
 * ```ts
 * const args = { [`--${GLUE_JOB_ARGUMENTS.featuresPath}`]: 's3://features-bucket/features/entity=user/feature_group=engagement/' };
 * ```
 */
export const GLUE_JOB_ARGUMENTS = {
  /** `s3://…/aggregate.spark.sql`: the compiled aggregate query (reads the input view, returns feature rows). */
  aggregateSqlUri: 'aggregate_sql_s3_uri',
  /** `s3://bucket/validated/<pipeline>/`: the validated zone, partitioned by `dt=YYYY-MM-DD`. */
  validatedPath: 'validated_path',
  /** `s3://bucket/_manifests/<pipeline>/`: the event stage's completion manifests; only files of finished objects are read. */
  manifestsPath: 'manifests_path',
  /** `s3://bucket/_current/<pipeline>/`: which version of each landing key is current (runtime/current-versions.ts); only its files are read. */
  currentVersionsPath: 'current_versions_path',
  /** `s3://bucket/_dirty/<pipeline>/`: validated dates whose rows changed since the last run (runtime/dirty-dates.ts); recomputed however old, then their markers deleted. */
  dirtyDatesPath: 'dirty_dates_path',
  /** `s3://bucket/features/entity=<e>/feature_group=<g>/`: where feature rows are written by `dt`. */
  featuresPath: 'features_path',
  /** The view name the compiled SQL reads (`valid_rows`). */
  inputView: 'input_view',
  /** First feature `dt` to (re)compute, `YYYY-MM-DD`, or `auto` (today minus `reprocess_days - 1`, UTC). */
  startDt: 'start_dt',
  /** Last feature `dt` to (re)compute, `YYYY-MM-DD`, or `auto` (today, UTC). */
  endDt: 'end_dt',
  /** With `auto` dates: how many most recent days are recomputed each run (late data lands in them). */
  reprocessDays: 'reprocess_days',
  /** Whole days of input read before `start_dt`, and recomputed after a dirty date: the longest window plus one cadence step (the row where the windows are empty again), rounded up. */
  lookbackDays: 'lookback_days',
  /** The plan hash, written to every feature row's `_plan_hash`. */
  planHash: 'plan_hash',
} as const;

export type GlueJobArgumentName = (typeof GLUE_JOB_ARGUMENTS)[keyof typeof GLUE_JOB_ARGUMENTS];

/** Values for every driver argument: the construct fills these in. */
export type GlueJobArgumentValues = { readonly [K in keyof typeof GLUE_JOB_ARGUMENTS]: string };

/** The sentinel for "compute the date from today" in `start_dt`/`end_dt`. */
export const AUTO_DATE = 'auto';

/** The view the compiled aggregate SQL reads from. */
export const INPUT_VIEW = 'valid_rows';

/**
 * Glue's own `DefaultArguments` (`--key`) from the driver's values, in a stable order.
 *
 * @example
 * ```ts
 * glueDefaultArguments({ aggregateSqlUri: 's3://b/aggregate.spark.sql', ... })['--aggregate_sql_s3_uri'] // 's3://b/aggregate.spark.sql'
 * ```
 */
export function glueDefaultArguments(values: GlueJobArgumentValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(GLUE_JOB_ARGUMENTS) as (keyof typeof GLUE_JOB_ARGUMENTS)[]) {
    out[`--${GLUE_JOB_ARGUMENTS[key]}`] = values[key];
  }
  return out;
}

/**
 * Glue's own switches the construct adds beside the driver's arguments (not read by the
 * driver): Python job language, metrics, continuous logging.
 */
export const GLUE_SYSTEM_ARGUMENTS: Readonly<Record<string, string>> = {
  '--job-language': 'python',
  '--enable-metrics': 'true',
  '--enable-continuous-cloudwatch-log': 'true',
  '--enable-job-insights': 'true',
};
