/**
 * An empty CSV cell is a missing value, never a made-up one. Before, a typed column's empty
 * cell reached zod as null: `z.coerce.date()` turned it into 1970-01-01 and `z.coerce.number()`
 * into 0, both silently valid, and `.optional()` / `.default()` refused or ignored it.
 *
 * The expectations are written out by hand from zod's documented behaviour for a missing field
 * (and for null where the field is only `.nullable()`); the event stage must decide each row
 * as the local run does.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { file, pipeline, type RunResult } from '../../../sdk/src/index.js';
import { csvDecodingFor } from '../../../sdk/src/sources/csv-decoding.js';
import { describeSchema } from '../../../sdk/src/quality/describe-schema.js';
import { eventStageDecision, localDecision } from '../runtime/parity-decisions.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-csv-empty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Quarantined {
  line: number;
  issues: { path: (string | number)[]; message: string }[];
}

async function runCsv(name: string, text: string, schema: z.ZodObject): Promise<{ result: RunResult; rejected: Quarantined[] }> {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'rows.csv'), text);
  const zones = join(folder, 'zones');
  const result = await pipeline(name).from(file(join(folder, 'rows.csv'))).validate(schema).run({ zones });
  const quarantine = join(zones, 'quarantine');
  const rejected = (existsSync(quarantine) ? readdirSync(quarantine).filter((f) => f.endsWith('.jsonl')) : [])
    .flatMap((f) => readFileSync(join(quarantine, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Quarantined))
    .sort((a, b) => a.line - b.line);
  return { result, rejected };
}

/** The quarantined rows' lines and issue paths. */
function quarantinedPaths(rejected: Quarantined[]): { line: number; paths: string[] }[] {
  return rejected.map((q) => ({ line: q.line, paths: q.issues.map((i) => i.path.join('.')) }));
}

describe('an empty CSV cell is a missing value', () => {
  it('a required coerced date or number is refused as missing instead of becoming 1970-01-01 or 0', async () => {
    const Row = z.object({ id: z.string(), when: z.coerce.date(), n: z.coerce.number() });
    const { result, rejected } = await runCsv('coerce', 'id,when,n\na,2024-01-05,3\nb,,4\nc,2024-01-06,\nd,  ,\t\n', Row);
    expect(result.counts).toEqual({ in: 4, valid: 1, quarantined: 3 });
    expect(quarantinedPaths(rejected)).toEqual([
      { line: 3, paths: ['when'] },
      { line: 4, paths: ['n'] },
      { line: 5, paths: ['when', 'n'] },
    ]);
    const valid = result.preview.toArray().map((r) => ({ ...r }));
    expect(valid).toEqual([{ id: 'a', when: Date.UTC(2024, 0, 5), n: 3 }]);
  });

  it('optional fields stay empty, defaults apply, a nullable-only field gets null, text keeps its empty text', async () => {
    const Row = z.object({
      id: z.string(),
      opt: z.number().optional(),
      dflt: z.number().default(7),
      nul: z.number().nullable(),
      nulDflt: z.number().nullable().default(5),
      flag: z.boolean().optional(),
      note: z.string(),
    });
    const { result, rejected } = await runCsv('missing', 'id,opt,dflt,nul,nulDflt,flag,note\na,1,2,3,4,true,x\nb,,,,,,\n', Row);
    expect(result.counts).toEqual({ in: 2, valid: 2, quarantined: 0 });
    expect(rejected).toEqual([]);
    const valid = result.preview.toArray().map((r) => ({ ...r }));
    expect(valid).toEqual([
      { id: 'a', opt: 1, dflt: 2, nul: 3, nulDflt: 4, flag: true, note: 'x' },
      { id: 'b', opt: null, dflt: 7, nul: null, nulDflt: 5, flag: null, note: '' },
    ]);
  });

  it('a required plain number is reported as missing, not as null', async () => {
    const { result, rejected } = await runCsv('required', 'id,n\na,\n', z.object({ id: z.string(), n: z.number() }));
    expect(result.counts).toEqual({ in: 1, valid: 0, quarantined: 1 });
    const issue = rejected[0]!.issues[0]!;
    expect(issue.path).toEqual(['n']);
    expect(issue.message).toMatch(/received undefined/);
  });

  it('which columns take null: only typed ones that accept null and nothing else for a missing value', () => {
    const schema = z.object({
      s: z.string().nullable(), n: z.number().nullable(), o: z.number().nullish(), d: z.number().nullable().default(1),
      t: z.coerce.date().nullable(), r: z.coerce.date(),
    });
    expect(csvDecodingFor(describeSchema(schema).columns).nullColumns).toEqual(['n', 't']);
  });
});

describe('the event stage decodes empty cells as a local run does', () => {
  const Row = z.object({ id: z.string(), when: z.coerce.date(), opt: z.number().optional(), dflt: z.number().default(7), nul: z.number().nullable() });
  const pipelineFor = (path: string) => pipeline('csv-empty-parity').from(file(path)).validate(Row);
  const body = 'id,when,opt,dflt,nul\na,2024-01-05,1,2,3\nb,,,,\nc,2024-01-07,,,\n';

  it('same counts and the same quarantined rows and issues', async () => {
    const local = await localDecision(dir, pipelineFor, 'empty-cells.csv', body);
    const event = await eventStageDecision(pipelineFor, 'empty-cells.csv', body);
    expect(local.counts).toEqual({ in: 3, valid: 2, quarantined: 1 });
    expect(event).toEqual(local);
  });
});
