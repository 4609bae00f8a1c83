/**
 * Where a training set learns each feature group's columns. A group has one catalog (DESIGN §4):
 * a JSON document under the store root when a local run wrote it, the Glue table alone when a
 * promoted pipeline's Glue job wrote it. The document is read first (it needs no engine); for a
 * group without one, the engine is asked (Athena reads the Glue table). When neither has the
 * group, the error says where both were looked for and what to pass.
 */
import { readCatalogEntry } from '../features/catalog.js';
import { catalogPath, groupPath, joinPath } from '../features/store-layout.js';
import type { StoreFiles } from '../features/store-files.js';
import type { GroupSchema } from './feature-ref-resolver.js';
import type { TrainingSetEngine } from './training-set-types.js';
import { closestName } from '../plan/did-you-mean.js';

export interface GroupSchemas {
  /** The groups found (and, when some were not, the other groups of the entity, for did-you-mean). */
  readonly schemas: readonly GroupSchema[];
  /** For a group found nowhere: where it was looked for and what to do. */
  readonly notFound: (group: string) => string;
}

/**
 * @example
 * ```ts
 * const { schemas, notFound } = await readGroupSchemas(storeFiles(root), root, 'user', ['engagement:clicks_7d'], athenaEngine);
 * resolveFeatureRefs(['engagement:clicks_7d'], schemas, 'user', notFound);
 * ```
 */
export async function readGroupSchemas(files: StoreFiles, root: string, entity: string, refs: readonly string[], engine?: TrainingSetEngine): Promise<GroupSchemas> {
  const names = [...new Set(refs.map((r) => (typeof r === 'string' ? r.split(':')[0]! : '')))];
  const schemas: GroupSchema[] = [];
  const lookedIn = new Map<string, string>();
  for (const group of names) {
    const entry = await readCatalogEntry(files, root, entity, group);
    if (entry) {
      schemas.push({ group, columns: entry.columns, pipeline: entry.pipeline });
      continue;
    }
    const found = await engine?.findGroupSchema?.(entity, group);
    if (found?.schema) schemas.push({ ...found.schema, group });
    else lookedIn.set(group, found?.lookedIn ?? '');
  }
  const hasData = new Set<string>();
  // Every entity of the store and its groups: a misspelt entity is answered with the ones there are.
  const entities = new Map<string, string[]>();
  if (lookedIn.size > 0) {
    for (const doc of await files.list(joinPath(root, '_catalog'))) {
      const match = /entity=([^/\\]+)[/\\]feature_group=([^/\\]+)\.json$/.exec(doc.path);
      if (match) entities.set(match[1]!, [...(entities.get(match[1]!) ?? []), match[2]!].sort());
    }
    // Only for the error message: the groups that do exist, and whether the missing ones have data.
    for (const doc of await files.list(joinPath(root, '_catalog', `entity=${entity}`))) {
      const match = /feature_group=([^/\\]+)\.json$/.exec(doc.path);
      if (match && !schemas.some((s) => s.group === match[1])) schemas.push({ group: match[1]!, columns: [] });
    }
    for (const group of lookedIn.keys()) if ((await files.list(groupPath(root, entity, group))).length > 0) hasData.add(group);
  }
  return {
    schemas,
    notFound: (group) => {
      const hint = notFoundHint(root, entity, group, lookedIn.get(group) ?? '', hasData.has(group));
      const misspelt = otherEntities(entity, entities);
      // A misspelt entity is the likelier cause than a pipeline not run yet.
      return misspelt ? hint.replace(RUN_IT_FIRST, '') + misspelt : hint;
    },
  };
}

/** ` The store's entities: user (groups engagement, activity). Did you mean entity: 'user'?` — when `entity` has no group there. */
function otherEntities(entity: string, entities: ReadonlyMap<string, readonly string[]>): string {
  if (entities.size === 0 || entities.has(entity)) return '';
  const listed = [...entities].sort(([a], [b]) => a.localeCompare(b)).map(([name, groups]) => `${name} (group${groups.length === 1 ? '' : 's'} ${groups.join(', ')})`).join('; ');
  const closest = closestName(entity, [...entities.keys()]);
  return ` The store has no entity ${JSON.stringify(entity)}; its entities: ${listed}.${closest ? ` Did you mean entity: '${closest}'?` : ''}`;
}

const RUN_IT_FIRST = ' Run the pipeline that writes it (toFeatureStore()) first.';

const ATHENA = "athena({ workgroup: 'sluice-<pipeline>', database: 'sluice_<pipeline>', outputLocation: 's3://…/' }) (<pipeline>: the pipeline's name in lowercase, - and other signs as _)";

function notFoundHint(root: string, entity: string, group: string, engineLookedIn: string, hasData: boolean): string {
  const document = catalogPath(root, entity, group);
  const data = `${groupPath(root, entity, group)}/`;
  if (engineLookedIn) {
    return `Looked for ${document} (local runs write it) and ${engineLookedIn} (promote creates it). ` +
      `If a promoted pipeline writes this group, give athena() the Glue database promote created for it: ${ATHENA}, or name it with featureDatabase.`;
  }
  if (hasData && !root.startsWith('s3://')) {
    return `Its partitions are under ${data}, but there is no catalog document ${document}: re-run the pipeline that writes it to rewrite the document.`;
  }
  if (hasData) {
    return `Its partitions are under ${data}, but there is no catalog document ${document}: a promoted pipeline's Glue job writes none, ` +
      `because its catalog is the Glue table, which only the Athena engine reads. Pass that engine to every call — .fetch({ engine }), .explain({ engine }), .sql(engine) — ` +
      `with engine = ${ATHENA}.`;
  }
  const promoted = root.startsWith('s3://')
    ? ` A promoted pipeline's store root is s3://<features bucket>/features (the stack output FeatureStoreRoot); read it with engine = ${ATHENA}, passed to .fetch({ engine }), .explain({ engine }) or .sql(engine).`
    : RUN_IT_FIRST;
  return `Looked for ${document} and for data under ${data}: neither is there.${promoted}`;
}
