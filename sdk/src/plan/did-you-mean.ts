/**
 * "Did you mean" suggestions for misspelt names (columns, functions). Shared by the
 * expression checker and the window validation so every such message reads the same.
 */

/**
 * The closest candidate to `name` (case-insensitive edit distance), if it is close enough to
 * be a plausible typo.
 *
 * @example
 * ```ts
 * closestName('amout', ['amount', 'user_id']) // 'amount'
 * ```
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/**
 * The sentence users see after an unknown name: a suggestion, then everything available.
 *
 * @example
 * ```ts
 * suggestionText('amout', ['amount', 'ts']) // 'Did you mean "amount"? Available: amount, ts.'
 * ```
 */
export function suggestionText(name: string, candidates: readonly string[], what = 'Available'): string {
  const closest = closestName(name, candidates);
  const list = candidates.length ? `${what}: ${[...candidates].sort().join(', ')}.` : `There are none.`;
  return closest === undefined ? list : `Did you mean "${closest}"? ${list}`;
}

function editDistance(a: string, b: string): number {
  // Damerau (optimal string alignment): a swapped pair of letters is one typo, not two.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
