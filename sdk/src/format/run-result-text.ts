/**
 * A run result as plain text for a terminal: the quality report, a preview that says which
 * part of the feature rows it is, where the outputs went — or that a dry run wrote none — and
 * where a profile was saved. What the CLI prints; `String(result)` can print the same.
 */
import type { BaseRunResult } from '../pipeline/run-types.js';
import { formatQualityReport } from './quality-report-text.js';
import { formatTextTable } from './text-table.js';

export interface RunResultTextOptions {
  /** The run was a dry run: its outputs section says that nothing was written. */
  readonly dryRun?: boolean;
  /** Where the run saved its column profile (`saveProfile`), to be named among the outputs. */
  readonly savedProfile?: string;
  /** Preview rows to print (default 10). */
  readonly limit?: number;
}

/**
 * @example
 * ```ts
 * console.log(formatRunResult(await engagement.run({ dryRun: true }), { dryRun: true }));
 * ```
 */
export function formatRunResult(result: Omit<BaseRunResult, 'toString'>, options: RunResultTextOptions = {}): string {
  const limit = options.limit ?? 10;
  const shown = Math.min(limit, result.preview.numRows);
  const { outputs } = result;
  const whereAll = options.dryRun ? 'a dry run writes none of them' : outputs.featureStore ? 'all of them are in the feature store, see outputs' : undefined;
  const written = [
    ...(outputs.featureStore ? [`  feature store  ${outputs.featureStore} (${outputs.partitionsWritten.length} partitions written, ${outputs.partitionsUnchanged.length} unchanged${outputs.partitionsRemoved.length > 0 ? `, ${outputs.partitionsRemoved.length} removed (no rows any more)` : ''})`] : []),
    ...(outputs.validated ? [`  validated zone ${outputs.validated}`] : []),
    ...(outputs.quarantine ? [`  quarantine     ${outputs.quarantine}`] : []),
  ];
  return [
    `${result.pipeline} · run ${result.runId} · plan ${result.planHash}`,
    '',
    formatQualityReport(result.quality),
    '',
    `features: ${result.featureRows.toLocaleString('en-US')} rows; preview of the first ${shown.toLocaleString('en-US')}${whereAll ? ` (${whereAll})` : ''}:`,
    formatTextTable(result.preview, { limit, totalRows: result.featureRows }),
    '',
    'outputs',
    ...(options.dryRun && written.length === 0 ? ['  none: this was a dry run, which writes nothing to the feature store or the zones'] : written),
    ...(options.savedProfile ? [`  profile        ${options.savedProfile} (a drift baseline: validate(schema, { drift: { baseline: '${options.savedProfile}' } }))`] : []),
    ...result.notes.map((n) => `note: ${n}`),
    `timings (ms): ${Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ].join('\n');
}
