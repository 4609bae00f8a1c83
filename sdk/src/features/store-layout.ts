/**
 * The feature store layout (DESIGN §4), in one place:
 * `<root>/entity=<entity>/feature_group=<group>/dt=YYYY-MM-DD/part-<hash>.parquet`, and one
 * catalog document per group at `<root>/_catalog/entity=<entity>/feature_group=<group>.json`.
 */

/**
 * Joins a root (folder or s3:// URI) and relative parts with single slashes.
 *
 * @example
 * ```ts
 * joinPath('s3://bucket/root', 'a', 'b')     // 's3://bucket/root/a/b'
 * joinPath('s3://bucket/root/', '/a/', 'b')  // 's3://bucket/root/a/b'
 * ```
 */
export function joinPath(root: string, ...parts: string[]): string {
  return [root.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].filter((p) => p !== '').join('/');
}

/**
 * @example
 * ```ts
 * groupPath('s3://ml/features', 'user', 'engagement') // 's3://ml/features/entity=user/feature_group=engagement'
 * ```
 */
export function groupPath(root: string, entity: string, group: string): string {
  return joinPath(root, `entity=${entity}`, `feature_group=${group}`);
}

/**
 * The folder of one `dt` partition.
 *
 * @example
 * ```ts
 * partitionPath('s3://ml/features', 'user', 'engagement', '2024-01-31') // 's3://ml/features/entity=user/feature_group=engagement/dt=2024-01-31'
 * ```
 */
export function partitionPath(root: string, entity: string, group: string, dt: string): string {
  return joinPath(groupPath(root, entity, group), `dt=${dt}`);
}

/**
 * The catalog document of one feature group.
 *
 * @example
 * ```ts
 * catalogPath('s3://ml/features', 'user', 'engagement') // 's3://ml/features/_catalog/entity=user/feature_group=engagement.json'
 * ```
 */
export function catalogPath(root: string, entity: string, group: string): string {
  return joinPath(root, '_catalog', `entity=${entity}`, `feature_group=${group}.json`);
}

/**
 * A data file's name from its content identity.
 *
 * @example
 * ```ts
 * partFileName('3f9a0c1d2e4b5a6c') // 'part-3f9a0c1d2e4b5a6c.parquet'
 * ```
 */
export function partFileName(contentHash: string): string {
  return `part-${contentHash}.parquet`;
}

const DT = /^dt=(\d{4}-\d{2}-\d{2})$/;

/**
 * The `dt` of a partition folder name (`dt=2024-01-31` → `2024-01-31`), or undefined.
 *
 * @example
 * ```ts
 * parseDtFolder('dt=2024-01-31') // '2024-01-31'
 * parseDtFolder('dt=2024-1-31')  // undefined
 * ```
 */
export function parseDtFolder(name: string): string | undefined {
  return DT.exec(name)?.[1];
}

/**
 * UTC date `YYYY-MM-DD` of an instant.
 *
 * @example
 * ```ts
 * utcDate(Date.UTC(2024, 0, 31, 23, 59)) // '2024-01-31'
 * ```
 */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Every UTC date from `first` to `last` inclusive.
 *
 * @example
 * ```ts
 * datesBetween('2024-02-27', '2024-03-01') // ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']
 * datesBetween('2024-03-02', '2024-03-01') // []
 * ```
 */
export function datesBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) out.push(utcDate(t));
  return out;
}
