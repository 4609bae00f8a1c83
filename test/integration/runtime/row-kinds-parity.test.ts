/**
 * A z.discriminatedUnion of event kinds in the event stage: each row decided as a local run
 * decides it (the oracle, parity-decisions.ts) — the rows of each kind, a kind no option names,
 * a field its kind rejects, a stray key its kind drops, a loose kind's stray key that is another
 * kind's column (not stored) — from JSON Lines and CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { parquetReadObjects } from 'hyparquet';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { query } from '../../helpers/duckdb-query.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const Event = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('view'), user: z.string().min(1), page: z.string().optional() }),
  z.object({ kind: z.literal('buy'), user: z.string().min(1), amount: z.coerce.number().positive() }),
  z.strictObject({ kind: z.enum(['click', 'tap']), user: z.string().min(1) }),
  // A loose kind: a stray "amount" (text, where purchases hold numbers) is not stored in its rows.
  z.looseObject({ kind: z.literal('note'), user: z.string().min(1) }),
]);

const OBJECTS: Record<string, string> = {
  'kinds.jsonl': [
    { kind: 'view', user: 'a', page: 'home' },
    { kind: 'view', user: 'a', amount: 3 },
    { kind: 'buy', user: 'b', amount: 9.5 },
    { kind: 'buy', user: 'b', amount: -1 },
    { kind: 'buy', user: 'b' },
    { kind: 'tap', user: 'c' },
    { kind: 'click', user: 'c', page: 'x' },
    { kind: 'share', user: 'd' },
    { user: 'e' },
    { kind: 'view', user: '' },
    { kind: 'note', user: 'f', amount: 'lots', extra: [1] },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n',
  'kinds.csv': 'kind,user,page,amount\nview,a,home,\nbuy,b,,9.5\nbuy,b,,abc\ntap,c,,\nshare,d,,\n',
};

const dir = mkdtempSync(join(tmpdir(), 'sluice-kinds-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipelineFor = (path: string) => pipeline('kinds').from(file(path)).validate(Event);

describe('the event stage decides rows of several kinds as a local run does', () => {
  for (const name of Object.keys(OBJECTS)) {
    it(name, async () => {
      const local = await localDecision(dir, pipelineFor, name, OBJECTS[name]!);
      const event = await eventStageDecision(pipelineFor, name, OBJECTS[name]!);
      expect(event).toEqual(local);
      if (name.endsWith('.jsonl')) expect(local.counts).toEqual({ in: 11, valid: 5, quarantined: 6 });
      expect(local.counts.valid).toBeGreaterThan(1);
      expect(local.counts.quarantined).toBeGreaterThan(1);
    });
  }

  it("stores the same values on both sides: a loose kind's stray key that is another kind's column stays null", async () => {
    const name = 'kinds.jsonl';
    const zones = join(dir, 'values');
    await pipelineFor(join(dir, 'in', 'kinds_jsonl', name)).run({ zones });
    const local = await query(`SELECT kind, "user", page, amount FROM read_parquet('${zones}/validated/**/*.parquet') ORDER BY _line`);
    const definition = toPipelineDefinition(pipelineFor(`/unused/${name}`));
    const s3 = newMemoryS3();
    const { manifest } = await invokeUntilDone(s3, landObject(s3, `in/${name}`, OBJECTS[name]!, definition), definition, { segmentRows: 2 });
    const event: Record<string, unknown>[] = [];
    for (const key of manifest.outputs.validated) {
      const bytes = s3.bytes('validated', key)!;
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      event.push(...rows.map((r) => ({ line: Number(r._line), kind: r.kind, user: r.user, page: r.page ?? null, amount: r.amount ?? null })));
    }
    event.sort((a, b) => Number(a.line) - Number(b.line));
    expect(event.map(({ line: _line, ...rest }) => rest)).toEqual(local.map((r) => ({ ...r, page: r.page ?? null, amount: r.amount ?? null })));
    expect(local.at(-1)).toEqual({ kind: 'note', user: 'f', page: null, amount: null });
  });
});
