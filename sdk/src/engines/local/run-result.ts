/**
 * The object `run()` returns: plain data plus a readable `toString()` (quality report, feature
 * preview, outputs, timings), so `console.log(String(result))` in a terminal says it all.
 */
import type { BaseRunResult } from '../../pipeline/run-types.js';
import { formatQualityReport } from '../../quality/quality-report.js';
import { formatTextTable } from '../../format/text-table.js';

/**
 * @example
 * ```ts
 * const result = buildRunResult({ pipeline: 'p', planHash, runId, counts, ... });
 * console.log(String(result));
 * ```
 */
export function buildRunResult(data: Omit<BaseRunResult, 'toString'>): BaseRunResult {
  const result: BaseRunResult = {
    ...data,
    toString() {
      const lines = [
        `${data.pipeline} · run ${data.runId} · plan ${data.planHash}`,
        '',
        formatQualityReport(data.quality),
        '',
        `features: ${data.featureRows.toLocaleString('en-US')} rows — preview:`,
        formatTextTable(data.preview, { limit: 10 }),
        '',
        'outputs',
        ...(data.outputs.featureStore
          ? [`  feature store  ${data.outputs.featureStore} (${data.outputs.partitionsWritten.length} partitions written, ${data.outputs.partitionsUnchanged.length} unchanged)`]
          : []),
        ...(data.outputs.validated ? [`  validated zone ${data.outputs.validated}`] : []),
        ...(data.outputs.quarantine ? [`  quarantine     ${data.outputs.quarantine}`] : []),
        ...data.notes.map((n) => `note: ${n}`),
        `timings (ms): ${Object.entries(data.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      ];
      return lines.join('\n');
    },
  };
  return Object.freeze(result);
}
