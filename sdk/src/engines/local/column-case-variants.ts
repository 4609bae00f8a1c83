/**
 * Parquet files whose column names differ only in case (`Country` in one, `country` in
 * another). DuckDB's UNION BY NAME matches names without regard to case and keeps the first
 * file's spelling, so the combined view would hold both files' values under one name — and
 * validation, which reads names exactly as zod reads keys, would take the file that spells the
 * field as the schema does for one that lacks it (quarantining a valid row, and dropping the
 * value from its raw content).
 *
 * Each spelling therefore gets a column of its own: the schema's spelling (else the first
 * file's) keeps its name, every other one is renamed to an alias that collides with nothing,
 * and the caller maps aliases back to the file's own name wherever a row is shown to zod or
 * written as raw content. Each file is then judged as it would be read alone.
 */
import type { FileColumns } from './parquet-column-types.js';

export interface CaseVariantNames {
  /** Per file (in the order given): its column name → the view's name, for renamed columns only. */
  readonly renames: readonly ReadonlyMap<string, string>[];
  /** View name → the name in its files, for every alias. */
  readonly originalNames: Readonly<Record<string, string>>;
}

/**
 * Decides the view's name of every column spelled differently across `files`.
 *
 * @example
 * ```ts
 * caseVariantNames([new Map([['Country', 'VARCHAR']]), new Map([['country', 'VARCHAR']])], ['country'])
 * // { renames: [Map { 'Country' → '__sluice_case0_Country' }, Map {}], originalNames: { __sluice_case0_Country: 'Country' } }
 * ```
 */
export function caseVariantNames(files: readonly FileColumns[], preferred: readonly string[]): CaseVariantNames {
  const spellings = new Map<string, string[]>();
  for (const columns of files) {
    for (const name of columns.keys()) {
      const key = name.toLowerCase();
      const seen = spellings.get(key) ?? [];
      if (!seen.includes(name)) seen.push(name);
      spellings.set(key, seen);
    }
  }
  const aliasOf = new Map<string, string>();
  const originalNames: Record<string, string> = {};
  for (const names of spellings.values()) {
    if (names.length < 2) continue;
    const kept = names.find((n) => preferred.includes(n)) ?? names[0]!;
    for (const name of names) {
      if (name === kept) continue;
      const alias = `__sluice_case${aliasOf.size}_${name}`;
      aliasOf.set(name, alias);
      originalNames[alias] = name;
    }
  }
  const renames = files.map((columns) => new Map([...columns.keys()].filter((n) => aliasOf.has(n)).map((n) => [n, aliasOf.get(n)!] as const)));
  return { renames, originalNames };
}
