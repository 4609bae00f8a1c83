/**
 * Two requested features whose output names `<group>__<feature>` coincide (group `a` feature
 * `b__c`, group `a__b` feature `c`) would both be called `a__b__c`: one column would silently
 * hide the other. The plan refuses that before reading anything, naming both references.
 */
import { describe, expect, it } from 'vitest';
import { resolveFeatureRefs } from '../../../sdk/src/retrieval/feature-ref-resolver.js';

const groups = [
  { group: 'a', columns: [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'b__c', type: 'DOUBLE' }] },
  { group: 'a__b', columns: [{ name: 'c', type: 'DOUBLE' }, { name: 'd', type: 'DOUBLE' }] },
];

describe('output names that coincide', () => {
  it('are refused with both references named', () => {
    expect(() => resolveFeatureRefs(['a:b__c', 'a__b:c'], groups, 'user')).toThrow(expect.objectContaining({ code: 'FEATURE_NAME_CONFLICT', path: 'features[1]' }));
    expect(() => resolveFeatureRefs(['a:*', 'a__b:*'], groups, 'user')).toThrow(/a:b__c and a__b:c .*"a__b__c"/);
  });

  it('distinct names, and one feature asked for twice, are fine', () => {
    expect(resolveFeatureRefs(['a:b__c', 'a__b:d', 'a:*'], groups, 'user').flatMap((r) => r.features.map((f) => f.outputName))).toEqual(['a__b__c', 'a__b__d']);
  });
});
