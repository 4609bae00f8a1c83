/**
 * zod accepts any bigint (z.coerce.bigint() on "12345678901234567890"), but sluice stores the
 * field in a 64-bit integer column. The event stage threw a RangeError from the Parquet writer
 * for the whole object — retried until the dead-letter queue, its good rows never written. It
 * must quarantine that row as the local run does (the oracle: same lines, same issue).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline } from '../../../sdk/src/index.js';
import { eventStageDecision, localDecision } from './parity-decisions.js';

const Row = z.object({ id: z.string(), n: z.coerce.bigint() });
const VALUES = ['1', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '12345678901234567890', 'x'];
const TEXT = `${VALUES.map((n, i) => JSON.stringify({ id: `r${i}`, n })).join('\n')}\n`;

const dir = mkdtempSync(join(tmpdir(), 'sluice-bigint-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipelineFor = (path: string) => pipeline('bigint').from(file(path)).validate(Row);

it('quarantines a bigint no 64-bit column holds, as the local run does, and keeps the other rows', async () => {
  const local = await localDecision(dir, pipelineFor, 'rows.jsonl', TEXT);
  expect(local.counts).toEqual({ in: 7, valid: 3, quarantined: 4 });
  expect(await eventStageDecision(pipelineFor, 'rows.jsonl', TEXT)).toEqual(local);
});
