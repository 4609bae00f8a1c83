/**
 * The Spark dialect: quoting and escaping against Spark's own lexer rules (re-implemented here
 * as an oracle), function spellings, and the compiled aggregate query of every aggregation
 * kind and several window configurations — compared with reviewed golden files and parsed
 * with dt-sql-parser's SparkSQL grammar.
 *
 * Update the golden files (then review the diff!) with SLUICE_UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SparkSQL } from 'dt-sql-parser';
import { SparkPrinter } from '../../../sdk/src/sql/spark-printer.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import { as, col, fn, lit, select, table } from '../../../sdk/src/sql/sql-builders.js';
import type { SelectQuery } from '../../../sdk/src/sql/sql-node.js';
import { compileAggregateSql } from '../../../sdk/src/promote/compile-aggregate.js';
import type { WindowNode } from '../../../sdk/src/plan/window-node.js';
import { aggregation, definition, windowNode } from './promote-fixtures.js';
import { parseExpression } from '../../../sdk/src/plan/expression-parser.js';
import { featureColumns } from '../../../sdk/src/features/feature-naming.js';

const EVENT_COLUMNS = new Map([['ts', 'timestamp'], ['amount', 'number'], ['event_type', 'string']] as const);

const printer = new SparkPrinter();
const parser = new SparkSQL();
const GOLDEN = join(import.meta.dirname, '..', '..', 'golden', 'spark');

function parseErrors(sql: string): string[] {
  return parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}

/** Spark 3.5's `ParserUtils.unescapeSQLString` (escapedStringLiterals=false), written from its documented rules. */
function sparkUnescape(literal: string): string {
  const body = literal.slice(1, -1);
  const simple: Record<string, string> = { '0': '\u0000', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001A', '\\': '\\', '%': '\\%', _: '\\_' };
  let out = '';
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const next = body[i + 1]!;
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
        i += 6;
      } else if (/^[0-3][0-7]{2}$/.test(body.slice(i + 1, i + 4))) {
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 4), 8));
        i += 4;
      } else {
        out += simple[next] ?? next;
        i += 2;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Spark's lexer: STRING_LITERAL = ' ( ~['\\] | '\\' . )* ' ;  BACKQUOTED_IDENTIFIER = ` ( ~'`' | '``' )* ` */
const SPARK_STRING = /^'(?:[^'\\]|\\[\s\S])*'$/;
const SPARK_BACKQUOTED = /^`(?:[^`]|``)*`$/;

describe('Spark quoting and escaping', () => {
  test('string literals: one token, and Spark reads back exactly the value', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\u0000')), (value) => {
      const printed = printer.stringLiteral(value);
      expect(printed).toMatch(SPARK_STRING);
      expect(sparkUnescape(printed)).toBe(value);
    }), { numRuns: 500 });
    for (const tricky of ["it's", 'back\\slash', "\\'", "'; DROP TABLE x; --", '\\u0041', '\\n', "\\\\'", '\\047']) {
      expect(sparkUnescape(printer.stringLiteral(tricky))).toBe(tricky);
    }
    expect(printer.stringLiteral("a'b\\c")).toBe("'a\\'b\\\\c'");
  });

  test('identifiers: backticks, a backtick inside doubled', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }).filter((s) => !s.includes('\u0000')), (name) => {
      const printed = printer.quoteIdentifier(name);
      expect(printed).toMatch(SPARK_BACKQUOTED);
      expect(printed.slice(1, -1).replaceAll('``', '`')).toBe(name);
    }), { numRuns: 300 });
    expect(printer.quoteIdentifier('we`ird')).toBe('`we``ird`');
    expect(() => printer.quoteIdentifier('a\u0000b')).toThrow(/NUL/);
  });

  test('internal functions and types are spelled for Spark, and parse', () => {
    const query: SelectQuery = select([
      as(fn('epoch_ms', col('ts')), 'ms'),
      as(fn('timestamp_from_ms', lit(86_400_000)), 't'),
      as(fn('date_string', col('ts')), 'd'),
      as(fn('floor_div', lit(-7), lit(2)), 'q'),
      as(fn('regexp_full_match', col('s'), lit('^a.*$|x')), 'm'),
      as(fn('char_length', col('s')), 'n'),
      as({ kind: 'cast', operand: col('x'), to: 'string' }, 'c'),
      as({ kind: 'agg', fn: 'approx_count_distinct', args: [col('s')], filter: { kind: 'binary', op: '>', left: col('x'), right: lit(1.5) } }, 'a'),
    ], { from: table('events'), groupBy: [] });
    const sql = printSql(query, 'spark');
    expect(sql).toBe(
      "SELECT unix_millis(`ts`) AS `ms`, timestamp_millis(CAST(86400000 AS BIGINT)) AS `t`, date_format(`ts`, 'yyyy-MM-dd') AS `d`, " +
      '((-7 - (((-7 % 2) + 2) % 2)) div 2) AS `q`, ' +
      "(`s` RLIKE concat('^(?:', '^a.*$|x', ')\\\\z')) AS `m`, char_length(`s`) AS `n`, CAST(`x` AS STRING) AS `c`, " +
      'approx_count_distinct(`s`) FILTER (WHERE (`x` > CAST(1.5 AS DOUBLE))) AS `a` FROM `events`',
    );
    expect(parseErrors(sql)).toEqual([]);
  });

  test('floor_div floors toward negative infinity (the printed arithmetic, checked against Math.floor)', () => {
    // The Spark text uses % (sign of the dividend, as in JS) and div (truncation, as Math.trunc).
    const sparkFloorDiv = (a: number, b: number) => Math.trunc((a - (((a % b) + b) % b)) / b);
    for (const [a, b] of [[-7, 2], [7, 2], [-8, 2], [0, 5], [-1, 86_400_000], [1_700_000_000_000, 3_600_000]] as const) {
      expect(sparkFloorDiv(a, b)).toBe(Math.floor(a / b));
    }
  });

  test('a cross-joined unnest becomes LATERAL VIEW explode(...) after the other joins; a lone one, a subquery', () => {
    const series = fn('generate_bigint_series', col('lo', 'r'), col('hi', 'r'), lit(1));
    const lateral = printSql(select([as(col('j', 'g'))], {
      from: table('ranges', 'r'),
      joins: [{ type: 'cross', from: { kind: 'tableFunction', name: 'unnest', args: [series], alias: 'g', columnAliases: ['j'] } }],
      where: { kind: 'binary', op: '>', left: col('j', 'g'), right: lit(0) },
    }), 'spark');
    expect(lateral).toBe(
      'SELECT `g`.`j` FROM `ranges` AS `r` LATERAL VIEW explode(sequence(CAST(`r`.`lo` AS BIGINT), CAST(`r`.`hi` AS BIGINT), CAST(1 AS BIGINT))) `g` AS `j` WHERE (`g`.`j` > 0)',
    );
    expect(parseErrors(lateral)).toEqual([]);
    const alone = printSql(select([as(col('j'))], { from: { kind: 'tableFunction', name: 'unnest', args: [series], alias: 'g', columnAliases: ['j'] } }), 'spark');
    expect(alone).toBe('SELECT `j` FROM (SELECT explode(sequence(CAST(`r`.`lo` AS BIGINT), CAST(`r`.`hi` AS BIGINT), CAST(1 AS BIGINT))) AS `j`) AS `g`');
    expect(parseErrors(alone)).toEqual([]);
    expect(() => printSql(select([as(lit(1))], {
      from: table('a'),
      joins: [
        { type: 'cross', from: { kind: 'tableFunction', name: 'unnest', args: [series], alias: 'g', columnAliases: ['j'] } },
        { type: 'inner', from: table('b'), on: lit(true) },
      ],
    }), 'spark')).toThrow(/unnest joins last/);
  });

  test('the grammar check is not vacuous: broken SQL is rejected', () => {
    expect(parseErrors('SELECT FROM WHERE')).not.toEqual([]);
    expect(parseErrors("SELECT 'unterminated FROM t")).not.toEqual([]);
    expect(parseErrors('SELECT (`a` FROM `t`')).not.toEqual([]);
    // A DuckDB-ism the Spark printer must never emit.
    expect(parseErrors('SELECT `a` FROM `t` QUALIFY row_number() OVER (ORDER BY `a`) = 1')).not.toEqual([]);
  });
});

const quoteFilter = {
  text: "event_type = 'it''s \\ odd'",
  node: { kind: 'binary', op: '=', left: { kind: 'column', name: 'event_type' }, right: { kind: 'literal', value: "it's \\ odd" } },
  type: 'boolean',
} as const;

const CONFIGS: Record<string, WindowNode> = {
  // every aggregation kind (count, count+where, sum, mean, min, max, stddev, count_distinct exact and approximate, first, last), daily
  'all-kinds-daily': windowNode(),
  // sub-day cadence, windows of several lengths
  'hourly-multi-window': windowNode({
    every: '1h', windows: ['1h', '6h', '24h'],
    features: { n: aggregation('count'), spend: aggregation('sum', 'amount', { valueType: 'number', where: quoteFilter }), last_type: aggregation('last', 'event_type', { valueType: 'string' }) },
  }),
  // one window equal to the cadence
  'quarter-hour-single-window': windowNode({ every: '15m', windows: ['15m'], features: { avg_spend: aggregation('mean', 'amount', { valueType: 'number' }) } }),
  // .where() filters on timestamp parts (evaluated by Spark in the Glue job, in its UTC session)
  'time-of-day-filters': windowNode({
    windows: ['7d'],
    features: {
      weekend_events: aggregation('count', undefined, { where: parseExpression('day_of_week(ts) >= 6', EVENT_COLUMNS, 'test') }),
      night_spend: aggregation('sum', 'amount', { valueType: 'number', where: parseExpression("hour(ts) < 6 AND epoch_ms(ts) - epoch_ms(date_trunc('day', ts)) > 0", EVENT_COLUMNS, 'test') }),
    },
  }),
  // features derived from the window's features, per window (ctr_1d = clicks_1d / events_1d)
  'derived-ratios': windowNode({
    windows: ['1d', '7d'],
    features: { events: aggregation('count'), clicks: aggregation('count', undefined, { where: parseExpression("event_type = 'click'", EVENT_COLUMNS, 'test') }), spend: aggregation('sum', 'amount', { valueType: 'number' }) },
    derive: {
      ctr: parseExpression('clicks / events', new Map([['clicks', 'integer'], ['events', 'integer']] as const), 'test'),
      big_spender: parseExpression('spend >= 100', new Map([['spend', 'number']] as const), 'test'),
      click_trend: parseExpression('clicks_1d * 7 / clicks_7d', new Map([['clicks_1d', 'integer'], ['clicks_7d', 'integer']] as const), 'test'),
    },
  }),
  // exact percentiles: per-bucket value lists joined over each frame and sorted
  'percentiles': windowNode({
    windows: ['1d', '7d'],
    features: { p90_spend: aggregation('percentile', 'amount', { valueType: 'number', fraction: 0.9 }), median_paid: aggregation('percentile', 'amount', { valueType: 'number', fraction: 0.5, where: parseExpression("event_type = 'purchase'", EVENT_COLUMNS, 'test') }) },
  }),
  // weekly windows over a daily cadence, distinct counts only
  'weekly-distinct': windowNode({
    windows: ['1w', '2w'],
    features: { kinds: aggregation('count_distinct', 'event_type', { valueType: 'string' }), approx_kinds: aggregation('count_distinct', 'event_type', { valueType: 'string', approximate: true }) },
  }),
};

describe('compiled aggregate SQL (Spark)', () => {
  for (const [name, window] of Object.entries(CONFIGS)) {
    test(`${name}: matches its reviewed golden file and parses as Spark SQL`, () => {
      const sql = compileAggregateSql(definition({ window }), 'spark');
      const file = join(GOLDEN, `${name}.sql`);
      if (process.env.SLUICE_UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, formatForReview(sql));
      expect(formatForReview(sql)).toBe(readFileSync(file, 'utf8'));
      expect(parseErrors(sql)).toEqual([]);
      // Reads the view the Glue driver registers, and returns the store's columns in order.
      expect(sql).toContain('FROM `valid_rows`');
      const tail = sql.slice(sql.lastIndexOf(') SELECT ') + 2);
      const aliases = [...tail.matchAll(/ AS `([^`]+)`/g)].map((m) => m[1]);
      // The aggregated features' columns, then the derived ones (the Glue table's columns, in order).
      const expected = ['entity_id', 'feature_ts', ...Object.keys(window.features).flatMap((f) => window.windows.map((w) => `${f}_${w}`)), ...featureColumns(window).filter((c) => c.fn === 'expression').map((c) => c.name)];
      expect(aliases).toEqual(expected);
    });
  }
});

/** One CTE per line, so a golden diff shows which stage changed. The SQL itself is unchanged (joined back with ''). */
function formatForReview(sql: string): string {
  return `${sql.replace(/\), `/g, '),\n`').replace(/\) SELECT /g, ')\nSELECT ')}\n`;
}
