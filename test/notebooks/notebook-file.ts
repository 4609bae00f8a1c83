/** Writes minimal nbformat-4 notebooks for the sluice kernel (used by the harness's own tests). */
import { writeFileSync } from 'node:fs';

export type CellSpec = string | { markdown: string };

export function writeNotebook(path: string, cells: readonly CellSpec[]): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'sluice', display_name: 'TypeScript (sluice)', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    cells: cells.map((c, i) =>
      typeof c === 'string'
        ? { cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source: c }
        : { cell_type: 'markdown', id: `cell-${i}`, metadata: {}, source: c.markdown },
    ),
  };
  writeFileSync(path, `${JSON.stringify(nb, null, 1)}\n`);
}
