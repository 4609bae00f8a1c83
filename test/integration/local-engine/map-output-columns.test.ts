/**
 * A map() that drops a column a later step reads is a PlanError at that map, naming the
 * columns and the fix — not DuckDB's "Referenced column not found" from inside the aggregation.
 * JavaScript users and `sluice run` get no type check, so the builder cannot catch it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, file, mean, pipeline, PlanError, sum, window } from '../../../sdk/src/index.js';

const Event = z.object({ user_id: z.string(), amount: z.number(), kind: z.string(), ts: z.coerce.date() });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-map-columns-'));
  const lines = [
    { user_id: 'u1', amount: 3, kind: 'buy', ts: '2024-01-01T10:00:00Z' },
    { user_id: 'u2', amount: 5, kind: 'view', ts: '2024-01-02T10:00:00Z' },
  ].map((r) => JSON.stringify(r));
  writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What a JavaScript user can write: nothing stops the function from dropping columns.
type AnyRow = Record<string, unknown>;
const dropAmountAndKind = (row: AnyRow): AnyRow => ({ user_id: row.user_id, ts: row.ts });

function features(map: (row: AnyRow) => AnyRow) {
  return pipeline('map-columns')
    .from(file(join(dir, '*.jsonl')))
    .validate(Event)
    .map(map, { columns: { user_id: 'string', ts: 'timestamp' } })
    .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spend: sum('amount'), buys: count().where("kind = 'buy'") } }));
}

describe('map() output columns', () => {
  it('a map that drops columns the window reads is a PlanError at steps[i].map naming them and the fix', async () => {
    const error = await features(dropAmountAndKind).run({ dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).path).toBe('steps[2].map');
    expect((error as PlanError).code).toBe('MAP_DROPPED_COLUMNS');
    const message = (error as PlanError).message;
    expect(message).toContain('"amount" (read by steps[3].window.features.spend)');
    expect(message).toContain('"kind" (read by steps[3].window.features.buys.where)');
    expect(message).toContain('(row) => ({ ...row,');
    expect(message).toContain('The map returned: user_id, ts.');
  });

  it('a column a later derive() creates is not needed from the map; one it reads is', async () => {
    const derived = pipeline('map-columns')
      .from(file(join(dir, '*.jsonl')))
      .validate(Event)
      .map((row: AnyRow) => ({ user_id: row.user_id, ts: row.ts, amount: row.amount }), { columns: { user_id: 'string', ts: 'timestamp', amount: 'number' } })
      .derive({ doubled: 'amount * 2' })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { avg: mean('doubled') } }));
    const result = await derived.run({ dryRun: true });
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(result.featureRows).toBeGreaterThan(0);

    const missing = pipeline('map-columns')
      .from(file(join(dir, '*.jsonl')))
      .validate(Event)
      .map((row: AnyRow) => ({ user_id: row.user_id, ts: row.ts }), { columns: { user_id: 'string', ts: 'timestamp', amount: 'number' } })
      .derive({ doubled: 'amount * 2' })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { avg: mean('doubled') } }));
    await expect(missing.run({ dryRun: true })).rejects.toThrow(/"amount" \(read by steps\[3\]\.derive\.doubled\)/);
  });

  it('a map that keeps every column runs as before', async () => {
    const result = await features((row: AnyRow) => ({ ...row })).run({ dryRun: true });
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(result.featureRows).toBeGreaterThan(0);
  });
});
