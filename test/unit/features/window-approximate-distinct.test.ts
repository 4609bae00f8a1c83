/**
 * `countDistinct(col, { approximate: true })`: on spark and trino the window query merges
 * per-(entity, bucket) HyperLogLog sketches over each window's frame (reviewed golden files,
 * parsed with dt-sql-parser's grammars, and the exact function spellings asserted directly);
 * on duckdb the plan is the exact one, unchanged; the option is part of the plan, so its hash
 * changes with it.
 *
 * Update the golden files (then review the diff!) with SLUICE_UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { z } from 'zod';
import { count, countDistinct } from '../../../sdk/src/features/aggregations.js';
import { window } from '../../../sdk/src/features/window.js';
import { validateWindow } from '../../../sdk/src/features/window-validation.js';
import { planWindowQuery } from '../../../sdk/src/features/window-planner.js';
import { printSql } from '../../../sdk/src/sql/dialects.js';
import { agg, as, col, fn, select, table } from '../../../sdk/src/sql/sql-builders.js';
import { pipeline } from '../../../sdk/src/pipeline/pipeline-builder.js';
import { featureStore } from '../../../sdk/src/pipeline/feature-store.js';
import { file } from '../../../sdk/src/sources/index.js';
import type { ScalarType } from '../../../sdk/src/plan/expression-node.js';
import type { WindowNode } from '../../../sdk/src/plan/window-node.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'golden');
const INPUT = { table: 'valid_rows', orderColumns: ['_object', '_line'] } as const;
const COLUMNS = new Map<string, ScalarType>([
  ['user_id', 'string'], ['ts', 'timestamp'], ['session_id', 'string'], ['item', 'integer'], ['clicked', 'boolean'], ['event_type', 'string'],
]);

/** Approximate counts of a string, an integer and (filtered) a boolean column, beside an exact one. */
function node(approximate: boolean): WindowNode {
  return validateWindow(
    window({
      entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d', '7d'],
      features: {
        events: count(),
        sessions: countDistinct('session_id', { approximate }),
        items: countDistinct('item', { approximate }),
        click_states: countDistinct('clicked', { approximate }).where("event_type <> 'view'"),
        exact_sessions: countDistinct('session_id'),
      },
    }),
    COLUMNS,
    'steps[2].window',
  );
}

const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() } as const;

/** One CTE per line, so a golden diff shows which stage changed. */
function formatForReview(sql: string): string {
  return `${sql.replace(/\), ([`"])/g, '),\n$1').replace(/\) SELECT /g, ')\nSELECT ')}\n`;
}

describe.each(['spark', 'trino'] as const)('approximate count_distinct printed for %s', (dialect) => {
  const sql = printSql(planWindowQuery(node(true), INPUT, { dialect }), dialect);
  const q = (name: string) => (dialect === 'spark' ? `\`${name}\`` : `"${name}"`);

  it('matches the reviewed golden file and parses under the dialect grammar', () => {
    const path = join(GOLDEN, dialect, 'window-approximate-distinct.sql');
    if (process.env.SLUICE_UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, formatForReview(sql));
    expect(formatForReview(sql)).toBe(readFileSync(path, 'utf8'));
    expect(parsers[dialect].validate(sql)).toEqual([]);
  });

  it("builds one sketch per (entity, bucket), merges a window's buckets over a ROWS frame, and reads 0 for an empty window", () => {
    const frame = (k: number) => `OVER (PARTITION BY ${q('__e')}, ${q('__island')} ORDER BY ${q('__j')} ASC ROWS BETWEEN ${k - 1 === 0 ? 'CURRENT ROW' : `${k - 1} PRECEDING`} AND CURRENT ROW)`;
    if (dialect === 'spark') {
      // Hashed first: hll_sketch_agg takes no BOOLEAN, and skips '' (DataSketches ignores an empty string).
      expect(sql).toMatch(/hll_sketch_agg\(xxhash64\(`__v\d+`\), 12\) AS `__f1_hll`/);
      expect(sql).toContain(`hll_union_agg(\`__f1_hll\`, false) ${frame(7)} AS \`__f1_hllu_7\``);
      expect(sql).toContain('CAST(coalesce(hll_sketch_estimate(`__f1_hllu_7`), 0) AS BIGINT) AS `sessions_7d`');
      expect(sql).toContain('CAST(coalesce(hll_sketch_estimate(`__f3_hllu_1`), 0) AS BIGINT) AS `click_states_1d`');
    } else {
      expect(sql).toMatch(/approx_set\("__v\d+"\) AS "__f1_hll"/);
      expect(sql).toContain(`merge("__f1_hll") ${frame(7)} AS "__f1_hllu_7"`);
      expect(sql).toContain('CAST(coalesce(cardinality("__f1_hllu_7"), 0) AS BIGINT) AS "sessions_7d"');
      expect(sql).toContain('CAST(coalesce(cardinality("__f3_hllu_1"), 0) AS BIGINT) AS "click_states_1d"');
      // approx_set takes bigint, double or varchar: the boolean is counted by its text.
      expect(sql).toContain(`CAST((CASE WHEN (${q('event_type')} <> 'view') THEN ${q('clicked')} END) AS VARCHAR)`);
    }
  });

  it('plans only the exact feature with the exact distinct-set CTEs', () => {
    const distinctSets = [...sql.matchAll(/__cd(\d+)_set/g)].map((m) => m[1]);
    expect(new Set(distinctSets)).toEqual(new Set(['4'])); // exact_sessions is feature number 4
    expect(sql).toContain(`CAST(coalesce(${q('__f4_cd_7')}, 0) AS BIGINT) AS ${q('exact_sessions_7d')}`);
  });
});

describe('approximate count_distinct on duckdb (the local engine)', () => {
  it('is planned exactly as the exact count: no sketch type to merge', () => {
    const approximate = planWindowQuery(node(true), INPUT, { dialect: 'duckdb' });
    expect(approximate).toEqual(planWindowQuery(node(false), INPUT, { dialect: 'duckdb' }));
    expect(planWindowQuery(node(true), INPUT)).toEqual(approximate);
    const sql = printSql(approximate, 'duckdb');
    expect(sql).toContain('"__cd1_set"');
    expect(sql).not.toMatch(/hll|approx_set|cardinality/);
  });

  it('is a different plan on spark and trino than the exact count', () => {
    for (const dialect of ['spark', 'trino'] as const) {
      expect(printSql(planWindowQuery(node(true), INPUT, { dialect }), dialect)).not.toBe(printSql(planWindowQuery(node(false), INPUT, { dialect }), dialect));
      expect(printSql(planWindowQuery(node(false), INPUT, { dialect }), dialect)).not.toMatch(/hll_|approx_set|merge\(|cardinality/);
    }
  });

  it('the duckdb printer refuses sketch aggregates with a message naming the fix', () => {
    const sketch = select([as(agg('hll_sketch', [col('x')]), 's')], { from: table('t') });
    expect(() => printSql(sketch, 'duckdb')).toThrow(/duckdb dialect has no mergeable distinct-count sketch.*exact count_distinct/);
    expect(() => printSql(select([as(fn('hll_estimate', col('s')))], { from: table('t') }), 'duckdb')).toThrow(/DuckDB has no mergeable distinct-count sketch/);
  });
});

describe('the approximate option is part of the plan', () => {
  const Event = z.object({ user_id: z.string(), session_id: z.string(), ts: z.coerce.date() });
  const build = (approximate: boolean) =>
    pipeline('sessions')
      .from(file('data/events/*.jsonl'))
      .validate(Event)
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['7d'], features: { sessions: countDistinct('session_id', { approximate }) } }))
      .toFeatureStore(featureStore('./.sluice/features'), { entity: 'user', group: 'sessions' });

  it('changes the plan hash, so switching it is a new plan', () => {
    const exact = build(false);
    const approximate = build(true);
    expect(approximate.hash).not.toBe(exact.hash);
    expect(build(true).hash).toBe(approximate.hash);
    const windowStep = (p: typeof exact) => p.plan.steps.find((s) => s.kind === 'window') as WindowNode;
    expect(windowStep(approximate).features.sessions!.approximate).toBe(true);
    expect(windowStep(exact).features.sessions!.approximate).toBeUndefined();
  });
});
