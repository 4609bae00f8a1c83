/**
 * `sluice init`: the scaffold has the files a new user needs, its pipeline module runs, its
 * kernel step works through the installed sluice, and its starter notebook executes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { initProject } from '../../sdk/src/cli/init-command.js';
import { loadDefaultExport } from '../../sdk/src/cli/load-module.js';
import { cellFailures, exec, executeNotebook, htmlOutputs, outputsOfType, prepareKernel } from './notebook-runner.js';

const ROOT = resolve(import.meta.dirname, '../..');
const base = mkdtempSync(join(tmpdir(), 'sluice-init-'));
const project = join(base, 'My Features');
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** What `npm install` would do for the file: dependency, without the network: link the packages. */
function linkDependencies(dir: string): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(join(ROOT, 'sdk'), join(dir, 'node_modules', 'sluice'), 'dir');
  for (const dep of ['zod', 'apache-arrow']) symlinkSync(join(ROOT, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
}

/** Every line of every sample file, read independently of sluice's readers. */
function sampleLines(dir: string): number {
  let lines = 0;
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f));
    const text = f.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    lines += text.split('\n').filter((l) => l.length > 0).length;
  }
  return lines;
}

describe('initProject', () => {
  let result: Awaited<ReturnType<typeof initProject>>;
  beforeAll(async () => {
    result = await initProject(project, { sampleData: { users: 120, days: 12, eventsPerDay: 400 } });
    linkDependencies(project);
  });

  it('writes the project files and sample data', () => {
    const nonData = result.files.filter((f) => !f.startsWith('data/'));
    expect(nonData).toEqual(['.gitignore', 'README.md', 'notebooks/explore.ipynb', 'package.json', 'pipelines/engagement.ts', 'scripts/notebook.mjs', 'tsconfig.json']);
    const data = result.files.filter((f) => f.startsWith('data/'));
    expect(data).toHaveLength(12);
    expect(data[0]).toBe('data/events/events-2024-01-01.jsonl');
    expect(result.sampleEvents!.events).toBe(sampleLines(join(project, 'data/events')));
    expect(result.nextSteps.split('\n').slice(1)).toEqual(['npm install', 'npm run notebook']);
  });

  it('renders package.json with the project name and a sluice dependency', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-features');
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies.sluice).toBe(`file:${join(ROOT, 'sdk')}`);
    expect(pkg.dependencies.zod).toMatch(/^\^?4\./);
    expect(pkg.scripts.notebook).toBe('node scripts/notebook.mjs');
    // Every `npm run <script>` the project's README shows is one package.json defines; the
    // sample run writes nothing, so a whole run comes before the catalog.
    const shown = [...readFileSync(join(project, 'README.md'), 'utf8').matchAll(/^npm run (\S+)/gm)].map((m) => m[1]!);
    expect(shown).toEqual(['notebook', 'run:sample', 'run:all', 'catalog']);
    for (const script of shown) expect(pkg.scripts[script], script).toBeDefined();
    expect(pkg.scripts['run:all']).toBe('sluice run pipelines/engagement.ts');
    for (const f of result.files.filter((f) => !f.startsWith('data/'))) {
      expect(readFileSync(join(project, f), 'utf8'), f).not.toMatch(/\{\{\w+\}\}/);
    }
    const nb = JSON.parse(readFileSync(join(project, 'notebooks/explore.ipynb'), 'utf8'));
    expect(nb.metadata.kernelspec.name).toBe('sluice');
  });

  it('refuses a folder that already has files', async () => {
    await expect(initProject(project)).rejects.toThrow(/already has files in it.*--force/);
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    await expect(initProject(file)).rejects.toThrow(/is not a folder/);
  });

  it('has a pipeline module that runs: every sample row is valid or quarantined, and the store has a catalog', async () => {
    const pipeline = (await loadDefaultExport(join(project, 'pipelines/engagement.ts'))) as { run(o?: object): Promise<any> };
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const run = await pipeline.run();
      expect(run.counts.in).toBe(sampleLines(join(project, 'data/events')));
      expect(run.counts.in).toBe(run.counts.valid + run.counts.quarantined);
      expect(run.counts.quarantined).toBeGreaterThan(0);
      expect(run.featureRows).toBeGreaterThan(0);
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(project, '.sluice/features/_catalog/entity=user/feature_group=engagement.json'))).toBe(true);
  }, 300_000);

  it('registers the kernel through the installed sluice (npm run kernel:install)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sluice-init-jupyter-'));
    try {
      const r = await exec(process.execPath, ['scripts/notebook.mjs', '--install-only'], { cwd: project, env: { ...process.env, JUPYTER_DATA_DIR: data } });
      expect(r.out).toContain('Registered kernel "sluice"');
      expect(r.status).toBe(0);
      const spec = JSON.parse(readFileSync(join(data, 'kernels/sluice/kernel.json'), 'utf8'));
      expect(existsSync(spec.argv[1])).toBe(true);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 120_000);

  it('has a starter notebook that executes and shows a quality report, a table and charts', async () => {
    const jupyter = await prepareKernel();
    const nb = await executeNotebook(jupyter, join(project, 'notebooks/explore.ipynb'), base, 900);
    expect(cellFailures(nb)).toEqual([]);
    const html = htmlOutputs(nb);
    expect(html.some((h) => h.includes('sluice-quality-report'))).toBe(true);
    expect(html.some((h) => h.includes('sluice-table') && h.includes('clicks_7d'))).toBe(true);
    expect(outputsOfType(nb, 'image/svg+xml').length).toBeGreaterThanOrEqual(2);
    expect(outputsOfType(nb, 'application/vnd.vegalite.v5+json').length).toBeGreaterThanOrEqual(2);
  }, 900_000);
});
