/**
 * Executes notebooks headlessly with the `sluice` kernel (jupyter nbconvert --execute) and
 * reads their outputs back. tslab reports a failed cell only as stderr stream text (no
 * exception name), so failures are found by scanning outputs, not by exception type.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO_ROOT, type JupyterInvocation } from '../../kernel-setup/kernel-spec.js';

export interface NotebookOutput {
  readonly output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
  readonly name?: 'stdout' | 'stderr';
  readonly text?: string | string[];
  readonly data?: Readonly<Record<string, unknown>>;
  readonly ename?: string;
  readonly evalue?: string;
}

export interface ExecutedCell {
  readonly index: number;
  readonly source: string;
  readonly outputs: readonly NotebookOutput[];
}

export interface ExecutedNotebook {
  readonly file: string;
  readonly cells: readonly ExecutedCell[];
  readonly seconds: number;
}

const join1 = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : (v ?? ''));

/** Runs a command asynchronously: a test worker blocked for a minute loses its runner. */
export function exec(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ status: null, out: `${out}${e.message}` }));
    child.on('close', (status) => resolve({ status, out }));
  });
}

/**
 * Registers the kernel through `kernel-setup/install.js` (which installs Jupyter where it
 * may), and returns how to invoke Jupyter. Throws with install.js's message — the exact
 * command to run — when Jupyter is missing and cannot be installed here.
 */
export async function prepareKernel(): Promise<JupyterInvocation> {
  const install = await exec(process.execPath, [join(REPO_ROOT, 'kernel-setup', 'install.js')]);
  if (install.status !== 0) throw new Error(`The sluice Jupyter kernel is not available, so the notebooks cannot run:\n${install.out.trim()}`);
  if ((await exec('jupyter', ['--version'])).status === 0) return { command: 'jupyter', prefix: [], label: 'jupyter', components: {} };
  return { command: 'python3', prefix: ['-m', 'jupyter'], label: 'python3 -m jupyter', components: {} };
}

/**
 * Runs `jupyter nbconvert --to notebook --execute` on `file`, writing the executed copy into
 * `outDir`. Rejects with nbconvert's own report (which names the failing cell) on failure.
 */
export async function executeNotebook(jupyter: JupyterInvocation, file: string, outDir: string, timeoutSeconds = 600): Promise<ExecutedNotebook> {
  try {
    return await executeOnce(jupyter, file, outDir, timeoutSeconds);
  } catch (error) {
    // Jupyter picks the kernel's ports by binding port 0 and letting go; another test starting a
    // server at that moment can take one first, and the kernel dies with EBUSY/EADDRINUSE before
    // running a cell. That race says nothing about the notebook: start it once more.
    if (!KERNEL_PORT_RACE.test((error as Error).message)) throw error;
    process.stderr.write(`${basename(file)}: the kernel could not bind its ports (taken by another process meanwhile); starting it once more\n`);
    return executeOnce(jupyter, file, outDir, timeoutSeconds);
  }
}

/** What a kernel that lost its ports to another process leaves in nbconvert's log (and nothing a notebook cell can print). */
const KERNEL_PORT_RACE = /code: '(EBUSY|EADDRINUSE)'[^]*Kernel didn't respond|Kernel didn't respond[^]*code: '(EBUSY|EADDRINUSE)'/;

function executeOnce(jupyter: JupyterInvocation, file: string, outDir: string, timeoutSeconds: number): Promise<ExecutedNotebook> {
  const output = basename(file).replace(/\.ipynb$/, '.executed.ipynb');
  const args = [
    ...jupyter.prefix,
    'nbconvert',
    '--to',
    'notebook',
    '--execute',
    // Keep going after a failed cell so the written notebook holds tslab's error text (it is
    // only in the stderr stream; nbconvert's own report says just "<Error>"). tslab writes
    // every failure there (type errors, exceptions), so cellFailures() finds each one.
    '--allow-errors',
    '--ExecutePreprocessor.kernel_name=sluice',
    `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
    '--ExecutePreprocessor.startup_timeout=120',
    '--output-dir',
    outDir,
    '--output',
    output,
    file,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(jupyter.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const path = join(outDir, output);
      if (code !== 0 || !existsSync(path)) {
        reject(new Error(`Executing ${file} failed (exit ${code}):\n${cellErrorExcerpt(log)}`));
        return;
      }
      const nb = JSON.parse(readFileSync(path, 'utf8')) as {
        cells: { cell_type: string; source: string | string[]; outputs?: NotebookOutput[]; execution_count?: number | null }[];
      };
      const cells = nb.cells.flatMap((c, index) =>
        c.cell_type === 'code' ? [{ index, source: join1(c.source), outputs: c.outputs ?? [] }] : [],
      );
      resolve({ file, cells, seconds });
    });
  });
}

/** nbconvert's traceback is long Python; the part after CellExecutionError names the cell. */
function cellErrorExcerpt(log: string): string {
  const i = log.indexOf('CellExecutionError');
  return (i >= 0 ? log.slice(i) : log.slice(-4000)).trim();
}

/**
 * Every sign of a failed cell: error outputs and stderr streams (tslab prints type errors and
 * thrown exceptions there). Returns readable descriptions; empty when the notebook is clean.
 */
export function cellFailures(nb: ExecutedNotebook): string[] {
  const failures: string[] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs) {
      if (out.output_type === 'error') failures.push(`cell ${cell.index}: ${out.ename}: ${out.evalue}\n${cell.source}`);
      if (out.output_type === 'stream' && out.name === 'stderr') failures.push(`cell ${cell.index} wrote to stderr:\n${join1(out.text)}\n--- source ---\n${cell.source}`);
    }
  }
  return failures;
}

/** All values of one MIME type across the notebook's display outputs. */
export function outputsOfType(nb: ExecutedNotebook, mime: string): unknown[] {
  return nb.cells.flatMap((c) => c.outputs.flatMap((o) => (o.data && mime in o.data ? [o.data[mime]] : [])));
}

/** HTML outputs as strings (nbformat may store them as line arrays). */
export function htmlOutputs(nb: ExecutedNotebook): string[] {
  return outputsOfType(nb, 'text/html').map((v) => join1(v as string | string[]));
}

/** All stdout text of the notebook. */
export function stdoutText(nb: ExecutedNotebook): string {
  return nb.cells.flatMap((c) => c.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => join1(o.text))).join('');
}
