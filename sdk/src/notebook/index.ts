/**
 * Notebook display: pure renderers (data in, HTML / text / vega-lite spec / SVG out) and
 * the functions that send them to a tslab kernel, with plain-text fallbacks elsewhere.
 */
export { escapeHtml } from './html-escape.js';
export { columnTypeLabel, formatTimestamp, formatValue } from '../format/value-format.js';
export { tableToHtml, tableToText, type TableDisplayOptions } from './table-html.js';
export {
  conservationLine,
  formatIssuePath,
  qualityReportToHtml,
  qualityReportToText,
  reportPassed,
  type QualityReportDisplayOptions,
} from './quality-report-html.js';
export { distributionSpec, featurePlotSpec, type ChartCoverage, type DistributionOptions, type FeaturePlotOptions, type VegaLiteSpec } from './chart-spec.js';
export { renderSvg } from './svg-renderer.js';
export {
  attachRichDisplay,
  isNotebook,
  plotDistribution,
  plotFeature,
  qualityReportBundle,
  show,
  showChart,
  showQualityReport,
  showTable,
  tableBundle,
  VEGA_LITE_MIME,
  type DisplayBundle,
} from './notebook-display.js';
export {
  createProgressDisplay,
  progressBarText,
  progressHtml,
  type ProgressDisplay,
  type ProgressDisplayOptions,
  type ProgressUpdate,
} from './progress-display.js';
export { runResultToHtml, withNotebookDisplay, type RunResultDisplay } from './run-result-display.js';
export { findTslab, setTslabForTesting, type TslabDisplay, type TslabModule } from './tslab-bridge.js';
