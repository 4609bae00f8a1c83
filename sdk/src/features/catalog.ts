/**
 * The local catalog: one JSON document per feature group (on AWS, the Glue table with
 * partition projection plays this role). It records the schema, the plan and the partitions.
 */
import { StoreError } from '../errors.js';
import type { PipelinePlan } from '../plan/pipeline-plan.js';
import { catalogPath, groupPath, joinPath, parseDtFolder } from './store-layout.js';
import { relativeTo, storeFiles, type StoreFiles } from './store-files.js';

export interface CatalogColumn {
  readonly name: string;
  /** DuckDB type name: VARCHAR, TIMESTAMP, BIGINT, DOUBLE, BOOLEAN. */
  readonly type: string;
}

export interface CatalogEntry {
  readonly entity: string;
  readonly group: string;
  readonly pipeline: string;
  readonly planHash: string;
  readonly plan: PipelinePlan;
  readonly columns: readonly CatalogColumn[];
  readonly features: readonly string[];
  readonly every: string;
  readonly windows: readonly string[];
  readonly partitions: readonly string[];
  readonly updatedAt: string;
}

/** A feature store as the pipeline API names it: `featureStore(root, options)`, or its root. */
type StoreRef = { readonly root: string; readonly endpoint?: string; readonly region?: string } | string;

/**
 * The files and root a catalog call works on, from either way of calling it: the store (what
 * `featureStore()` returns, or its root), or `storeFiles(root)` and the root.
 */
function storeArguments(call: string, first: StoreFiles | StoreRef, rest: readonly unknown[]): { files: StoreFiles; root: string; rest: readonly unknown[] } {
  if (typeof first === 'object' && first !== null && typeof (first as StoreFiles).list === 'function') {
    if (typeof rest[0] !== 'string') throw new StoreError('INVALID_STORE', `${call}(files, root${more(call)}) needs the store root as its second argument, e.g. ${call}(storeFiles(root), root${more(call)}); or pass the store alone: ${call}(featureStore(root)${more(call)}).`);
    return { files: first as StoreFiles, root: rest[0], rest: rest.slice(1) };
  }
  const store = typeof first === 'string' ? { root: first } : ((first ?? {}) as { root?: unknown; endpoint?: string; region?: string });
  if (typeof store.root !== 'string' || store.root === '') {
    throw new StoreError('INVALID_STORE', `${call}() takes a feature store, e.g. ${call}(featureStore('./.sluice/features')${more(call)}) or ${call}('./.sluice/features'${more(call)}); got ${JSON.stringify(first)}.`);
  }
  const files = storeFiles(store.root, { ...(store.endpoint ? { endpoint: store.endpoint } : {}), ...(store.region ? { region: store.region } : {}) });
  return { files, root: store.root, rest };
}

/** The arguments after the store, as the examples in the errors spell them. */
const more = (call: string): string => (call === 'listCatalog' ? '' : ", 'user', 'engagement'");

/**
 * Reads one group's catalog entry, or undefined when the group was never written.
 *
 * @example
 * ```ts
 * const entry = await readCatalogEntry(featureStore('./.sluice/features'), 'user', 'engagement');
 * entry?.features // ['clicks_1d', 'clicks_7d', ...]
 * await readCatalogEntry(storeFiles(root), root, 'user', 'engagement'); // the same, from the files
 * ```
 */
export async function readCatalogEntry(store: StoreRef, entity: string, group: string): Promise<CatalogEntry | undefined>;
export async function readCatalogEntry(files: StoreFiles, root: string, entity: string, group: string): Promise<CatalogEntry | undefined>;
export async function readCatalogEntry(first: StoreFiles | StoreRef, ...rest: string[]): Promise<CatalogEntry | undefined> {
  const { files, root, rest: [entity, group] } = storeArguments('readCatalogEntry', first, rest) as { files: StoreFiles; root: string; rest: [string, string] };
  const bytes = await files.read(catalogPath(root, entity, group));
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as CatalogEntry;
  } catch (error) {
    throw new StoreError('CATALOG_CORRUPT', `The catalog entry of ${entity}/${group} under ${root} is not valid JSON. Re-run the pipeline to rewrite it.`, { cause: error });
  }
}

/**
 * Writes one group's catalog entry (after the data it describes).
 *
 * @example
 * ```ts
 * await writeCatalogEntry(storeFiles(root), root, { ...entry, partitions: ['2024-01-01', '2024-01-02'], updatedAt: new Date().toISOString() });
 * ```
 */
export async function writeCatalogEntry(files: StoreFiles, root: string, entry: CatalogEntry, options: { readonly previous?: CatalogEntry | null } = {}): Promise<void> {
  const path = catalogPath(root, entry.entity, entry.group);
  const text = `${JSON.stringify(entry, null, 2)}\n`;
  // A re-run over the same inputs leaves the document as it was, modification time included
  // (tools that watch the store, and S3 versioning, see no change that is not one). A caller that
  // read the entry already passes it (`previous`, null for none) rather than have it read again.
  const existing = options.previous !== undefined
    ? (options.previous === null ? undefined : `${JSON.stringify(options.previous, null, 2)}\n`)
    : (await files.read(path).then((bytes) => (bytes ? new TextDecoder().decode(bytes) : undefined)));
  if (existing === text) return;
  await files.write(path, text);
}

/**
 * Lists every feature group in a store, from its catalog documents.
 *
 * @example
 * ```ts
 * await listCatalog(featureStore('./.sluice/features')) // [{ entity: 'user', group: 'engagement', ... }]
 * await listCatalog('./.sluice/features')               // the same, by root
 * await listCatalog(storeFiles(root), root)             // with file access of your own
 * ```
 */
export async function listCatalog(store: StoreRef): Promise<CatalogEntry[]>;
export async function listCatalog(files: StoreFiles, root: string): Promise<CatalogEntry[]>;
export async function listCatalog(first: StoreFiles | StoreRef, ...rest: string[]): Promise<CatalogEntry[]> {
  const { files, root } = storeArguments('listCatalog', first, rest);
  const documents = await files.list(joinPath(root, '_catalog'));
  const entries: CatalogEntry[] = [];
  for (const doc of documents) {
    const match = /entity=([^/\\]+)[/\\]feature_group=([^/\\]+)\.json$/.exec(doc.path);
    if (!match) continue;
    const entry = await readCatalogEntry(files, root, match[1]!, match[2]!);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The `dt` partitions present on storage for a group (the truth the catalog mirrors), in date
 * order, each with its Parquet files.
 *
 * @example
 * ```ts
 * await listPartitions(featureStore(root), 'user', 'engagement') // or (storeFiles(root), root, 'user', 'engagement')
 * // [{ dt: '2024-01-01', files: [{ path: '<root>/entity=user/feature_group=engagement/dt=2024-01-01/part-3f2a….parquet', size: 18234 }] }, …]
 * ```
 */
export async function listPartitions(store: StoreRef, entity: string, group: string): Promise<{ dt: string; files: { path: string; size: number }[] }[]>;
export async function listPartitions(files: StoreFiles, root: string, entity: string, group: string): Promise<{ dt: string; files: { path: string; size: number }[] }[]>;
export async function listPartitions(first: StoreFiles | StoreRef, ...rest: string[]): Promise<{ dt: string; files: { path: string; size: number }[] }[]> {
  const { files, root, rest: [entity, group] } = storeArguments('listPartitions', first, rest) as { files: StoreFiles; root: string; rest: [string, string] };
  const base = groupPath(root, entity, group);
  const byDt = new Map<string, { path: string; size: number }[]>();
  for (const file of await files.list(base)) {
    // Relative, not sliced: a local listing spells paths normalised ('./store' comes back as 'store').
    const rest = relativeTo(base, file.path);
    const dt = parseDtFolder(rest.split(/[/\\]/)[0] ?? '');
    if (dt && file.path.endsWith('.parquet')) byDt.set(dt, [...(byDt.get(dt) ?? []), file]);
  }
  return [...byDt.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dt, list]) => ({ dt, files: list }));
}
