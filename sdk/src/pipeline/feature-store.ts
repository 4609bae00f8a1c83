import { PlanError } from '../errors.js';
import { localPathSpelling } from '../plan/local-path-spelling.js';
import { rejectUnknownKeys } from '../plan/unknown-options.js';

/** Where feature groups live: a local folder or an S3 prefix. */
export interface FeatureStore {
  readonly root: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * Names a feature store. Nothing is touched until a pipeline writes or a training set reads.
 *
 * @example
 * ```ts
 * const store = featureStore('./.sluice/features');
 * const cloud = featureStore('s3://ml-features/features', { region: 'eu-west-1' });
 * ```
 */
export function featureStore(root: string, options: { endpoint?: string; region?: string } = {}): FeatureStore {
  if (typeof root !== 'string' || root.trim() === '') {
    throw new PlanError('INVALID_STORE_ROOT', 'featureStore', 'featureStore() needs a folder path or an s3://bucket/prefix URI, e.g. featureStore("./.sluice/features").');
  }
  if (/^[a-z0-9]+:\/\//i.test(root) && !root.startsWith('s3://')) {
    throw new PlanError('INVALID_STORE_ROOT', 'featureStore', `featureStore("${root}"): only local folders and s3:// URIs are supported.`);
  }
  rejectUnknownKeys(options, ['endpoint', 'region'], 'featureStore(root, options)', 'featureStore');
  // One spelling per folder (./features, features/ and features are one store, with one plan hash).
  const spelled = root.startsWith('s3://') ? root : localPathSpelling(root);
  const store: FeatureStore = { root: spelled === '/' ? spelled : spelled.replace(/\/+$/, ''), ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.region ? { region: options.region } : {}) };
  return Object.freeze(store);
}
