/**
 * DESIGN §4: `rows_in = rows_valid + rows_quarantined` is reported for every object. An empty
 * object read 0 rows, and the report must still name it (it was missing from perObject, so a
 * day file that arrived empty looked the same as one that never arrived).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-empty-objects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('per-object counts', () => {
  it('name every object read, empty ones with zeros', async () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"id":1}\n{"id":"x"}\n');
    writeFileSync(join(dir, 'b.jsonl'), '');
    writeFileSync(join(dir, 'c.csv'), 'id\n');
    const jsonl = await pipeline('empty').from(file(join(dir, '*.jsonl'))).validate(z.object({ id: z.number() })).run({ dryRun: true });
    expect(jsonl.perObject).toEqual({
      [join(dir, 'a.jsonl')]: { in: 2, valid: 1, quarantined: 1 },
      [join(dir, 'b.jsonl')]: { in: 0, valid: 0, quarantined: 0 },
    });
    const csv = await pipeline('empty').from(file(join(dir, '*.csv'))).validate(z.object({ id: z.coerce.number() })).run({ dryRun: true });
    expect(csv.perObject).toEqual({ [join(dir, 'c.csv')]: { in: 0, valid: 0, quarantined: 0 } });
  });
});
