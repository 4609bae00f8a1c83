/**
 * Local Parquet inputs are read where they lie, more than once: the validation scan, then the
 * validated zone's copy and the aggregation read the files again. A file replaced in between
 * would put rows no validation saw into the zones and the features (counted as valid, gates
 * passed). Each file's size and modification time are taken when it is first read and checked
 * before anything is written.
 */
import { stat } from 'node:fs/promises';
import { EngineError } from '../../errors.js';

export interface InputStamp {
  /** The object's key as the run reports it. */
  readonly object: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * @example
 * ```ts
 * const stamp = await stampInput('data/a.parquet', '/abs/data/a.parquet');
 * ```
 */
export async function stampInput(object: string, path: string): Promise<InputStamp> {
  const s = await stat(path);
  return { object, path, size: s.size, mtimeMs: s.mtimeMs };
}

/**
 * Throws INPUT_CHANGED naming the inputs that are not as they were stamped (changed, replaced
 * or removed), before `what` is written.
 *
 * @example
 * ```ts
 * await assertInputsUnchanged(stamps, 'the validated zone');
 * ```
 */
export async function assertInputsUnchanged(stamps: readonly InputStamp[], what: string): Promise<void> {
  const changed: string[] = [];
  for (const stamp of stamps) {
    const now = await stat(stamp.path).catch(() => undefined);
    if (!now || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs) changed.push(stamp.object);
  }
  if (changed.length === 0) return;
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
  throw new EngineError(
    'INPUT_CHANGED',
    `${shown} changed while this run was reading ${changed.length === 1 ? 'it' : 'them'} (size or modification time differ from the first read), so its rows were validated as they were but would be written as they are now. Nothing was written to ${what} or after it. Run again once the input is settled.`,
  );
}
