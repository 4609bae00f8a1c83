/**
 * The batch gates of the event stage, whose batch is one object: `unique`, `notNull` and
 * `references` are counted row by row over the rows validate() accepted (also those a later
 * derive/map rejects), `maxInvalidRatio` from its
 * counts, and the verdict is taken once the whole object has been read. As in the local
 * engine (whose gates run over the valid table before any derive/map), the checks read the
 * values validate() produced, not what later transforms made of them. Gate names are the local
 * report's: `unique(event_id)`, `notNull(user_id)`, `references(country)`.
 */
import type { GateSpec } from '../plan/validate-node.js';
import { KeyHashSet } from './key-hash-set.js';

export interface RowGates {
  /** The columns the checks read (snapshot them before transforms); empty: nothing to check per row. */
  readonly columns: readonly string[];
  /** Whether keys must be persisted beside each checkpoint (the plan has a `unique` gate). */
  readonly keepsKeys: boolean;
  /** Counts the gate violations of one valid row into `violations` (by gate name). */
  check(values: Readonly<Record<string, unknown>>, violations: Record<string, number>): void;
  /** The unique keys first seen since the last call, encoded for storage beside a checkpoint. */
  takeNewKeys(): Uint8Array;
  /** Adds keys an earlier invocation stored with `takeNewKeys()` (resuming an object). */
  restoreKeys(bytes: Uint8Array): void;
  /** The failed gates of a finished object, in a fixed order, one readable line each. */
  failures(rows: { readonly in: number; readonly quarantined: number }, violations: Readonly<Record<string, number>>): string[];
}

interface UniqueCheck {
  readonly name: string;
  readonly columns: readonly string[];
  readonly seen: KeyHashSet;
}

/**
 * Compiles the gates of a plan's validate step.
 *
 * @example
 * ```ts
 * const gates = createRowGates({ unique: ['event_id'], notNull: ['user_id'] });
 * gates.check({ event_id: 'e1', user_id: null }, violations); // violations['notNull(user_id)'] === 1
 * ```
 */
export function createRowGates(spec: GateSpec): RowGates {
  const uniques: UniqueCheck[] = (spec.unique ?? []).map((u) => {
    const columns = typeof u === 'string' ? [u] : [...u];
    return { name: `unique(${columns.join(', ')})`, columns, seen: new KeyHashSet() };
  });
  const notNull = (spec.notNull ?? []).map((column) => ({ name: `notNull(${column})`, column }));
  // As the local gate does, a string column is compared with the listed values as text.
  const references = (spec.references ?? []).map((r) => ({ name: `references(${r.column})`, column: r.column, allowed: new Set(r.values.map(String)) }));
  const names = [...new Set([...uniques.map((u) => u.name), ...notNull.map((n) => n.name), ...references.map((r) => r.name)])];

  return {
    columns: rowGateColumns(spec),
    keepsKeys: uniques.length > 0,
    check(values, violations) {
      for (const u of uniques) {
        if (u.columns.length === 1) {
          const v = values[u.columns[0]!];
          // The usual event id: hashed as keyText's `s`-tagged text, without building that string per row.
          if (typeof v === 'string') {
            if (!u.seen.addTagged(STRING_TAG, v)) bump(violations, u.name);
            continue;
          }
        }
        const text = keyText(u.columns, values);
        // Rows with a null in the key are not compared, as SQL UNIQUE constraints (and the local gate) do.
        if (text !== undefined && !u.seen.addText(text)) bump(violations, u.name);
      }
      for (const n of notNull) {
        const v = values[n.column];
        if (v === null || v === undefined) bump(violations, n.name);
      }
      for (const r of references) {
        const v = values[r.column];
        if (v !== null && v !== undefined && !r.allowed.has(String(v))) bump(violations, r.name);
      }
    },
    takeNewKeys() {
      // Per unique gate, in spec order: a 4-byte length, then its new hashes.
      const parts = uniques.map((u) => u.seen.takeAdded());
      const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
      const view = new DataView(out.buffer);
      let offset = 0;
      for (const part of parts) {
        view.setUint32(offset, part.byteLength);
        out.set(part, offset + 4);
        offset += 4 + part.byteLength;
      }
      return out;
    },
    restoreKeys(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let offset = 0;
      for (const u of uniques) {
        if (offset + 4 > bytes.byteLength) throw new Error('the stored unique keys are shorter than the plan\'s unique gates need');
        const length = view.getUint32(offset);
        if (offset + 4 + length > bytes.byteLength) throw new Error('the stored unique keys are truncated');
        u.seen.restore(bytes.subarray(offset + 4, offset + 4 + length));
        offset += 4 + length;
      }
    },
    failures(rows, violations) {
      const failed: string[] = [];
      const { maxInvalidRatio } = spec;
      if (maxInvalidRatio !== undefined && rows.in > 0) {
        const ratio = rows.quarantined / rows.in;
        if (ratio > maxInvalidRatio) failed.push(`maxInvalidRatio: ${rows.quarantined}/${rows.in} rows invalid (${ratio.toFixed(4)} > ${maxInvalidRatio})`);
      }
      for (const name of names) {
        const count = violations[name] ?? 0;
        if (count === 0) continue;
        failed.push(name.startsWith('unique(')
          ? `${name}: ${count} valid rows repeat a key seen earlier in the object`
          : `${name}: ${count} valid rows violate it`);
      }
      return failed;
    },
  };
}

/**
 * The columns the per-row gates of a spec read.
 *
 * @example
 * ```ts
 * rowGateColumns({ unique: [['user_id', 'ts']], notNull: ['user_id'] }) // ['user_id', 'ts']
 * ```
 */
export function rowGateColumns(spec: GateSpec): string[] {
  const unique = (spec.unique ?? []).flatMap((u) => (typeof u === 'string' ? [u] : [...u]));
  return [...new Set([...unique, ...(spec.notNull ?? []), ...(spec.references ?? []).map((r) => r.column)])];
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

/**
 * The text a unique key is hashed as; undefined when a part is null. A one-column string key
 * (the usual event id) is its value behind a `s` tag, with no JSON encoding per row; anything
 * else is its JSON array. The two never coincide: JSON text never starts with `s`.
 */
/** The `s` of keyText's one-column string keys, as a char code. */
const STRING_TAG = 0x73;

function keyText(columns: readonly string[], values: Readonly<Record<string, unknown>>): string | undefined {
  if (columns.length === 1) {
    const v = values[columns[0]!];
    if (v === null || v === undefined) return undefined;
    return typeof v === 'string' ? `s${v}` : JSON.stringify([v]);
  }
  const key: unknown[] = [];
  for (const c of columns) {
    const v = values[c];
    if (v === null || v === undefined) return undefined;
    key.push(v);
  }
  return JSON.stringify(key);
}
