/**
 * The row decisions of one object, taken by the local engine (the oracle) and by the event
 * stage's `processObject`, in one comparable form: counts, quarantined lines with their issues
 * (path, code, message), and whether the object was unreadable. An unreadable object has no
 * row decisions: both count no rows for it, and quarantine it whole.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from './object-runner.js';

export interface Decision {
  unreadable: boolean;
  counts: { in: number; valid: number; quarantined: number };
  /** `raw`: only when the decision was asked for with `{ raw: true }`. */
  quarantined: { line: number; issues: unknown; raw?: unknown }[];
}

/** What a decision records of each quarantined row: by default its line and issues, `raw: true` adds its raw content. */
export interface DecisionOptions {
  readonly raw?: boolean;
}

/** A pipeline reading one file path (what each side is given). */
export type PipelineFor = (path: string) => { run(options: { zones: string }): Promise<RunResult> };

/** Runs the object alone through a local run in `dir`. */
export async function localDecision(dir: string, pipelineFor: PipelineFor, name: string, body: string | Uint8Array, options: DecisionOptions = {}): Promise<Decision> {
  const slug = name.replace(/\W/g, '_');
  const inDir = join(dir, 'in', slug);
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, name), body);
  const zones = join(dir, 'zones', slug);
  const result = (await pipelineFor(join(inDir, name)).run({ zones }).catch((e: { result?: RunResult }) => {
    if (!e.result) throw e;
    return e.result;
  })) as RunResult;
  const unreadable = result.quality.unreadableObjects.length > 0;
  const quarantined: Decision['quarantined'] = [];
  const quarantineDir = join(zones, 'quarantine');
  for (const f of existsSync(quarantineDir) ? readdirSync(quarantineDir) : []) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(quarantineDir, f), 'utf8').split('\n').filter(Boolean)) {
      const q = JSON.parse(line) as { line: number; issues?: unknown; raw?: unknown };
      if (q.issues && q.line !== null) quarantined.push({ line: q.line, issues: q.issues, ...(options.raw ? { raw: q.raw } : {}) });
    }
  }
  return { unreadable, counts: { ...result.counts }, quarantined: unreadable ? [] : quarantined.sort((a, b) => a.line - b.line) };
}

/** Runs the object through the event stage (segments of two records, so boundaries are crossed). */
export async function eventStageDecision(pipelineFor: PipelineFor, name: string, body: string | Uint8Array, options: DecisionOptions = {}): Promise<Decision> {
  const definition = toPipelineDefinition(pipelineFor(`/unused/${name}`));
  const s3 = newMemoryS3();
  const { manifest } = await invokeUntilDone(s3, landObject(s3, `in/${name}`, body, definition), definition, { segmentRows: 2 });
  const quarantined: Decision['quarantined'] = [];
  for (const key of manifest.outputs.quarantine) {
    // Rejected rows only: an object quarantined whole is copied under objects/ with its own name.
    if (key.includes('/objects/')) continue;
    for (const line of new TextDecoder().decode(s3.bytes('quarantine', key)).split('\n').filter(Boolean)) {
      const q = JSON.parse(line) as { line: number; issues: unknown; raw?: unknown };
      quarantined.push({ line: q.line, issues: q.issues, ...(options.raw ? { raw: q.raw } : {}) });
    }
  }
  const unreadable = manifest.status === 'unreadable';
  return { unreadable, counts: { ...manifest.rows }, quarantined: quarantined.sort((a, b) => a.line - b.line) };
}
