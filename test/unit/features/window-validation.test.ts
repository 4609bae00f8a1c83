/**
 * API misuse in window specs: each error names the problem, where it is in the plan, and the fix.
 */
import { describe, expect, it } from 'vitest';
import { count, countDistinct, first, last, max, mean, median, min, percentile, stddev, sum } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { featureColumns } from '../../../sdk/src/features/feature-naming.js';
import type { Duration } from '../../../sdk/src/plan/duration.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import { ExpressionError } from '../../../sdk/src/errors.js';
import { planError } from '../../helpers/plan-error.js';

const COLUMNS = new Map<string, ScalarType>([
  ['user_id', 'string'], ['ts', 'timestamp'], ['amount', 'number'], ['qty', 'integer'], ['event_type', 'string'], ['price', 'number'], ['mapped', 'unknown'], ['ok', 'boolean'],
]);
const PATH = 'steps[3].window';

function spec(overrides: Partial<{ entity: string; timestamp: string; every: Duration; windows: Duration[]; features: Record<string, ReturnType<typeof count>> }> = {}) {
  return { entity: 'user_id', timestamp: 'ts', every: '1d' as Duration, windows: ['1d', '7d'] as Duration[], features: { clicks: count() }, ...overrides };
}


describe('validateWindow', () => {
  it('builds the plan node: parsed filters, value types, spec order', () => {
    const node = validateWindow(
      window({ entity: 'user_id', timestamp: 'ts', every: '1h', windows: ['1h', '1d'], features: { clicks: count().where("event_type = 'click'").where('amount > 0'), spend: sum('amount'), kinds: countDistinct('event_type', { approximate: true }), last_type: last('event_type') } }),
      COLUMNS,
      PATH,
    );
    expect(Object.isFrozen(node)).toBe(true);
    expect(node.features.clicks!.where!.text).toBe("(event_type = 'click') AND (amount > 0)");
    expect(node.features.clicks!.where!.node.kind).toBe('binary');
    expect(node.features.kinds!.approximate).toBe(true);
    expect(node.features.last_type!.valueType).toBe('string');
    expect(featureColumns(node).map((c) => `${c.name}:${c.type}`)).toEqual([
      'clicks_1h:bigint', 'clicks_1d:bigint', 'spend_1h:double', 'spend_1d:double', 'kinds_1h:bigint', 'kinds_1d:bigint', 'last_type_1h:string', 'last_type_1d:string',
    ]);
    expect(JSON.parse(JSON.stringify(node))).toEqual(node);
  });

  it('types min/max/first/last like DESIGN §4: numeric min/max as double, first/last keep the column type', () => {
    const node = validateWindow(window({ ...spec(), windows: ['1d'], features: { a: min('qty'), b: max('event_type'), c: first('qty'), d: last('ts'), e: stddev('qty'), f: mean('qty'), g: first('ok') } }), COLUMNS, PATH);
    expect(featureColumns(node).map((c) => c.type)).toEqual(['double', 'string', 'bigint', 'timestamp', 'double', 'double', 'boolean']);
    const percentiles = validateWindow(window({ ...spec(), windows: ['1d'], features: { p: percentile('qty', 0.9), m: median('amount') } }), COLUMNS, PATH);
    expect(featureColumns(percentiles).map((c) => c.type)).toEqual(['double', 'double']);
    expect([percentiles.features.p!.fraction, percentiles.features.m!.fraction]).toEqual([0.9, 0.5]);
  });

  const misuse: [string, () => unknown, string, string, RegExp][] = [
    ['unknown entity column', () => validateWindow(window(spec({ entity: 'user_idd' })), COLUMNS, PATH), 'UNKNOWN_COLUMN', `${PATH}.entity`, /entity column "user_idd" does not exist .* Did you mean "user_id"\? Available columns: amount, event_type/],
    ['unknown timestamp column', () => validateWindow(window(spec({ timestamp: 'tss' })), COLUMNS, PATH), 'UNKNOWN_COLUMN', `${PATH}.timestamp`, /Did you mean "ts"\?/],
    ['unknown aggregated column', () => validateWindow(window(spec({ features: { spend: sum('amout') as never } })), COLUMNS, PATH), 'UNKNOWN_COLUMN', `${PATH}.features.spend`, /aggregated column "amout" does not exist .* Did you mean "amount"\?/],
    ['timestamp that is not a timestamp', () => validateWindow(window(spec({ timestamp: 'amount' })), COLUMNS, PATH), 'NOT_A_TIMESTAMP', `${PATH}.timestamp`, /"amount" is a number, not a timestamp\. Declare it as a date in the schema, e\.g\. amount: z\.coerce\.date\(\)/],
    ['sum of a string', () => validateWindow(window(spec({ features: { s: sum('event_type') as never } })), COLUMNS, PATH), 'NOT_NUMERIC', `${PATH}.features.s`, /sum\('event_type'\) needs a numeric column, but "event_type" is a string\. .*count\(\)\/countDistinct\(\)/],
    ['mean of a boolean', () => validateWindow(window(spec({ features: { m: mean('ok') as never } })), COLUMNS, PATH), 'NOT_NUMERIC', `${PATH}.features.m`, /mean\('ok'\) needs a numeric column/],
    ['stddev of an untyped map column', () => validateWindow(window(spec({ features: { s: stddev('mapped') as never } })), COLUMNS, PATH), 'UNTYPED_COLUMN', `${PATH}.features.s`, /CAST\(mapped AS double\)/],
    ['entity of a double column', () => validateWindow(window(spec({ entity: 'price' })), COLUMNS, PATH), 'INVALID_ENTITY_TYPE', `${PATH}.entity`, /must be strings or integers/],
    ['window not a multiple of the cadence', () => window(spec({ every: '1d', windows: ['1d', '36h'] })), 'WINDOW_NOT_MULTIPLE', 'window.windows[1]', /'36h' is not a multiple of the cadence every: '1d' \(windows not multiples of the cadence/],
    ['window shorter than the cadence', () => window(spec({ every: '1h', windows: ['30m'] })), 'WINDOW_NOT_MULTIPLE', 'window.windows[0]', /Use a multiple such as '1h'/],
    ['malformed duration', () => window(spec({ windows: ['7 days' as Duration] })), 'INVALID_DURATION', 'window.windows[0]', /"7 days" is not a duration/],
    ['malformed cadence', () => window(spec({ every: '0d' })), 'INVALID_DURATION', 'window.every', /is not a duration/],
    ['duplicate window', () => window(spec({ windows: ['7d', '1w'] })), 'DUPLICATE_WINDOW', 'window.windows[1]', /'1w' has the same length as '7d'/],
    ['no windows', () => window(spec({ windows: [] })), 'INVALID_WINDOW', 'window.windows', /at least one window length/],
    ['no features', () => window(spec({ features: {} })), 'NO_FEATURES', 'window.features', /at least one feature/],
    ['feature name not an identifier', () => window(spec({ features: { 'avg spend': count() } })), 'INVALID_FEATURE_NAME', 'window.features.avg spend', /Rename it, e\.g\. to "avg_spend"/],
    ['feature name with capitals', () => window(spec({ features: { avgSpend: count() } })), 'INVALID_FEATURE_NAME', 'window.features.avgSpend', /Glue and Athena lowercase column names/],
    ['percentile of a string', () => validateWindow(window(spec({ features: { p: percentile('event_type', 0.5) as never } })), COLUMNS, PATH), 'NOT_NUMERIC', `${PATH}.features.p`, /percentile\('event_type', p\) needs a numeric column, but "event_type" is a string/],
    ['percentile of p 0', () => percentile('amount', 0), 'INVALID_AGGREGATION', 'percentile', /takes p as a fraction in \(0, 1\] with at most six decimals, e\.g\. percentile\('amount', 0\.9\) for the 90th percentile; got 0/],
    ['percentile of p 90 (a percent, not a fraction)', () => percentile('amount', 90), 'INVALID_AGGREGATION', 'percentile', /got 90/],
    ['percentile of p with seven decimals', () => percentile('amount', 0.1234567), 'INVALID_AGGREGATION', 'percentile', /at most six decimals/],
    ['median of no column', () => median('' as string), 'INVALID_AGGREGATION', 'median', /median\(\) needs the name of the column/],
    ['feature that is not an aggregation', () => window(spec({ features: { n: 'count' as never } })), 'INVALID_AGGREGATION', 'window.features.n', /Use one of count\(\), sum\(column\)/],
  ];
  const derivedMisuse: [string, () => unknown, string, string, RegExp][] = [
    ['a derived feature naming a row column', () => validateWindow(window({ ...spec(), derive: { r: 'amount / clicks' } }), COLUMNS, PATH), 'UNKNOWN_COLUMN', `${PATH}.derive.r`, /Unknown column "amount"\. Available columns: clicks, clicks_1d, clicks_7d, feature_ts\./],
    ['a derived feature over fixed windows named as a feature column', () => validateWindow(window({ ...spec(), derive: { clicks_7d: 'clicks_1d * 7' } }), COLUMNS, PATH), 'DUPLICATE_FEATURE_NAME', `${PATH}.derive.clicks_7d`, /would be stored as clicks_7d, a column this window already has/],
    ['two derived features stored under one name', () => validateWindow(window({ ...spec(), derive: { x: 'clicks * 2', x_1d: 'clicks_7d / 7' } }), COLUMNS, PATH), 'DUPLICATE_FEATURE_NAME', `${PATH}.derive.x_1d`, /would be stored as x_1d/],
    ['a derived feature naming an unknown window', () => validateWindow(window({ ...spec(), derive: { r: 'clicks_30d / 30' } }), COLUMNS, PATH), 'UNKNOWN_COLUMN', `${PATH}.derive.r`, /Unknown column "clicks_30d"\. Did you mean "clicks_1d"\?/],
    ['a derived feature of no type', () => validateWindow(window({ ...spec(), derive: { r: 'NULL' } }), COLUMNS, PATH), 'INVALID_DERIVED_FEATURE', `${PATH}.derive.r`, /has no type of its own/],
    ['a derived feature that is not text', () => window({ ...spec(), derive: { r: 3 as never } }), 'INVALID_DERIVED_FEATURE', 'window.derive.r', /must be an expression over the window's features, as text, e\.g\. r: 'clicks \/ 7'; got 3/],
    ['a derived feature with a feature\'s name', () => window({ ...spec(), derive: { clicks: 'clicks * 2' } }), 'DUPLICATE_FEATURE_NAME', 'window.derive.clicks', /"clicks" is both a feature and a derived feature of this window\. Rename the derived one/],
    ['a derived feature name with capitals', () => window({ ...spec(), derive: { CTR: 'clicks' } }), 'INVALID_FEATURE_NAME', 'window.derive.CTR', /not a lowercase identifier/],
    ['derive that is not an object', () => window({ ...spec(), derive: 'clicks / 2' as never }), 'INVALID_DERIVED_FEATURE', 'window.derive', /maps feature names to expressions over the window's features, e\.g\. derive: \{ ctr: 'clicks \/ views' \}/],
    ['a derived feature naming a feature that is also another feature\'s column', () => validateWindow(window({ ...spec(), windows: ['1d', '7d'], features: { clicks: count(), clicks_7d: sum('amount') }, derive: { r: 'clicks_7d / 7' } }), COLUMNS, PATH), 'AMBIGUOUS_FEATURE_NAME', `${PATH}.derive.r`, /"clicks_7d" in "clicks_7d \/ 7" names both the feature clicks_7d \(per window: clicks_7d_1d, clicks_7d_7d\) and the 7d column of the feature clicks\. Rename the feature clicks_7d \(e\.g\. to clicks_total\)/],
    ['malformed derived text, as soon as it is written', () => window({ ...spec(), derive: { r: '1; DROP TABLE x' } }), 'EXPRESSION_SYNTAX', 'window.derive.r', /semicolon is not allowed/],
  ];
  for (const [name, run, code, path, message] of [...misuse, ...derivedMisuse]) {
    it(`rejects ${name}`, () => {
      const error = planError(run);
      expect(error.code).toBe(code);
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    });
  }

  it('re-checks the shape with the plan path when the pipeline applies the window', () => {
    const raw = { ...spec(), windows: ['1d', '36h'] } as never;
    const error = planError(() => validateWindow(raw, COLUMNS, PATH));
    expect(error.path).toBe(`${PATH}.windows[1]`);
  });

  it('parses where() filters against the columns and requires a condition', () => {
    const unknown = planError(() => validateWindow(window(spec({ features: { c: count().where("event_typ = 'click'") } })), COLUMNS, PATH));
    expect(unknown).toBeInstanceOf(ExpressionError);
    expect(unknown.code).toBe('UNKNOWN_COLUMN');
    expect(unknown.path).toBe(`${PATH}.features.c.where`);
    expect(unknown.message).toMatch(/Did you mean "event_type"\?/);
    const notBoolean = planError(() => validateWindow(window(spec({ features: { c: count().where('amount') } })), COLUMNS, PATH));
    expect(notBoolean.code).toBe('TYPE_MISMATCH');
    expect(notBoolean.message).toMatch(/must be true or false, but this is a number\. Compare it with something, e\.g\. amount > 0/);
  });

  it('computes derived features per window from that window\'s features, typed by their expressions', () => {
    const node = validateWindow(
      window({ ...spec(), features: { clicks: count().where("event_type = 'click'"), views: count(), spend: sum('amount'), kind: last('event_type') }, derive: { ctr: 'clicks / views', extra: 'clicks - views', big: 'spend > 100', label: "upper(kind) || '!'" } }),
      COLUMNS,
      PATH,
    );
    expect(node.derive!.ctr!.text).toBe('clicks / views');
    expect(featureColumns(node).filter((c) => c.fn === 'expression').map((c) => `${c.name}:${c.type}`)).toEqual([
      'ctr_1d:double', 'ctr_7d:double', 'extra_1d:bigint', 'extra_7d:bigint', 'big_1d:boolean', 'big_7d:boolean', 'label_1d:string', 'label_7d:string',
    ]);
    // An expression naming its windows is computed once: a trend, stored under its own name.
    const trend = validateWindow(window({ ...spec(), windows: ['1d', '7d'], features: { clicks: count() }, derive: { trend: 'clicks_1d * 7 / clicks_7d', rate: 'clicks / 2' } }), COLUMNS, PATH);
    expect(featureColumns(trend).filter((c) => c.fn === 'expression').map((c) => `${c.name}:${c.window ?? '-'}`)).toEqual(['trend:-', 'rate_1d:1d', 'rate_7d:7d']);
    // A window without derived features keeps its plan (and hash) as before.
    expect(Object.keys(validateWindow(window(spec()), COLUMNS, PATH))).not.toContain('derive');
    expect(Object.keys(validateWindow(window({ ...spec(), derive: {} }), COLUMNS, PATH))).not.toContain('derive');
  });


  it('rejects malformed where() text as soon as it is written', () => {
    expect(() => count().where('1; DROP TABLE x')).toThrow(/semicolon is not allowed/);
    expect(() => sum('amount').where("') OR 1=1 --")).toThrow(ExpressionError);
  });
});

describe('aggregation builders', () => {
  it('are immutable: where() returns a new aggregation', () => {
    const base = sum('amount');
    const filtered = base.where('amount > 0');
    expect(base.filters).toEqual([]);
    expect(filtered.filters).toEqual(['amount > 0']);
    expect(Object.isFrozen(base)).toBe(true);
    expect(() => {
      (base as { column: string }).column = 'x';
    }).toThrow(TypeError);
  });

  it('record the kind and column', () => {
    expect([count(), sum('a'), mean('a'), min('a'), max('a'), stddev('a'), countDistinct('a'), first('a'), last('a')].map((a) => `${a.fn}:${a.column ?? ''}`)).toEqual([
      'count:', 'sum:a', 'mean:a', 'min:a', 'max:a', 'stddev:a', 'count_distinct:a', 'first:a', 'last:a',
    ]);
    expect(countDistinct('a', { approximate: true }).approximate).toBe(true);
  });

  it('reject a missing column name with the fix', () => {
    expect(() => sum('' as string)).toThrow(/sum\(\) needs the name of the column to aggregate, e\.g\. sum\('amount'\)/);
  });

  it('window() freezes the spec and lists the columns it mentions', () => {
    const w = window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count(), s: sum('amount'), t: mean('amount') } });
    expect(w.columns).toEqual(['user_id', 'ts', 'amount']);
    expect(Object.isFrozen(w)).toBe(true);
    expect(Object.isFrozen(w.windows)).toBe(true);
  });
});
