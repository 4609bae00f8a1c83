/**
 * A stand-in for the tslab kernel's display API, recording what is sent, for tests of how
 * results show in a notebook. `multi` is the kernel's multi-MIME writer (one message, several
 * representations), as tslab in Jupyter has it; pass it to setTslabForTesting to use it.
 *
 * ```ts
 * const tslab = fakeTslab();
 * setTslabForTesting(tslab.module, tslab.multi);
 * ```
 */
import type { TslabDisplay } from '../../sdk/src/notebook/tslab-bridge.js';

export function fakeTslab() {
  const sent: { mime: string; value: unknown }[] = [];
  const display: TslabDisplay = {
    html: (v) => sent.push({ mime: 'text/html', value: v }),
    svg: (v) => sent.push({ mime: 'image/svg+xml', value: v }),
    text: (v) => sent.push({ mime: 'text/plain', value: v }),
    raw: (mime, v) => sent.push({ mime, value: v }),
  };
  const multi = (data: Record<string, unknown>) => {
    for (const [mime, value] of Object.entries(data)) if (mime !== 'text/plain') sent.push({ mime, value });
  };
  return { sent, module: { display, newDisplay: () => display }, multi };
}
