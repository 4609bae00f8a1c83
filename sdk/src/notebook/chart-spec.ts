/**
 * vega-lite specs for feature tables: a feature over time for a few entities, and the
 * distribution of one column. Data is inlined, so a spec is self-contained JSON that
 * JupyterLab renders from the notebook file alone.
 */
import { DataType, type Table } from 'apache-arrow';
import { SluiceError } from '../errors.js';
import { valuesAsWritten } from '../format/arrow-exact-text.js';

/** A vega-lite (v5-compatible) spec object. */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * What a chart's table is part of, said in the chart's subtitle: a run keeps at most 10,000
 * rows for charts (every row of a sample of entities), and its preview far fewer.
 */
export interface ChartCoverage {
  /** Rows there are in all (feature rows of the run). */
  readonly rows: number;
  /** Entities there are in all, and how many the table holds every row of. */
  readonly entities?: { readonly kept: number; readonly of: number };
  /** The table is the run's preview: its first rows in entity order. */
  readonly preview?: boolean;
}

export interface FeaturePlotOptions {
  /** Entities to plot (default: those with the largest total of the feature, up to `maxEntities`). */
  readonly entity?: string | readonly string[];
  /** How many entities to pick when `entity` is not given (default 5). */
  readonly maxEntities?: number;
  readonly entityColumn?: string;
  readonly timestampColumn?: string;
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** What the table is part of (set by `run.plot()`), for the subtitle. */
  readonly coverage?: ChartCoverage;
}

/**
 * A column name as a vega-lite field reference: there `.` reads a nested field and `[0]` an
 * element, so `label.churn` would chart nothing without the escapes.
 */
function fieldRef(name: string): string {
  return name.replace(/[.[\]]/g, (c) => `\\${c}`);
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The title, with a subtitle when the chart shows part of the data. */
function titled(text: string, subtitle: string | undefined): string | { text: string; subtitle: string } {
  return subtitle ? { text, subtitle } : text;
}

function requireColumn(table: Table, name: string, role: string): void {
  if (!table.schema.fields.some((f) => f.name === name)) {
    const names = table.schema.fields.map((f) => f.name).join(', ');
    throw new SluiceError('UNKNOWN_COLUMN', `Cannot plot ${role} "${name}": the table has no such column. Its columns are: ${names}.`);
  }
}

/** Arrow values as JSON-safe chart values (bigint → number, timestamps → ISO UTC text). */
function chartValue(value: unknown, type: DataType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if ((DataType.isTimestamp(type) || DataType.isDate(type)) && typeof value === 'number') return new Date(value).toISOString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function fieldType(table: Table, name: string): DataType {
  return table.schema.fields.find((f) => f.name === name)!.type as DataType;
}

/**
 * A line chart of one feature over `feature_ts`, one line per entity.
 *
 * @example
 * ```ts
 * const spec = featurePlotSpec(run.preview, 'clicks_7d', { entity: ['u1', 'u2'] });
 * await renderSvg(spec);
 * ```
 */
export function featurePlotSpec(table: Table, feature: string, options: FeaturePlotOptions = {}): VegaLiteSpec {
  const entityColumn = options.entityColumn ?? 'entity_id';
  const tsColumn = options.timestampColumn ?? 'feature_ts';
  requireColumn(table, feature, 'feature');
  requireColumn(table, entityColumn, 'entity column');
  requireColumn(table, tsColumn, 'timestamp column');
  // Ids as stored: apache-arrow's get() drops a leading U+FEFF, which would draw two entities as one.
  const entities = valuesAsWritten({ DataType }, table.getChild(entityColumn)!);
  const times = table.getChild(tsColumn)!;
  const values = table.getChild(feature)!;
  const [entityType, tsType, featureType] = [fieldType(table, entityColumn), fieldType(table, tsColumn), fieldType(table, feature)];

  let chosen: Set<string>;
  if (options.entity !== undefined) {
    chosen = new Set(typeof options.entity === 'string' ? [options.entity] : options.entity);
    const present = new Set<string>();
    for (let i = 0; i < table.numRows; i++) {
      const e = entities[i];
      if (e !== null && chosen.has(String(e))) present.add(String(e));
    }
    const absent = [...chosen].filter((e) => !present.has(e));
    if (absent.length > 0) {
      const kept = options.coverage?.entities;
      const within = options.coverage?.preview
        ? `the run's preview (its first ${count(table.numRows)} rows)`
        : kept && kept.kept < kept.of ? `the rows kept for charts (every row of ${count(kept.kept)} of ${count(kept.of)} entities)` : 'the table';
      throw new SluiceError('UNKNOWN_ENTITY', `Cannot plot ${absent.map((e) => JSON.stringify(e)).join(', ')}: not in ${within}. Leave out \`entity\` to plot the entities with the largest ${feature}, or read that entity's rows from the feature store and plot them with plotFeature(table, '${feature}', { entity }).`);
    }
  } else {
    // The entities with the largest total of the feature draw the most telling lines (row
    // counts say little: rows continue while any window is non-empty). Ties break by id.
    const totals = new Map<string, number>();
    for (let i = 0; i < table.numRows; i++) {
      const e = entities[i];
      if (e === null) continue;
      const v = chartValue(values.get(i), featureType);
      totals.set(String(e), (totals.get(String(e)) ?? 0) + (typeof v === 'number' ? Math.abs(v) : 0));
    }
    const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    chosen = new Set(ranked.slice(0, options.maxEntities ?? 5).map(([e]) => e));
  }

  const data: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const e = entities[i];
    if (e === null || !chosen.has(String(e))) continue;
    data.push({
      [entityColumn]: chartValue(e, entityType),
      [tsColumn]: chartValue(times.get(i), tsType),
      [feature]: chartValue(values.get(i), featureType),
    });
  }
  const coverage = options.coverage;
  const drawn = new Set(data.map((d) => String(d[entityColumn])));
  const subtitle = coverage?.preview
    ? `${count(drawn.size)} entit${drawn.size === 1 ? 'y' : 'ies'} of the run's preview (its first ${count(table.numRows)} of ${count(coverage.rows)} rows, so lines may stop early)`
    : coverage?.entities
      ? `${count(drawn.size)} of ${count(coverage.entities.of)} entities`
      : undefined;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titled(options.title ?? `${feature} by ${tsColumn}`, subtitle),
    width: options.width ?? 480,
    height: options.height ?? 220,
    data: { values: data },
    mark: { type: 'line', point: true },
    encoding: {
      // A utc scale makes axis ticks and labels UTC whatever the viewer's time zone is.
      x: { field: fieldRef(tsColumn), type: 'temporal', scale: { type: 'utc' }, title: `${tsColumn} (UTC)` },
      y: { field: fieldRef(feature), type: 'quantitative', title: feature },
      color: { field: fieldRef(entityColumn), type: 'nominal', title: entityColumn },
      tooltip: [
        { field: fieldRef(entityColumn), type: 'nominal', title: entityColumn },
        { field: fieldRef(tsColumn), type: 'temporal', timeUnit: 'utcyearmonthdatehoursminutes', title: `${tsColumn} (UTC)` },
        { field: fieldRef(feature), type: 'quantitative', title: feature },
      ],
    },
  };
}

export interface DistributionOptions {
  readonly maxBins?: number;
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** What the table is part of (set by `run.plotDistribution()`), for the subtitle. */
  readonly coverage?: ChartCoverage;
}

/**
 * The distribution of one column: a histogram for numbers, a bar per value otherwise.
 * Nulls are left out and counted in the title.
 *
 * @example
 * ```ts
 * const spec = distributionSpec(run.preview, 'spend_30d', { maxBins: 20 });
 * ```
 */
export function distributionSpec(table: Table, column: string, options: DistributionOptions = {}): VegaLiteSpec {
  requireColumn(table, column, 'column');
  const type = fieldType(table, column);
  const vector = table.getChild(column)!;
  const values: Record<string, unknown>[] = [];
  let nulls = 0;
  for (let i = 0; i < table.numRows; i++) {
    const v = chartValue(vector.get(i), type);
    if (v === null) nulls++;
    else values.push({ [column]: v });
  }
  const numeric = DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
  const temporal = DataType.isTimestamp(type) || DataType.isDate(type);
  const field = fieldRef(column);
  const x = numeric
    ? { field, type: 'quantitative', bin: { maxbins: options.maxBins ?? 30 }, title: column }
    : temporal
      ? { field, type: 'temporal', timeUnit: 'utcyearmonthdate', title: column }
      : { field, type: 'nominal', sort: '-y', title: column };
  const title = options.title ?? `distribution of ${column}${nulls > 0 ? ` (${count(nulls)} null)` : ''}`;
  const coverage = options.coverage;
  const subtitle = coverage === undefined || table.numRows >= coverage.rows
    ? undefined
    : coverage.preview
      ? `the run's preview: its first ${count(table.numRows)} of ${count(coverage.rows)} rows, in entity order`
      : `${count(table.numRows)} of ${count(coverage.rows)} rows${coverage.entities ? `: every row of ${count(coverage.entities.kept)} of ${count(coverage.entities.of)} entities, picked at random` : ', picked at random'}`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titled(title, subtitle),
    width: options.width ?? 480,
    height: options.height ?? 200,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: { x, y: { aggregate: 'count', type: 'quantitative', title: 'rows' } },
  };
}
