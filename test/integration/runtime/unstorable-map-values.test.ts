/**
 * A `.map()` can return a value its timestamp or integer column cannot hold (an Invalid Date,
 * text that is no instant or number). The Parquet writer threw a RangeError for the whole
 * object, which then failed on every retry into the dead-letter queue, its good rows never
 * written. One bad row must not do that (DESIGN §4 "Bad input"): that row is quarantined with
 * the column and the value, and every other row is written. The oracle is written here.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

const Row = z.object({ id: z.number().int(), ts: z.coerce.date() });
const TEXT = [1, 2, 3, 4].map((id) => JSON.stringify({ id, ts: `2024-01-0${id}T00:00:00Z` })).join('\n') + '\n';

async function run(p: { definition: unknown }) {
  const definition = toPipelineDefinition(p);
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/rows.jsonl', TEXT, definition), definition, { segmentRows: 2 });
  const issues = manifest.outputs.quarantine.flatMap((k) =>
    new TextDecoder().decode(s3.bytes('quarantine', k)).trim().split('\n').map((l) => JSON.parse(l) as { line: number; issues: { path: string[]; code: string; message: string }[] }),
  );
  return { manifest, issues };
}

describe('a map() value its column cannot hold', () => {
  it('an Invalid Date in the schema’s timestamp column quarantines that row only', async () => {
    const p = pipeline('unstorable').from(file('/x/*')).validate(Row).map((r) => ({ ...r, ts: r.id === 2 ? new Date(Number.NaN) : r.ts }));
    const { manifest, issues } = await run(p);
    expect(manifest.status).toBe('processed');
    expect(manifest.rows).toEqual({ in: 4, valid: 3, quarantined: 1 });
    expect(issues.map((q) => [q.line, q.issues[0]!.path, q.issues[0]!.code])).toEqual([[2, ['ts'], 'not_storable']]);
    expect(issues[0]!.issues[0]!.message).toMatch(/^Invalid Date cannot be stored in the timestamp column "ts"/);
  });

  it('text that is no instant in a declared timestamp column, and no number in a declared integer column', async () => {
    const p = pipeline('unstorable')
      .from(file('/x/*'))
      .validate(Row)
      .map((r) => ({ ...r, seen: r.id === 3 ? 'yesterday' : new Date(0), n: r.id === 4 ? 'many' : r.id }), { columns: { seen: 'timestamp', n: 'integer' } });
    const { manifest, issues } = await run(p);
    expect(manifest.rows).toEqual({ in: 4, valid: 2, quarantined: 2 });
    expect(issues.map((q) => [q.line, q.issues[0]!.path])).toEqual([[3, ['seen']], [4, ['n']]]);
  });
});
