/**
 * The Athena (Trino) form of the point-in-time join: reviewed golden files, and every
 * generated SELECT parses under dt-sql-parser's Trino grammar (its grammar lacks Athena's
 * UNLOAD, so the inner SELECT is checked, and the UNLOAD wrapper by shape).
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TrinoSQL } from 'dt-sql-parser';
import { planAthenaStatements } from '../../../sdk/src/engines/athena/athena-query-plan.js';
import { planTimeChunks } from '../../../sdk/src/retrieval/time-chunk-planner.js';
import { printExpr } from '../../../sdk/src/sql/dialects.js';
import { col, fn, lit } from '../../../sdk/src/sql/sql-builders.js';
import type { RetrievalJob, ResolvedGroup } from '../../../sdk/src/retrieval/training-set-types.js';

const golden = (name: string): string => fileURLToPath(new URL(`../../golden/trino/${name}`, import.meta.url));
const parser = new TrinoSQL();

function job(ttlMs: number | null, entities: (string | null)[], ts: number[]): RetrievalJob {
  const keys = { count: entities.length, entity: entities, tsMs: Float64Array.from(ts) };
  const g = (group: string, cols: [string, string][], features: string[]): ResolvedGroup => {
    const all = cols.map(([column, type]) => ({ column, type, outputName: `${group}__${column}` }));
    return { group, pipeline: 'user-engagement', features: all.filter((f) => features.includes(f.column)), tieBreakColumns: all, files: [], partitions: [] };
  };
  return {
    store: { root: 's3://ml/features' },
    entity: 'user',
    groups: [g('engagement', [['clicks_7d', 'BIGINT'], ['spend_30d', 'DOUBLE']], ['clicks_7d', 'spend_30d']), g('profile', [['tier', 'VARCHAR'], ['age', 'BIGINT']], ['tier'])],
    keys,
    ttlMs,
    chunks: planTimeChunks(keys, { ttlMs }),
  };
}

const table = (g: string) => ({ database: 'sluice_user_engagement', table: `user__${g}` });
const T = (iso: string) => Date.parse(iso);

const cases = {
  'inline-two-chunks.sql': planAthenaStatements(job(7 * 86_400_000, ['u1', "o'brien; --", 'u\\3'], [T('2024-01-10T08:00:00Z'), T('2024-01-12T00:00:00Z'), T('2024-03-01T23:59:59.999Z')]), {
    featureTable: table, inlineMaxLabels: 100, resultBase: 's3://tmp/sluice-tmp/run1',
  }),
  'staged.sql': planAthenaStatements(job(86_400_000, ['u1', 'u2'], [T('2024-01-10T08:00:00Z'), T('2024-01-11T00:00:00Z')]), {
    featureTable: table, stagedLabels: { database: 'sluice_tmp', table: 'sluice_labels_run1' }, inlineMaxLabels: 0, resultBase: 's3://tmp/sluice-tmp/run1',
  }),
  'unbounded.sql': planAthenaStatements(job(null, ['u1'], [T('2024-01-10T08:00:00Z')]), {
    featureTable: table, inlineMaxLabels: 100, resultBase: 's3://tmp/sluice-tmp/run1',
  }),
};

describe('trino training-set SQL', () => {
  for (const [name, statements] of Object.entries(cases)) {
    it(`${name}: matches the reviewed golden file and parses as Trino`, async () => {
      const text = `${statements.map((s) => s.text).join(';\n\n')}\n`;
      if (process.env.UPDATE_GOLDEN === '1') await writeFile(golden(name), text);
      expect(text).toBe(await readFile(golden(name), 'utf8'));
      for (const s of statements) {
        expect(parser.validate(s.select)).toEqual([]);
        expect(s.text).toBe(`UNLOAD (${s.select}) TO '${s.resultPrefix}' WITH (format = 'PARQUET', compression = 'SNAPPY')`);
        expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(262_144);
      }
    });
  }

  it('the grammar check can fail (a broken statement is rejected)', () => {
    expect(parser.validate('SELECT "a" FROM WHERE')).not.toEqual([]);
  });

  it('splits statements above the 262,144-byte limit by time chunk', () => {
    // 400 labels, each 10 days apart with a 1-day ttl: 400 chunks; inline VALUES would be large
    const ts = Array.from({ length: 400 }, (_, i) => T('2020-01-01T00:00:00Z') + i * 10 * 86_400_000);
    const j = job(86_400_000, ts.map((_, i) => `user-${i}`), ts);
    const statements = planAthenaStatements(j, { featureTable: table, stagedLabels: { database: 'd', table: 'l' }, inlineMaxLabels: 0, resultBase: 's3://tmp/r', maxQueryBytes: 20_000 });
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.flatMap((s) => s.chunks).sort((a, b) => a - b)).toEqual(j.chunks.map((c) => c.index));
    for (const s of statements) expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(20_000);
  });

  it('time functions are exact and time-zone free', () => {
    expect(printExpr(fn('epoch_ms', col('ts')), 'trino')).toBe(`date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', "ts")`);
    expect(printExpr(fn('timestamp_from_ms', lit(5)), 'trino')).toBe(`date_add('millisecond', CAST(5 AS BIGINT), TIMESTAMP '1970-01-01 00:00:00.000')`);
    expect(printExpr(fn('date_string', col('ts')), 'trino')).toBe(`date_format("ts", '%Y-%m-%d')`);
    for (const e of [fn('epoch_ms', col('ts')), fn('floor_div', col('a'), lit(7)), fn('regexp_full_match', col('s'), lit('a+')), fn('generate_bigint_series', lit(1), lit(5), lit(1))]) {
      expect(parser.validate(`SELECT ${printExpr(e, 'trino')} FROM t`)).toEqual([]);
    }
  });
});
