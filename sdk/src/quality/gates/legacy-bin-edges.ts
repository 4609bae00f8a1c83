/**
 * Version 1 baselines: which bin edges the sluice that saved them may have counted a bit off.
 *
 * Before profile version 2, a bin edge was printed into SQL as JavaScript writes it. An edge
 * with 16 or 17 significant digits in plain decimal notation (0.030000000000000002, the upper
 * edge of the bin of a value many rows share) was read by DuckDB as a DECIMAL and converted
 * by division, one bit off for about 4% of such edges: the bin of 0.03 came out empty and its
 * rows were counted in the next one. Such a baseline's fractions describe different bins from
 * the ones a run counts now, so comparing them would report drift where there is none.
 */
import type { Profile } from '../profile.js';

/**
 * The columns of a version 1 baseline with an edge that may have been misread when it was
 * saved, with the first such edge of each; empty for a version 2 baseline (and for a version 1
 * baseline without such edges, which then compares as it always did).
 *
 * @example
 * ```ts
 * legacyBinEdges({ version: 1, rowCount: 100, columns: [amountWithEdges([0.03, 0.030000000000000002, 7])] })
 * // [{ column: 'amount', edge: 0.030000000000000002 }]
 * ```
 */
export function legacyBinEdges(profile: Profile): { readonly column: string; readonly edge: number }[] {
  if (profile.version !== 1) return [];
  return profile.columns.flatMap((column) => {
    const edge = column.bins?.edges.find(printedInexactly);
    return edge === undefined ? [] : [{ column: column.name, edge }];
  });
}

/** Written as JS writes it, a plain decimal of more than 15 significant digits (what DuckDB may misread). */
function printedInexactly(edge: number): boolean {
  if (Number.isInteger(edge) && Math.abs(edge) < 2 ** 53) return false; // printed as an integer
  const text = String(edge);
  if (/e/i.test(text)) return false; // scientific notation is read as a DOUBLE, exactly
  return text.replace(/[-.]/g, '').replace(/^0+/, '').length > 15;
}
