/**
 * Executes every notebook in notebooks/ headlessly with the `sluice` kernel and asserts on
 * what it shows. Jupyter is a requirement of `npm test`, not an optional extra: when it is
 * missing and cannot be installed here, these tests fail with the exact command to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JupyterInvocation } from '../../kernel-setup/kernel-spec.js';
import { cellFailures, executeNotebook, htmlOutputs, outputsOfType, prepareKernel, stdoutText, type ExecutedNotebook } from './notebook-runner.js';
import { writeNotebook } from './notebook-file.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const VEGA_LITE = 'application/vnd.vegalite.v5+json';

let jupyter: JupyterInvocation;
const scratch = mkdtempSync(join(tmpdir(), 'sluice-nb-'));
// The scratch folder resolves packages like a project inside this checkout would.
symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');

beforeAll(async () => {
  jupyter = await prepareKernel();
  if (!existsSync(join(ROOT, 'sdk/dist/index.js'))) {
    throw new Error('sdk/dist is missing: notebooks import the built package. Run `npm run build` (npm test does it in pretest).');
  }
}, 600_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function conservationFrom(html: string): { in: number; valid: number; quarantined: number } | undefined {
  const m = /data-in="(\d+)" data-valid="(\d+)" data-quarantined="(\d+)"/.exec(html);
  return m ? { in: Number(m[1]), valid: Number(m[2]), quarantined: Number(m[3]) } : undefined;
}

function tableHeaders(html: string): string[] {
  return [...html.matchAll(/<th(?:\s[^>]*)?>(.*?)<br>/g)].map((m) => m[1]!);
}

/** The body cells of a sluice table, row by row (HTML entities left as they are). */
function tableRows(html: string): string[][] {
  const body = /<tbody>([^]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([^]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((c) => c[1]!));
}

describe('the notebook harness', () => {
  it('runs a notebook on the sluice kernel and collects rich outputs', async () => {
    const file = join(scratch, 'display.ipynb');
    writeNotebook(file, [
      { markdown: '# scratch' },
      `import { SDK_VERSION } from 'sluice';\nconsole.log('version', SDK_VERSION);`,
      // The display functions by absolute path: this test is about the harness and the kernel,
      // whatever the package's exports map offers today.
      `import { showTable, showChart, distributionSpec, createProgressDisplay, attachRichDisplay } from '${join(ROOT, 'sdk/dist/notebook/index.js')}';\n` +
        `import { tableFromArrays } from 'apache-arrow';\n` +
        `const t = tableFromArrays({ kind: ['a', 'b', 'b', '<script>'] });\nshowTable(t, { title: 'kinds' });`,
      `await showChart(distributionSpec(t, 'kind'));`,
      `const progress = createProgressDisplay({ intervalMs: 0 });\n` +
        `for (let i = 1; i <= 3; i++) progress.onProgress({ stage: 'read', done: i, total: 3 });\nprogress.finish();`,
      `attachRichDisplay({ n: 1 }, () => ({ text: 'N', html: '<b>rich-n</b>' }), () => 'summary-n')`,
    ]);
    const nb = await executeNotebook(jupyter, file, scratch);
    expect(cellFailures(nb)).toEqual([]);
    const version = JSON.parse(readFileSync(join(ROOT, 'sdk/package.json'), 'utf8')).version;
    expect(stdoutText(nb)).toContain(`version ${version}`);

    const [table, progress, rich] = htmlOutputs(nb);
    expect(tableHeaders(table!)).toEqual(['kind']);
    expect(table).toContain('&lt;script&gt;');
    // The progress display was updated in place: one output, showing the final state.
    expect(progress).toContain('3 / 3');
    expect(htmlOutputs(nb).filter((h) => h.includes('sluice-progress'))).toHaveLength(1);
    expect(rich).toBe('<b>rich-n</b>');
    expect(stdoutText(nb)).toContain('summary-n');

    // The chart: one output carrying both the vega-lite spec (an object) and its SVG.
    const chart = nb.cells[2]!.outputs;
    expect(chart).toHaveLength(1);
    expect(chart[0]!.data![VEGA_LITE]).toMatchObject({ mark: { type: 'bar' } });
    expect(String(chart[0]!.data!['image/svg+xml'])).toMatch(/^<svg[^]*aria-roledescription="bar"/);
  });

  it('fails on a type error and names the cell', async () => {
    const file = join(scratch, 'type-error.ipynb');
    writeNotebook(file, [`const n: number = 1;`, `const s: string = n;`, `console.log('never runs');`]);
    const failures = cellFailures(await executeNotebook(jupyter, file, scratch));
    expect(failures[0]).toMatch(/^cell 1 wrote to stderr:\n1:7 - Type 'number' is not assignable to type 'string'[^]*const s: string = n;/);
  });

  it('reports stderr output and exceptions from awaited code as failures', async () => {
    const file = join(scratch, 'stderr.ipynb');
    writeNotebook(file, [`console.error('something went wrong');`, `await Promise.reject(new Error('boom-async'));`]);
    const failures = cellFailures(await executeNotebook(jupyter, file, scratch));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^cell 0 wrote to stderr:\nsomething went wrong/);
    expect(failures[1]).toMatch(/^cell 1 wrote to stderr:\nError: boom-async/);
  });
});

/**
 * What each notebook must show, beyond executing cleanly. A notebook without an entry must
 * at least show something rich (HTML, an SVG or a chart); give it an entry here.
 */
const EXPECTATIONS: Record<string, (nb: ExecutedNotebook) => void> = {
  '01-explore-features.ipynb': (nb) => {
    const html = htmlOutputs(nb);
    const reports = html.filter((h) => h.includes('sluice-quality-report'));
    expect(reports.length).toBeGreaterThan(0);
    const counts = conservationFrom(reports[0]!)!;
    expect(counts.in).toBeGreaterThan(0);
    expect(counts.quarantined).toBeGreaterThan(0); // the sample data plants malformed rows
    expect(counts.in).toBe(counts.valid + counts.quarantined);
    expect(reports[0]).toMatch(/<tr class="sluice-rule" data-rule="[^"]+" data-passed="false">/);

    const featureTables = html.filter((h) => h.includes('sluice-table') && tableHeaders(h).includes('spend_30d'));
    expect(featureTables.length).toBeGreaterThan(0);
    expect(tableHeaders(featureTables[0]!)).toEqual(expect.arrayContaining(['entity_id', 'feature_ts', 'clicks_1d', 'clicks_7d', 'clicks_30d', 'spend_30d']));

    const specs = outputsOfType(nb, VEGA_LITE) as { mark?: unknown; data?: { values?: unknown[] } }[];
    expect(specs.length).toBeGreaterThanOrEqual(2);
    for (const spec of specs) expect(spec.data?.values?.length).toBeGreaterThan(0);
    const svgs = outputsOfType(nb, 'image/svg+xml').map(String);
    expect(svgs.length).toBeGreaterThanOrEqual(2);
    for (const svg of svgs) expect(svg).toMatch(/^<svg/);

    // Features from features: each row's ctr_7d is its clicks_7d / views_7d (NULL without views).
    const habits = html.find((h) => h.includes('rates, time of day and recency'))!;
    const habitHeaders = tableHeaders(habits);
    expect(habitHeaders).toEqual(expect.arrayContaining(['ctr_7d', 'ctr_30d', 'hours_idle_7d', 'night_events_7d', 'weekend_events_30d']));
    const cell = (row: string[], name: string) => row[habitHeaders.indexOf(name)]!;
    const habitRows = tableRows(habits);
    expect(habitRows.length).toBeGreaterThan(0);
    for (const row of habitRows) {
      const views = Number(cell(row, 'views_7d').replace(/,/g, ''));
      const clicks = Number(cell(row, 'clicks_7d').replace(/,/g, ''));
      if (views === 0) expect(cell(row, 'ctr_7d')).toMatch(/null/);
      else expect(Number(cell(row, 'ctr_7d'))).toBeCloseTo(clicks / views, 3);
    }

    // The catalog entry of the group the notebook wrote.
    expect(stdoutText(nb)).toMatch(/entity=user feature_group=engagement pipeline=user-engagement plan=[0-9a-f]+/);
  },
  '02-promote.ipynb': (nb) => {
    const out = stdoutText(nb);
    const html = htmlOutputs(nb);
    // The promote summary: resources by type adding up to the total, the bundle within budget,
    // a clean cdk-nag result.
    const total = Number(/stack SluiceUserEngagement: (\d+) resources/.exec(out)?.[1]);
    expect(total).toBeGreaterThan(0);
    const byType = [...out.matchAll(/^ +(\d+) {2}((?:AWS|Custom)::\S+)$/gm)].map((m) => [m[2]!, Number(m[1])] as const);
    expect(byType.reduce((n, [, k]) => n + k, 0)).toBe(total);
    const resourceTable = html.find((h) => h.includes(`${total} resources in stack SluiceUserEngagement`))!;
    expect(tableHeaders(resourceTable)).toEqual(['resource_type', 'count']);
    const shown = tableRows(resourceTable);
    expect(shown.reduce((n, [, k]) => n + Number(k), 0)).toBe(total);
    expect(shown.map(([type]) => type)).toEqual(expect.arrayContaining(['AWS::Lambda::Function', 'AWS::Lambda::EventSourceMapping', 'AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::Glue::Job', 'AWS::Athena::WorkGroup', 'AWS::S3::Bucket']));
    const bundleBytes = Number(/Lambda bundle: ([\d,]+) bytes/.exec(out)?.[1]?.replace(/,/g, ''));
    expect(bundleBytes).toBeGreaterThan(10_000);
    expect(bundleBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(out).toMatch(/cdk-nag AwsSolutions: clean/);
    expect(out).toMatch(/^ +\d+ {2}lambda\/index\.mjs$/m);
    expect(out).toMatch(/^ +\d+ {2}template\.json$/m);
    // The template slice and the compiled Spark SQL.
    expect(Number(/"Runtime": "nodejs(\d+)\.x"/.exec(out)?.[1])).toBeGreaterThanOrEqual(22);
    expect(Number(/"BytesScannedCutoffPerQuery": (\d+)/.exec(out)?.[1])).toBeGreaterThan(0);
    expect(out).toMatch(/FROM `valid_rows`/);

    // The bundled handler, run locally on one object: validated Parquet, and manifest counts
    // that conserve rows (in = valid + quarantined), matching the quarantined rows shown.
    expect(out).toMatch(/^ +validated\/user-engagement\/dt=\d{4}-\d{2}-\d{2}\/[0-9a-f]+-\d+\.parquet$/m);
    const manifests = html.find((h) => h.includes('sluice-table') && tableHeaders(h).includes('quarantined'))!;
    const headers = tableHeaders(manifests);
    const rows = tableRows(manifests);
    expect(rows).toHaveLength(1);
    const count = (name: string) => Number(rows[0]![headers.indexOf(name)]);
    expect(rows[0]![headers.indexOf('status')]).toBe('processed');
    expect(count('valid')).toBeGreaterThan(0);
    expect(count('quarantined')).toBeGreaterThan(0);
    expect(count('in')).toBe(count('valid') + count('quarantined'));
    const [, inRows, valid, quarantined] = /in (\d+) = valid (\d+) \+ quarantined (\d+)/.exec(out)!.map(Number);
    expect([inRows, valid, quarantined]).toEqual([count('in'), count('valid'), count('quarantined')]);
    const quarantineTable = html.find((h) => h.includes(`${quarantined} quarantined rows`))!;
    expect(tableRows(quarantineTable)).toHaveLength(quarantined!);
    expect(out).toMatch(/aggregate +[1-9]\d* validated file\(s\) → [1-9]\d* feature row\(s\)/);
  },
  '03-training-set.ipynb': (nb) => {
    const tables = htmlOutputs(nb).filter((h) => h.includes('sluice-table'));
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.some((t) => /\d[\d,]* rows? × \d+ columns?/.test(t))).toBe(true);
  },
};

function showsSomethingRich(nb: ExecutedNotebook): void {
  const rich = htmlOutputs(nb).length + outputsOfType(nb, 'image/svg+xml').length + outputsOfType(nb, VEGA_LITE).length;
  expect(rich, `${nb.file} shows no HTML, SVG or chart`).toBeGreaterThan(0);
}

describe('notebooks/', () => {
  const files = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();

  it('has notebooks', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const name of files) {
    it(`${name} executes without errors and shows what it should`, async () => {
      const nb = await executeNotebook(jupyter, join(NOTEBOOKS, name), scratch, 900);
      expect(cellFailures(nb)).toEqual([]);
      (EXPECTATIONS[name] ?? showsSomethingRich)(nb);
      console.log(`${name}: executed in ${nb.seconds.toFixed(1)} s`);
    }, 900_000);
  }
});
