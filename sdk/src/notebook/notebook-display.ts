/**
 * Showing SDK objects: rich MIME bundles inside a tslab kernel, plain text elsewhere.
 */
import { inspect } from 'node:util';
import type { Table } from 'apache-arrow';
import { distributionSpec, featurePlotSpec, type DistributionOptions, type FeaturePlotOptions, type VegaLiteSpec } from './chart-spec.js';
import type { QualityReport } from '../quality/quality-report.js';
import { qualityReportToHtml, qualityReportToText, type QualityReportDisplayOptions } from './quality-report-html.js';
import { renderSvg } from './svg-renderer.js';
import { tableToHtml, tableToText, type TableDisplayOptions } from './table-html.js';
import { findMultiMimeWriter, findTslab } from './tslab-bridge.js';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** Everything one object can be shown as; `text` is always present (the fallback). */
export interface DisplayBundle {
  readonly text: string;
  readonly html?: string;
  readonly vegaLite?: VegaLiteSpec;
  readonly svg?: string;
}

/**
 * True inside a tslab Jupyter kernel.
 *
 * @example
 * ```ts
 * if (isNotebook()) showTable(run.preview);
 * ```
 */
export function isNotebook(): boolean {
  return findTslab() !== undefined;
}

/**
 * Shows a bundle: in a notebook as rich output (HTML; a chart as the vega-lite spec plus
 * its SVG), elsewhere by writing `text` to stdout.
 *
 * @example
 * ```ts
 * show({ text: 'ok', html: '<b>ok</b>' });
 * ```
 */
export function show(bundle: DisplayBundle): void {
  const tslab = findTslab();
  if (!tslab) {
    process.stdout.write(`${bundle.text}\n`);
    return;
  }
  const multi = findMultiMimeWriter();
  if (bundle.vegaLite && multi) {
    // One message, several representations: JupyterLab draws the vega-lite spec, static
    // viewers (nbconvert HTML, code hosts) fall back to the SVG. No chart drawn twice.
    multi({
      [VEGA_LITE_MIME]: bundle.vegaLite,
      ...(bundle.svg ? { 'image/svg+xml': bundle.svg } : {}),
      'text/plain': bundle.text,
    });
    if (bundle.html) tslab.display.html(bundle.html);
    return;
  }
  if (bundle.html) tslab.display.html(bundle.html);
  // One message per MIME type: sending both would draw the chart twice in JupyterLab. The SVG
  // shows in every frontend and static view; the spec alone only where vega-lite renders.
  if (bundle.svg) tslab.display.svg(bundle.svg);
  else if (bundle.vegaLite) tslab.display.raw(VEGA_LITE_MIME, bundle.vegaLite);
  if (!bundle.html && !bundle.vegaLite && !bundle.svg) tslab.display.text(bundle.text);
}

/**
 * Shows an Arrow table (a run preview, a training set, a feature read).
 *
 * @example
 * ```ts
 * showTable(run.preview, { limit: 10, title: 'features' });
 * ```
 */
export function showTable(table: Table, options: TableDisplayOptions = {}): void {
  show(tableBundle(table, options));
}

/**
 * The display bundle of an Arrow table (HTML and text).
 *
 * @example
 * ```ts
 * attachRichDisplay(run.preview, (t) => tableBundle(t, { limit: 10 }));
 * ```
 */
export function tableBundle(table: Table, options: TableDisplayOptions = {}): DisplayBundle {
  return { text: tableToText(table, options), html: tableToHtml(table, options) };
}

/**
 * Shows a quality report.
 *
 * @example
 * ```ts
 * showQualityReport(run.quality);
 * ```
 */
export function showQualityReport(report: QualityReport, options: QualityReportDisplayOptions = {}): void {
  show(qualityReportBundle(report, options));
}

/**
 * The display bundle of a quality report (HTML and text).
 *
 * @example
 * ```ts
 * attachRichDisplay(report, (r) => qualityReportBundle(r));
 * ```
 */
export function qualityReportBundle(report: QualityReport, options: QualityReportDisplayOptions = {}): DisplayBundle {
  return { text: qualityReportToText(report, options), html: qualityReportToHtml(report, options) };
}

/**
 * Renders a vega-lite spec to SVG and shows both (spec for JupyterLab, SVG for static views).
 * Outside a notebook it prints a one-line description; use {@link renderSvg} to save the SVG.
 * Resolves to nothing on purpose: a cell's last value is printed, and an SVG string would be.
 *
 * @example
 * ```ts
 * await showChart(featurePlotSpec(run.preview, 'clicks_7d'));
 * ```
 */
export async function showChart(spec: VegaLiteSpec): Promise<void> {
  const svg = await renderSvg(spec);
  const values = (spec.data as { values?: unknown[] } | undefined)?.values;
  const heading = spec.title as string | { text?: string; subtitle?: string } | undefined;
  const title = typeof heading === 'string' ? heading : heading?.text ? `${heading.text}${heading.subtitle ? ` (${heading.subtitle})` : ''}` : 'chart';
  show({ vegaLite: spec, svg, text: `[${title}: ${values?.length ?? 0} points; open in a notebook to see the chart]` });
}

/**
 * Plots one feature over time for a few entities (`run.plot('clicks_7d')`).
 *
 * @example
 * ```ts
 * await plotFeature(run.preview, 'clicks_7d', { entity: 'u1' });
 * ```
 */
export function plotFeature(table: Table, feature: string, options: FeaturePlotOptions = {}): Promise<void> {
  return showChart(featurePlotSpec(table, feature, options));
}

/**
 * Plots the distribution of one column.
 *
 * @example
 * ```ts
 * await plotDistribution(run.preview, 'spend_30d');
 * ```
 */
export function plotDistribution(table: Table, column: string, options: DistributionOptions = {}): Promise<void> {
  return showChart(distributionSpec(table, column, options));
}

/**
 * Makes an object render itself richly when it is a cell's last expression. tslab prints a
 * cell's value with `console.log`, which calls `util.inspect`; the hook shows the rich
 * bundle at that moment and returns a one-line summary for the text stream. Outside a
 * notebook the object prints as `bundle.text`. Attach before `Object.freeze`: the hook is a
 * (non-enumerable) property of the object.
 *
 * @example
 * ```ts
 * attachRichDisplay(result.quality, (q) => qualityReportBundle(q));
 * ```
 */
export function attachRichDisplay<T extends object>(target: T, render: (value: T) => DisplayBundle, summary?: (value: T) => string): T {
  Object.defineProperty(target, inspect.custom, {
    enumerable: false,
    configurable: true,
    value(this: T): string {
      const bundle = render(this);
      if (!isNotebook()) return bundle.text;
      show(bundle);
      return summary ? summary(this) : '';
    },
  });
  return target;
}
