/**
 * The Athena snippets users copy — notebook 03's "On AWS" cell, the `athena()` TSDoc and the
 * README of a promoted stack — name the workgroup and database promote really creates for
 * `user-engagement` (written out here: `sluice-user_engagement`, `sluice_user_engagement`),
 * and the store root its Glue job really writes (the features bucket's `features/`, not the
 * root the pipeline's featureStore() names).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glueDatabaseName, glueName } from '../../../sdk/src/features/glue-catalog-names.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');
const notebook = (JSON.parse(read('notebooks/03-training-set.ipynb')) as { cells: { source: string | string[] }[] }).cells
  .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
  .join('\n');
const athenaTsDoc = read('sdk/src/engines/athena/athena-engine.ts');
const stackReadme = read('templates/cdk-app/README.md');

const settings = (text: string, key: string): string[] => [...text.matchAll(new RegExp(`${key}: '([^']*)'`, 'g'))].map((m) => m[1]!);

describe('Athena snippets', () => {
  it('promote names the workgroup sluice-<glue name> and the database sluice_<glue name>', () => {
    // feature-pipeline-construct.ts: `sluice-${glueName(name)}` and glueDatabaseName(name).
    expect(`sluice-${glueName('user-engagement')}`).toBe('sluice-user_engagement');
    expect(glueDatabaseName('user-engagement')).toBe('sluice_user_engagement');
  });

  for (const [where, text] of [['notebook 03', notebook], ['athena() TSDoc', athenaTsDoc]] as const) {
    it(`${where} uses those names`, () => {
      const workgroups = settings(text, 'workgroup').filter((w) => w.startsWith('sluice'));
      expect(workgroups.length).toBeGreaterThan(0);
      for (const w of workgroups) expect(w).toBe('sluice-user_engagement');
      for (const d of settings(text, 'database').filter((x) => x.startsWith('sluice'))) expect(d).toBe('sluice_user_engagement');
    });
  }

  it('notebook 03 passes the root the Glue job writes, and says where to find it', () => {
    expect(notebook).toContain("featureStore('s3://<features bucket>/features')");
    expect(notebook).toContain('the stack output FeatureStoreRoot (s3://<features bucket>/features)');
    expect(notebook).not.toContain("featureStore('s3://ml-features/features')");
  });

  it("a promoted stack's README says which root and engine to pass to trainingSet", () => {
    const section = stackReadme.slice(stackReadme.indexOf('## Pull training sets'));
    expect(section.length).toBeLessThan(stackReadme.length);
    expect(section).toContain("featureStore('<stack output FeatureStoreRoot>')");
    expect(section).toContain('FeatureStoreRoot (s3://<features bucket>/features)');
    expect(section).toContain("database: '{{GLUE_DATABASE}}'");
    expect(section).toContain('<stack output AthenaWorkgroup>');
    expect(section).toMatch(/explain\(\{ engine \}\)/);
  });
});
