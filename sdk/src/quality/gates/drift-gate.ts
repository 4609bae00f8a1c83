import { PlanError } from '../../errors.js';
import type { DriftSpec } from '../../plan/validate-node.js';
import type { ColumnDescription } from '../describe-schema.js';
import type { ColumnProfile } from '../profile.js';
import { binCounts, categoryCounts, loadProfile, MAX_CATEGORIES } from '../profile.js';
import { psi } from '../psi.js';
import { requireColumn } from './gate-columns.js';
import { legacyBinEdges } from './legacy-bin-edges.js';
import type { GateContext, GateResult } from './gate-result.js';

export const DEFAULT_MAX_PSI = 0.2;

/**
 * Compares each column's distribution in the valid table with a stored baseline profile by
 * PSI: numbers and timestamps over the baseline's quantile bins, strings and booleans over its
 * categories (plus "other"), with nulls as a bucket of their own. Fails when any column's PSI
 * exceeds `maxPsi` (default 0.2).
 *
 * Which columns: those named in `drift.columns`; by default every column the baseline can
 * compare except timestamps and high-cardinality text (ids). A batch's event times lie after
 * the baseline's by nature — a February batch against a January baseline would always fail
 * — so a timestamp column is compared only when `drift.columns` names it.
 *
 * @example
 * ```ts
 * await driftGate({ baseline: 'baselines/events.json', maxPsi: 0.2 }, ctx)
 * // { gate: 'drift', passed: false, detail: 'PSI above 0.2: amount 0.84', examples: [{ column: 'amount', psi: 0.84 }, …] }
 * ```
 */
export async function driftGate(spec: DriftSpec, ctx: GateContext, path = 'validate.gates.drift'): Promise<GateResult> {
  const baseline = await loadProfile(spec.baseline);
  if (!baseline) {
    throw new PlanError(
      'DRIFT_BASELINE_MISSING',
      `${path}.baseline`,
      `The drift gate's baseline profile ${spec.baseline} does not exist. Create it once from a run on data you trust — ` +
        `run({ saveProfile: '${spec.baseline}' }), or \`sluice run <module> --save-profile ${spec.baseline}\` — then later runs are compared with it.`,
    );
  }
  const misread = legacyBinEdges(baseline);
  if (misread.length > 0) {
    throw new PlanError(
      'DRIFT_BASELINE_OUTDATED',
      `${path}.baseline`,
      `The drift gate's baseline ${spec.baseline} was saved by an earlier sluice (profile version 1), which may have counted ` +
        `the bins of ${misread.map((m) => `${m.column} (edge ${m.edge})`).join(', ')} a bit off: a bin edge of 16–17 digits was read ` +
        `by DuckDB as a slightly different number, so a value many rows share could have its rows counted in the next bin. ` +
        `Comparing with it could report drift where there is none. Save the baseline again from a run on data you trust — ` +
        `run({ saveProfile: '${spec.baseline}' }), or \`sluice run <module> --save-profile ${spec.baseline}\`.`,
    );
  }
  const maxPsi = spec.maxPsi ?? DEFAULT_MAX_PSI;
  const byName = new Map(baseline.columns.map((c) => [c.name, c]));
  const names = spec.columns ?? ctx.columns.filter((c) => byName.has(c.name) && comparableByDefault(byName.get(c.name)!)).map((c) => c.name);
  const scores: { column: string; psi: number }[] = [];
  for (const name of names) {
    const column = requireColumn(ctx.columns, name, `${path}.columns`);
    const base = byName.get(name);
    if (!base) throw new PlanError('DRIFT_COLUMN_NOT_IN_BASELINE', `${path}.columns`, `The baseline ${spec.baseline} has no profile for "${name}". Re-create the baseline, or drop the column from drift.columns.`);
    scores.push({ column: name, psi: await columnPsi(base, column, ctx) });
  }
  if (scores.length === 0) {
    // A drift gate that compared nothing would pass whatever the data: most likely a baseline of
    // another schema. Say which columns there are and why none was compared.
    const skipped = ctx.columns.map((c) => `${c.name} (${!byName.has(c.name) ? 'not in the baseline' : byName.get(c.name)!.type === 'timestamp' ? 'a timestamp: compared only when named' : 'too many distinct values'})`);
    return {
      gate: 'drift', passed: false, count: 0, examples: [],
      detail: `no column could be compared with ${spec.baseline}: ${skipped.join(', ') || 'the batch has no columns'}. Re-create the baseline from this schema (run({ saveProfile })), or name the columns to compare in drift.columns.`,
    };
  }
  scores.sort((a, b) => b.psi - a.psi || a.column.localeCompare(b.column));
  const drifted = scores.filter((s) => s.psi > maxPsi);
  const round = (x: number): number => Number(x.toPrecision(3));
  const examples = scores.map((s) => ({ column: s.column, psi: round(s.psi) }));
  if (drifted.length === 0) {
    const worst = scores[0];
    return { gate: 'drift', passed: true, count: 0, examples, detail: `PSI ≤ ${maxPsi} for ${scores.length} columns${worst ? ` (highest: ${worst.column} ${round(worst.psi)})` : ''}` };
  }
  return {
    gate: 'drift', passed: false, count: drifted.length, examples,
    detail: `PSI above ${maxPsi}: ${drifted.map((s) => `${s.column} ${round(s.psi)}`).join(', ')}. Look at what changed in the data; if the shift is expected, save a new baseline from a run you trust (run({ saveProfile }))`,
  };
}

/**
 * High-cardinality text (ids) says nothing by PSI, and event times move forward with every
 * batch (their PSI against an older baseline is always high): compare those only when asked to.
 */
function comparableByDefault(profile: ColumnProfile): boolean {
  if (profile.type === 'timestamp') return false;
  if (profile.bins) return true;
  return profile.frequencies !== undefined && profile.distinctCount <= MAX_CATEGORIES;
}

async function columnPsi(base: ColumnProfile, column: ColumnDescription, ctx: GateContext): Promise<number> {
  const total = ctx.counts.valid;
  const frac = (n: number): number => (total ? n / total : 0);
  if (base.bins) {
    if (column.type !== 'number' && column.type !== 'integer' && column.type !== 'timestamp') return Number.POSITIVE_INFINITY;
    const counts = await binCounts(ctx.run, ctx.validTable, column, base.bins.edges);
    return psi([...base.bins.fractions, base.bins.nullFraction], [...counts.bins.map(frac), frac(counts.nulls)]);
  }
  if (!base.frequencies) {
    throw new PlanError('DRIFT_COLUMN_NO_DISTRIBUTION', 'validate.gates.drift.columns', `The baseline has no distribution for "${column.name}": it had ${base.distinctCount} distinct values, too many to compare by PSI (ids, free text). Drop it from drift.columns.`);
  }
  const counts = await categoryCounts(ctx.run, ctx.validTable, column, Number.MAX_SAFE_INTEGER);
  const categories = Object.keys(base.frequencies.values);
  const current = new Map(counts.values);
  const listed = categories.map((v) => current.get(v) ?? 0);
  const nonNull = counts.values.reduce((sum, [, n]) => sum + n, 0);
  const other = nonNull - listed.reduce((a, b) => a + b, 0);
  const expected = [...categories.map((v) => base.frequencies!.values[v]!), base.frequencies.otherFraction, base.frequencies.nullFraction];
  return psi(expected, [...listed.map(frac), frac(other), frac(total - nonNull)]);
}
