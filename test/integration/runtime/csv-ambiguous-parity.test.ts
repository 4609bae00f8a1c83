/**
 * The event stage reads ambiguous CSV (stray and unclosed quotes, text after a closing quote,
 * lone CRs, a byte-order mark, NUL, blank and ragged rows) as its documented rules say, and so
 * as a local run does: the counts and quarantined lines written out by hand in
 * ambiguous-csv-cases.ts, with segments of two rows so that segment boundaries are crossed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { CASES } from '../../unit/sources/ambiguous-csv-cases.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-csv-ambiguous-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Row = z.object({ id: z.string(), name: z.string() });
const pipelineFor = (path: string) => pipeline('csv-ambiguous-parity').from(file(path)).validate(Row);

describe('ambiguous CSV in the event stage', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: the documented counts and reasons, as a local run decides', async (name, c) => {
    const event = await eventStageDecision(pipelineFor, `${name}.csv`, c.bytes);
    expect(event.unreadable).toBe(false);
    expect(event.counts).toEqual({ in: c.valid.length + c.quarantined.length, valid: c.valid.length, quarantined: c.quarantined.length });
    expect(event.quarantined.map((q) => q.line)).toEqual(c.quarantined.map((q) => q.line));
    event.quarantined.forEach((q, i) => expect(q.issues).toMatchObject([{ code: 'malformed_record', message: expect.stringMatching(c.quarantined[i]!.reason) }]));
    expect(event).toEqual(await localDecision(dir, pipelineFor, `${name}.csv`, c.bytes));
  });

  it('a header naming a column twice: the object is unreadable, no rows counted, on both sides', async () => {
    const body = 'id,name,id\n1,a,2\n';
    const event = await eventStageDecision(pipelineFor, 'duplicate-header.csv', body);
    expect(event).toMatchObject({ unreadable: true, counts: { in: 0, valid: 0, quarantined: 0 } });
    expect(event).toEqual(await localDecision(dir, pipelineFor, 'duplicate-header.csv', body));
  });
});
