/**
 * Renders vega-lite specs to SVG in-process, so static notebook views (nbconvert HTML, a
 * code host's viewer) show charts without a JavaScript renderer.
 */
import type { VegaLiteSpec } from './chart-spec.js';

// vega 6 and vega-lite 6 are ESM-only with top-level await: they cannot be require()d, and
// a compiler targeting CommonJS (tslab compiles cells that way) would turn a plain
// `import()` into `require()`. A Function-built import() survives any compilation.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

/**
 * Where code is evaluated through `vm` without an import callback (vitest's module runner),
 * the Function-built import() has no module to resolve from; a plain import() works there,
 * because such runners keep ESM semantics.
 */
async function importModule(specifier: string): Promise<any> {
  try {
    return await dynamicImport(specifier);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw error;
    return import(specifier);
  }
}

let libraries: Promise<{ vega: any; vegaLite: any }> | undefined;

function loadLibraries(): Promise<{ vega: any; vegaLite: any }> {
  libraries ??= Promise.all([importModule('vega'), importModule('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  // A failed load is not cached: the next call retries (e.g. after `npm install`).
  libraries.catch(() => (libraries = undefined));
  return libraries;
}

/**
 * Compiles a vega-lite spec to vega and renders it to an SVG string (headless: no canvas).
 *
 * @example
 * ```ts
 * const svg = await renderSvg(featurePlotSpec(run.preview, 'clicks_7d'));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vegaLite } = await loadLibraries();
  // vega tags inline data rows with a symbol id: render a copy, so the spec the caller keeps
  // (and sends to the notebook) stays plain data.
  const compiled = vegaLite.compile(structuredClone(spec) as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return (await view.toSVG()) as string;
  } finally {
    view.finalize();
  }
}
