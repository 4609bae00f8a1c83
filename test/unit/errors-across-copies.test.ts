/**
 * Errors of another copy of sluice (a global CLI running a project's pipeline that imports the
 * project's own sluice) are still recognised by `instanceof`, class by class: a failed gate is
 * a GateError here, printed as a report with exit code 2, not an unknown error dumped whole.
 * The other copy is errors.ts itself, loaded again from another file.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '../../sdk/src/errors.js';
import { runLoadedPipeline } from '../../sdk/src/cli/run-command.js';

let dir: string;
let theirs: typeof ours;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-errors-copy-'));
  copyFileSync(join(import.meta.dirname, '../../sdk/src/errors.ts'), join(dir, 'errors.ts'));
  theirs = (await import(pathToFileURL(join(dir, 'errors.ts')).href)) as typeof ours;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice errors across copies of the package', () => {
  it('the premise: the other copy has classes of its own', () => {
    expect(theirs.GateError).not.toBe(ours.GateError);
    expect(Object.getPrototypeOf(new theirs.PlanError('X', 'p', 'm'))).not.toBe(ours.PlanError.prototype);
  });

  it('instanceof holds for the error\'s own classes, and only for them', () => {
    const plan = new theirs.ExpressionError('EXPRESSION_UNKNOWN_COLUMN', 'steps[2]', 'no such column');
    expect(plan instanceof ours.ExpressionError).toBe(true);
    expect(plan instanceof ours.PlanError).toBe(true);
    expect(plan instanceof ours.SluiceError).toBe(true);
    expect(plan instanceof ours.GateError).toBe(false);
    expect(plan instanceof ours.SourceError).toBe(false);
    expect(new theirs.StoreError('STORE_LOCKED', 'm') instanceof ours.PlanError).toBe(false);
    // Errors that are not sluice's stay unrecognised, whatever their name.
    const lookalike = Object.assign(new Error('m'), { name: 'GateError', code: 'GATE_FAILED' });
    expect(lookalike instanceof ours.GateError).toBe(false);
    expect(lookalike instanceof ours.SluiceError).toBe(false);
    // Within one copy, as always.
    expect(new ours.GateError('m', {} as never) instanceof ours.PlanError).toBe(false);
  });

  it('the CLI prints another copy\'s failed gate as a report and exits with 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = {
      pipeline: 'p', planHash: 'h', runId: 'r', counts: { in: 1, valid: 0, quarantined: 1 }, perObject: {},
      quality: { counts: { in: 1, valid: 0, quarantined: 1 }, perObject: {}, rules: [], gates: [{ gate: 'maxInvalidRatio', passed: false, detail: 'quarantined 1 of 1 rows (100%); limit 1%' }], columns: [], fastPath: { compiled: true, sqlRows: 0, zodRows: 1 }, unreadableObjects: [] },
      gatesPassed: false, preview: (await import('apache-arrow')).tableFromArrays({}), featureRows: 0, timings: {}, notes: [],
      outputs: { partitionsWritten: [], partitionsUnchanged: [], partitionsRemoved: [] },
    };
    const failing = { name: 'p', hash: 'h', run: async () => { throw new theirs.GateError('Quality gates failed: maxInvalidRatio.', result as never); } };
    const code = await runLoadedPipeline(failing as never, {}, (t) => out.push(t), (t) => err.push(t));
    expect(code).toBe(2);
    expect(out.join('\n')).toContain('✖ maxInvalidRatio: quarantined 1 of 1 rows (100%); limit 1%');
    expect(err.join('\n')).toContain('✖ Quality gates failed: maxInvalidRatio.');
  });
});
