import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspect } from 'node:util';
import { tableFromArrays } from 'apache-arrow';
import { attachRichDisplay, isNotebook, show, showChart, showTable, VEGA_LITE_MIME } from '../../../sdk/src/notebook/notebook-display.js';
import { createProgressDisplay, progressBarText, progressHtml } from '../../../sdk/src/notebook/progress-display.js';
import { setTslabForTesting, type TslabDisplay } from '../../../sdk/src/notebook/tslab-bridge.js';

type Sent = { mime: string; value: unknown; display: number };

function fakeTslab() {
  const sent: Sent[] = [];
  let displays = 0;
  const make = (id: number): TslabDisplay => ({
    html: (v) => sent.push({ mime: 'text/html', value: v, display: id }),
    svg: (v) => sent.push({ mime: 'image/svg+xml', value: v, display: id }),
    text: (v) => sent.push({ mime: 'text/plain', value: v, display: id }),
    raw: (mime, v) => sent.push({ mime, value: v, display: id }),
  });
  return { sent, module: { display: make(0), newDisplay: () => make(++displays) } };
}

afterEach(() => {
  setTslabForTesting(null);
  vi.restoreAllMocks();
});

describe('outside a notebook', () => {
  it('is not a notebook and prints text', () => {
    expect(isNotebook()).toBe(false);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    show({ text: 'plain', html: '<b>rich</b>' });
    expect(write).toHaveBeenCalledWith('plain\n');
  });

  it('inspects an object as its text', () => {
    const obj = attachRichDisplay({ n: 1 }, (o) => ({ text: `N=${o.n}`, html: '<b>N</b>' }));
    expect(inspect(obj)).toBe('N=1');
    expect(Object.keys(obj)).toEqual(['n']);
  });
});

describe('inside tslab', () => {
  it('without a multi-MIME writer, sends the chart once, as SVG (two messages drew it twice in JupyterLab)', async () => {
    const fake = fakeTslab();
    setTslabForTesting(fake.module);
    expect(isNotebook()).toBe(true);
    const spec = { $schema: 'x', title: 'bars', data: { values: [{ a: 'x' }, { a: 'y' }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { aggregate: 'count' } } };
    await expect(showChart(spec)).resolves.toBeUndefined();
    expect(fake.sent.map((s) => s.mime)).toEqual(['image/svg+xml']);
    expect(String(fake.sent[0]!.value)).toMatch(/^<svg[^]*aria-roledescription="bar"/);
    fake.sent.length = 0;
    show({ text: 't', vegaLite: { mark: 'bar' } });
    expect(fake.sent).toEqual([{ mime: VEGA_LITE_MIME, value: { mark: 'bar' }, display: 0 }]);
  });

  it('sends one multi-MIME message when the kernel allows it', () => {
    const fake = fakeTslab();
    const bundles: Record<string, unknown>[] = [];
    setTslabForTesting(fake.module, (data) => bundles.push(data));
    show({ text: 't', vegaLite: { mark: 'bar' }, svg: '<svg/>' });
    expect(bundles).toEqual([{ [VEGA_LITE_MIME]: { mark: 'bar' }, 'image/svg+xml': '<svg/>', 'text/plain': 't' }]);
    expect(fake.sent).toEqual([]);
  });

  it('shows a table as HTML', () => {
    const fake = fakeTslab();
    setTslabForTesting(fake.module);
    showTable(tableFromArrays({ v: ['<script>'] }));
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.mime).toBe('text/html');
    expect(fake.sent[0]!.value).toContain('&lt;script&gt;');
  });

  it('renders an object richly when inspected as a cell value', () => {
    const fake = fakeTslab();
    setTslabForTesting(fake.module);
    const obj = attachRichDisplay({ n: 2 }, (o) => ({ text: `N=${o.n}`, html: `<i>${o.n}</i>` }), () => 'summary');
    expect(inspect(obj)).toBe('summary');
    expect(fake.sent).toEqual([{ mime: 'text/html', value: '<i>2</i>', display: 0 }]);
  });

  it('updates one live display for progress', () => {
    const fake = fakeTslab();
    setTslabForTesting(fake.module);
    const p = createProgressDisplay({ intervalMs: 60_000 });
    p.onProgress({ stage: 'read', done: 0, total: 3 });
    p.onProgress({ stage: 'read', done: 1, total: 3 }); // throttled
    p.onProgress({ stage: 'read', done: 3, total: 3 }); // end of stage: drawn
    p.onProgress({ stage: 'validate', done: 1, total: 2 }); // new stage: drawn
    p.finish({ stage: 'done', done: 1, total: 1 });
    expect(fake.sent.map((s) => s.display)).toEqual([1, 1, 1, 1]);
    expect(fake.sent.map((s) => (s.value as string).match(/<b>(\w+)<\/b>/)![1])).toEqual(['read', 'read', 'validate', 'done']);
  });
});

describe('progress renderers', () => {
  it('draws a terminal bar', () => {
    expect(progressBarText({ stage: 'read', done: 1, total: 4 }, 8)).toBe('[##------]  25% read 1/4');
    expect(progressBarText({ stage: 'write', done: 5, total: 5, message: 'dt=2024-01-01' }, 4)).toBe('[####] 100% write 5/5 dt=2024-01-01');
    expect(progressBarText({ stage: 'list', done: 0, total: 0 }, 2)).toBe('[--]   0% list');
  });
  it('escapes the message in HTML', () => {
    expect(progressHtml({ stage: 'read', done: 1, total: 2, message: '<x>.jsonl' })).toContain('&lt;x&gt;.jsonl');
  });
  it('redraws one terminal line on a TTY', () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
    const p = createProgressDisplay({ stream, intervalMs: 0 });
    p.onProgress({ stage: 'read', done: 1, total: 2 });
    p.finish();
    expect(writes[0]).toBe('\r[############------------]  50% read 1/2\u001b[K');
    expect(writes.at(-1)).toBe('\n');
  });
});
