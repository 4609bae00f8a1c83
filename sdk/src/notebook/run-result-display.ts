/**
 * Makes a run result render itself in a notebook: the result, its quality report and its
 * preview table each show as HTML when they are a cell's last value, and the result gains
 * `plot()` / `plotDistribution()`. Engines never import this (backends stay apart); the
 * public entry point applies it to what the local engine returns.
 */
import type { Table } from 'apache-arrow';
import type { BaseRunResult } from '../pipeline/run-types.js';
import type { QualityReport } from '../quality/quality-report.js';
import type { ChartCoverage, DistributionOptions, FeaturePlotOptions } from './chart-spec.js';
import { escapeHtml } from './html-escape.js';
import { attachRichDisplay, plotDistribution, plotFeature, qualityReportBundle, tableBundle } from './notebook-display.js';
import { conservationLine, qualityReportToHtml } from './quality-report-html.js';
import { tableToHtml } from './table-html.js';

/** What a run result gains in a notebook. */
export interface RunResultDisplay {
  /** Line chart of one feature over `feature_ts` for a few entities of the preview. */
  plot(feature: string, options?: FeaturePlotOptions): Promise<void>;
  /** Histogram (or bar chart) of one preview column. */
  plotDistribution(column: string, options?: DistributionOptions): Promise<void>;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * The HTML of a whole run: summary, quality report, preview.
 *
 * @example
 * ```ts
 * const html = runResultToHtml(run);
 * ```
 */
export function runResultToHtml(result: BaseRunResult): string {
  const { text, holds } = conservationLine(result.counts);
  const o = result.outputs;
  const lines = [
    `<div style="font-weight:bold;font-size:15px">${escapeHtml(result.pipeline)} <span style="color:#888;font-weight:normal">run ${escapeHtml(result.runId)} · plan ${escapeHtml(result.planHash)}</span></div>`,
    `<div>${escapeHtml(text)}${holds ? '' : ' ✗'} · ${fmt(result.featureRows)} feature rows · gates ${result.gatesPassed ? 'passed' : 'FAILED'}</div>`,
  ];
  if (o.featureStore) {
    lines.push(`<div>feature store <code>${escapeHtml(o.featureStore)}</code>: ${fmt(o.partitionsWritten.length)} partitions written, ${fmt(o.partitionsUnchanged.length)} unchanged${o.partitionsRemoved.length > 0 ? `, ${fmt(o.partitionsRemoved.length)} removed (no rows any more)` : ''}</div>`);
  }
  for (const note of result.notes) lines.push(`<div style="color:#9a6700">note: ${escapeHtml(note)}</div>`);
  const timings = Object.entries(result.timings).map(([k, v]) => `${k} ${fmt(v)} ms`).join(' · ');
  if (timings) lines.push(`<div style="color:#888;font-size:11px">${escapeHtml(timings)}</div>`);
  return (
    `<div class="sluice-run" style="font-family:system-ui,sans-serif;font-size:13px">${lines.join('')}` +
    `<div style="margin-top:8px">${qualityReportToHtml(result.quality)}</div>` +
    `<div style="margin-top:8px">${tableToHtml(result.preview, { limit: 10, title: 'preview' })}</div></div>`
  );
}

/**
 * Returns a copy of `result` (run results are frozen) whose display is rich in a notebook,
 * with `plot()` and `plotDistribution()`. Outside a notebook everything prints as before.
 *
 * @example
 * ```ts
 * registerLocalEngine({ run: async (definition, options) => withNotebookDisplay(await runLocal(definition, options)) });
 * ```
 */
export function withNotebookDisplay<T extends BaseRunResult>(result: T): T & RunResultDisplay {
  const quality: QualityReport = attachRichDisplay({ ...result.quality }, (q) => qualityReportBundle(q));
  const preview: Table = attachRichDisplay(result.preview, (t) => tableBundle(t, { limit: 20 }));
  const chart = chartTable(result, preview);
  const copy = {
    ...result,
    quality,
    preview,
    toString: () => result.toString(),
    plot(feature: string, options?: FeaturePlotOptions): Promise<void> {
      return plotFeature(chart.table, feature, { coverage: chart.coverage, ...options });
    },
    plotDistribution(column: string, options?: DistributionOptions): Promise<void> {
      return plotDistribution(chart.table, column, { coverage: chart.coverage, ...options });
    },
  };
  attachRichDisplay(copy, (r) => ({ text: r.toString(), html: runResultToHtml(r) }));
  return Object.freeze(copy) as T & RunResultDisplay;
}

/** What the charts draw: the rows the run kept for them, else (outside a notebook) its preview; and what that is of. */
function chartTable(result: BaseRunResult, preview: Table): { table: Table; coverage: ChartCoverage } {
  const kept = result.chartRows;
  if (kept) return { table: kept.table, coverage: { rows: kept.ofRows, ...(kept.entities ? { entities: kept.entities } : {}) } };
  return { table: preview, coverage: { rows: Math.max(result.featureRows || result.counts.valid, preview.numRows), preview: true } };
}
