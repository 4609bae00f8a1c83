/**
 * The feature store layout (DESIGN §4), in one place:
 * `<root>/entity=<entity>/feature_group=<group>/dt=YYYY-MM-DD/part-<hash>.parquet`, and one
 * catalog document per group at `<root>/_catalog/entity=<entity>/feature_group=<group>.json`.
 */

/** Joins a root (folder or s3:// URI) and relative parts with single slashes. */
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

/** The folder of one `dt` partition. */
export function partitionPath(root: string, entity: string, group: string, dt: string): string {
  return joinPath(groupPath(root, entity, group), `dt=${dt}`);
}

/** The catalog document of one feature group. */
export function catalogPath(root: string, entity: string, group: string): string {
  return joinPath(root, '_catalog', `entity=${entity}`, `feature_group=${group}.json`);
}

/** A data file's name from its content identity. */
export function partFileName(contentHash: string): string {
  return `part-${contentHash}.parquet`;
}

const DT = /^dt=(\d{4}-\d{2}-\d{2})$/;

/** The `dt` of a partition folder name (`dt=2024-01-31` → `2024-01-31`), or undefined. */
export function parseDtFolder(name: string): string | undefined {
  return DT.exec(name)?.[1];
}

/** UTC date `YYYY-MM-DD` of an instant. */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Every UTC date from `first` to `last` inclusive. */
export function datesBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) out.push(utcDate(t));
  return out;
}
