/**
 * Resolves `'<group>:<feature>'` / `'<group>:*'` references against the store's catalog, so a
 * typo fails before any data is read, with the closest names offered.
 */
import { PlanError } from '../errors.js';
import type { ResolvedFeature } from './training-set-types.js';

/** The part of a catalog entry resolution needs. */
export interface GroupSchema {
  readonly group: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly pipeline?: string;
}

/** Columns every group carries that are not features. */
const RESERVED = new Set(['entity_id', 'feature_ts', '_plan_hash', 'dt']);

export interface FeatureRequest {
  readonly group: string;
  readonly pipeline?: string;
  readonly features: readonly ResolvedFeature[];
  readonly allFeatures: readonly ResolvedFeature[];
}

/**
 * Groups and checks feature references, in request order, without duplicates.
 *
 * @example
 * ```ts
 * resolveFeatureRefs(['engagement:clicks_7d'], [{ group: 'engagement', columns: [...] }], 'user')
 * // [{ group: 'engagement', features: [{ column: 'clicks_7d', type: 'BIGINT', outputName: 'engagement__clicks_7d' }], ... }]
 * ```
 * @param notFound For a group that is not in `groups`: a sentence on where it was looked for and what to do.
 * @throws PlanError `UNKNOWN_FEATURE_GROUP`, `UNKNOWN_FEATURE`, `INVALID_FEATURE_REF`, `NO_FEATURES`, `FEATURE_NAME_CONFLICT`.
 */
export function resolveFeatureRefs(refs: readonly string[], groups: readonly GroupSchema[], entity: string, notFound?: (group: string) => string): FeatureRequest[] {
  if (!Array.isArray(refs) || refs.length === 0) {
    throw new PlanError('NO_FEATURES', 'features', `trainingSet() needs at least one feature: features: ['<group>:<feature>'] or ['<group>:*'].`);
  }
  const byGroup = new Map(groups.map((g) => [g.group, g]));
  const out = new Map<string, { all: ResolvedFeature[]; picked: Map<string, ResolvedFeature>; pipeline?: string }>();
  // Output name → the feature that claimed it: `a:b__c` and `a__b:c` would both be `a__b__c`.
  const owners = new Map<string, string>();
  const claim = (group: string, f: ResolvedFeature, path: string): void => {
    const ref = `${group}:${f.column}`;
    const owner = owners.get(f.outputName);
    if (owner !== undefined && owner !== ref) {
      throw new PlanError(
        'FEATURE_NAME_CONFLICT',
        path,
        `The features ${owner} and ${ref} would both be the column ${JSON.stringify(f.outputName)} of the training set, so one would hide the other. Request only one of them, or rename the feature or the group that writes it.`,
      );
    }
    owners.set(f.outputName, ref);
  };
  refs.forEach((ref, i) => {
    const path = `features[${i}]`;
    const match = typeof ref === 'string' ? /^([^:]+):([^:]+)$/.exec(ref) : null;
    if (!match) {
      throw new PlanError('INVALID_FEATURE_REF', path, `${JSON.stringify(ref)} is not a feature reference. Write '<group>:<feature>' (e.g. 'engagement:clicks_7d') or '<group>:*'.`);
    }
    const [, groupName, featureName] = match as unknown as [string, string, string];
    const schema = byGroup.get(groupName);
    if (!schema) {
      const known = groups.map((g) => g.group);
      throw new PlanError(
        'UNKNOWN_FEATURE_GROUP',
        path,
        `The store has no feature group ${JSON.stringify(groupName)} for entity ${JSON.stringify(entity)}.${suggest(groupName, known)} ` +
          [known.length ? `Groups: ${known.join(', ')}.` : '', notFound?.(groupName) ?? (known.length ? '' : 'No group has been written for this entity yet: run the pipeline with toFeatureStore() first.')]
            .filter((s) => s !== '')
            .join(' '),
      );
    }
    let entry = out.get(groupName);
    if (!entry) {
      const all = schema.columns
        .filter((c) => !RESERVED.has(c.name))
        .map((c) => ({ column: c.name, type: c.type, outputName: `${groupName}__${c.name}` }));
      entry = { all, picked: new Map(), ...(schema.pipeline === undefined ? {} : { pipeline: schema.pipeline }) };
      out.set(groupName, entry);
    }
    if (featureName === '*') {
      for (const f of entry.all) (claim(groupName, f, path), entry.picked.set(f.column, f));
      return;
    }
    const feature = entry.all.find((f) => f.column === featureName);
    if (!feature) {
      const names = entry.all.map((f) => f.column);
      throw new PlanError(
        'UNKNOWN_FEATURE',
        path,
        `Feature group ${JSON.stringify(groupName)} has no feature ${JSON.stringify(featureName)}.${suggest(featureName, names)} Features: ${names.join(', ')}.`,
      );
    }
    claim(groupName, feature, path);
    entry.picked.set(feature.column, feature);
  });
  return [...out.entries()].map(([group, e]) => ({ group, ...(e.pipeline === undefined ? {} : { pipeline: e.pipeline }), features: [...e.picked.values()], allFeatures: e.all }));
}

function suggest(name: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean ${JSON.stringify(best)}?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
