/**
 * Finding tslab from inside the SDK. tslab hooks `require('tslab')` only for code compiled
 * from a cell, and a plain `require` of the package outside the kernel throws "Not ready" on
 * the first display call. Inside the kernel, tslab sets `globalThis.__tslab__.require`, whose
 * `require('tslab')` returns the very module instance the kernel writes through.
 */

/** The part of tslab's `Display` the SDK uses. */
export interface TslabDisplay {
  html(html: string): void;
  svg(svg: string): void;
  text(text: string): void;
  raw(mime: string, value: unknown): void;
}

export interface TslabModule {
  readonly display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

/** Sends one display message carrying several MIME types (the frontend picks the richest). */
export type MultiMimeWriter = (data: Readonly<Record<string, unknown>>) => void;

interface TslabHook {
  require?: ((id: string) => unknown) & { cache?: Record<string, { exports?: any } | undefined> };
}

let override: { tslab: TslabModule | undefined; multi?: MultiMimeWriter } | undefined;

/**
 * Replaces kernel detection (tests, or a host that is not tslab). `undefined` restores detection.
 *
 * @example
 * ```ts
 * setTslabForTesting({ display: fake, newDisplay: () => fake });
 * ```
 */
export function setTslabForTesting(tslab: TslabModule | undefined | null, multi?: MultiMimeWriter): void {
  override = tslab === null ? undefined : { tslab, ...(multi ? { multi } : {}) };
}

function hook(): TslabHook | undefined {
  const h = (globalThis as { __tslab__?: TslabHook }).__tslab__;
  return h && typeof h.require === 'function' ? h : undefined;
}

/**
 * tslab's public module when this code runs inside a tslab kernel, else `undefined`.
 *
 * @example
 * ```ts
 * const tslab = findTslab();
 * if (tslab) tslab.display.html('<b>hello</b>'); else console.log('hello');
 * ```
 */
export function findTslab(): TslabModule | undefined {
  if (override) return override.tslab;
  const h = hook();
  if (!h) return undefined;
  try {
    const mod = h.require!('tslab') as Partial<TslabModule> | undefined;
    return mod && typeof mod.display?.raw === 'function' && typeof mod.newDisplay === 'function' ? (mod as TslabModule) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A writer for one display message with several MIME types, when the kernel's tslab
 * exposes it. tslab's public `display.raw` sends one MIME type per message, which makes
 * JupyterLab draw a chart twice (vega-lite and SVG); one message lets each frontend pick.
 * This reaches into tslab's `jupyter` module (`lastWriteDisplayData`), so it is optional:
 * callers fall back to one message per MIME type.
 *
 * @example
 * ```ts
 * findMultiMimeWriter()?.({ 'image/svg+xml': svg, 'text/plain': 'chart' });
 * ```
 */
export function findMultiMimeWriter(): MultiMimeWriter | undefined {
  if (override) return override.multi;
  const cache = hook()?.require?.cache;
  if (!cache) return undefined;
  for (const [file, mod] of Object.entries(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const jupyter = mod?.exports;
    if (typeof jupyter?.lastWriteDisplayData !== 'function') continue;
    return (data) => jupyter.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
  }
  return undefined;
}
