/**
 * A schema field named like a column sluice adds to every row (`_row_id`, `_object`, `_line`) or
 * to the validated zone (`_line_index`) would be overwritten or duplicated there: it is refused
 * when the run starts, naming the field and the fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, PlanError } from '../../../sdk/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-lineage-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schema fields named like lineage columns', () => {
  it.each(['_row_id', '_object', '_line', '_line_index'])('%s is refused', async (name) => {
    const path = join(dir, `${name}.jsonl`);
    writeFileSync(path, `${JSON.stringify({ id: 'a', [name]: 1 })}\n`);
    const error = await pipeline('names').from(file(path)).validate(z.object({ id: z.string(), [name]: z.number() })).run({ zones: join(dir, 'zones') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code: 'POSITION_COLUMN_NAMES_COLUMN', path: `validate.schema.${name}` });
    expect((error as Error).message).toContain(`The schema field "${name}" collides with a column sluice adds to every row (_row_id, _object, _line, _line_index). Rename the field.`);
  });
});
