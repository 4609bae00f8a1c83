/**
 * `sluice catalog`: lists the feature groups of a store, or describes one.
 */
import { existsSync } from 'node:fs';
import { SluiceError } from '../errors.js';
import { listCatalog, listPartitions, readCatalogEntry } from '../features/catalog.js';
import { storeFiles } from '../features/store-files.js';

/**
 * @example
 * ```ts
 * await catalogCommand('./.sluice/features');                 // every group
 * await catalogCommand('./.sluice/features', 'user/engagement'); // one group
 * ```
 */
export async function catalogCommand(root: string, which?: string, out: (text: string) => void = console.log, options: { readonly storeGiven?: boolean } = {}): Promise<number> {
  const files = storeFiles(root);
  // A --store folder that is not there is mistyped, not an empty store (the default one is absent until a first run).
  if (options.storeGiven && !root.startsWith('s3://') && !existsSync(root)) {
    throw new SluiceError('STORE_NOT_FOUND', `There is no folder ${root}. Give --store the feature store root a pipeline wrote to (toFeatureStore(featureStore('…'))), e.g. --store ./.sluice/features.`);
  }
  if (!which) {
    const entries = await listCatalog(files, root);
    if (entries.length === 0) out(`No feature groups under ${root} yet. Run a pipeline that ends in toFeatureStore().`);
    for (const e of entries) out(`${e.entity}/${e.group}  ${e.features.length} features  ${e.partitions.length} partitions (${e.partitions[0] ?? '-'} … ${e.partitions.at(-1) ?? '-'})  pipeline ${e.pipeline} plan ${e.planHash}`);
    return 0;
  }
  const [entity, group, ...rest] = which.split('/');
  if (!entity || !group || rest.length > 0) throw new SluiceError('USAGE', `Name a group as <entity>/<group>, e.g. sluice catalog user/engagement; got "${which}".`);
  const entry = await readCatalogEntry(files, root, entity, group);
  if (!entry) throw new SluiceError('UNKNOWN_GROUP', `No feature group ${which} under ${root}. List them with: sluice catalog --store ${root}`);
  const partitions = await listPartitions(files, root, entity, group);
  out(`${entity}/${group} — pipeline ${entry.pipeline}, plan ${entry.planHash}, every ${entry.every}, windows ${entry.windows.join(', ')}`);
  out(`columns:\n${entry.columns.map((c) => `  ${c.name.padEnd(28)} ${c.type}`).join('\n')}`);
  out(`partitions: ${partitions.length}, ${partitions.reduce((n, p) => n + p.files.reduce((m, f) => m + f.size, 0), 0).toLocaleString('en-US')} bytes`);
  return 0;
}
