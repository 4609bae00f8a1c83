/**
 * Test helper: the oracle for JSON rows, written independently of the validation stage —
 * `schema.safeParse(JSON.parse(_json))` on every row, in order, in UTC as sluice runs zod — and
 * `check`, which runs the stage over the same rows and expects the same valid rows (same output
 * values), the same quarantined rows with the same issues, and conservation per object.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { runValidationStage, type FastPathInfo } from '../../../sdk/src/engines/local/validation-stage.js';
import { createJsonRawRows, tableRows, withConnection } from './raw-rows.js';
import { zodInUtc } from '../../helpers/zod-in-utc.js';
import type { RawRecord } from './raw-rows.js';

type Row = Record<string, unknown>;

/** The schema's top-level keys: an object's, or every kind's of a discriminated union (first appearance first). */
export function keysOf(schema: z.ZodType): string[] {
  const s = schema as unknown as { shape?: Record<string, unknown>; options?: { shape: Record<string, unknown> }[] };
  return s.shape ? Object.keys(s.shape) : [...new Set(s.options!.flatMap((o) => Object.keys(o.shape)))];
}

/** The top-level keys whose output is an integer (JSON Schema `integer`), in any kind of a union. */
function integerKeys(schema: z.ZodType): Set<string> {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as { properties?: Record<string, unknown>; anyOf?: { properties?: Record<string, unknown> }[]; oneOf?: { properties?: Record<string, unknown> }[] };
  const isInteger = (p: unknown): boolean => {
    const node = p as { type?: string | string[]; anyOf?: unknown[] };
    return node.type === 'integer' || (Array.isArray(node.type) && node.type.includes('integer')) || (node.anyOf ?? []).some(isInteger);
  };
  const objects = [json, ...(json.anyOf ?? []), ...(json.oneOf ?? [])];
  return new Set(objects.flatMap((o) => Object.entries(o.properties ?? {}).filter(([, p]) => isInteger(p)).map(([k]) => k)));
}

export interface Expected {
  valid: { line: number; object: string; values: Row }[];
  quarantined: { object: string; line: number; raw: string; codes: string[]; issues?: unknown[] }[];
}

/** `parse` reads a row's text for zod (default JSON.parse). */
export function oracle(schema: z.ZodType, input: readonly RawRecord[], parse: (text: string) => unknown = JSON.parse): Expected {
  const valid: Expected['valid'] = [];
  const quarantined: Expected['quarantined'] = [];
  const integers = integerKeys(schema);
  for (const r of input) {
    if (r.error) { quarantined.push({ object: r.object, line: r.line, raw: r.raw, codes: ['malformed_record'] }); continue; }
    let value: unknown;
    try { value = parse(r.json ?? r.raw); } catch { quarantined.push({ object: r.object, line: r.line, raw: r.raw, codes: ['malformed_record'] }); continue; }
    const parsed = zodInUtc(() => schema.safeParse(value));
    if (parsed.success) {
      const values: Row = {};
      for (const key of keysOf(schema)) {
        const v = (parsed.data as Row)[key];
        // An integer column is BIGINT, which has no negative zero (zod's z.coerce.number().int() gives -0 for '-0').
        values[key] = v instanceof Date ? v.getTime() : v === undefined ? null : Object.is(v, -0) && integers.has(key) ? 0 : v;
      }
      valid.push({ object: r.object, line: r.line, values });
    } else {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), code: i.code, message: i.message }));
      quarantined.push({ object: r.object, line: r.line, raw: r.raw, codes: issues.map((i) => i.code), issues });
    }
  }
  return { valid, quarantined };
}

async function actual(c: DuckDBConnection, schema: z.ZodType, canonicalJson: boolean) {
  const result = await runValidationStage(c, { schema, representation: 'json', canonicalJson, profile: false });
  const rows = await tableRows(c, 'valid_rows');
  const valid = rows.map((row) => {
    const values: Row = {};
    for (const key of keysOf(schema)) {
      const v = row[key];
      values[key] = v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v;
    }
    return { object: String(row._object), line: Number(row._line), values };
  });
  return { result, valid };
}

/** Expects the stage to give what the oracle gives over `input`; returns the stage's fast-path figures. */
export async function check(schema: z.ZodType, input: readonly RawRecord[], canonicalJson: boolean, parse?: (text: string) => unknown): Promise<FastPathInfo> {
  return withConnection(async (c) => {
    await createJsonRawRows(c, input);
    const expected = oracle(schema, input, parse);
    const { result, valid } = await actual(c, schema, canonicalJson);
    if (process.env.DEBUG_FP) {
      const key = (v: { object: string; line: number }) => `${v.object}:${v.line}`;
      const exp = new Map(expected.valid.map((v) => [key(v), v]));
      for (const v of valid) if (!exp.has(key(v)) || JSON.stringify(exp.get(key(v))) !== JSON.stringify(v)) console.log('MISMATCH', JSON.stringify(input.find((r) => key(r) === key(v))), JSON.stringify(v), JSON.stringify(exp.get(key(v))), JSON.stringify(expected.quarantined.find((q) => key(q) === key(v))));
    }
    expect(valid).toEqual(expected.valid);
    expect(result.quarantined.rows().map((q) => ({ object: q.object, line: q.line, raw: q.raw, codes: q.issues.map((i) => i.code), ...(q.issues[0]?.code === 'malformed_record' ? {} : { issues: q.issues }) })))
      .toEqual(expected.quarantined);
    // Conservation, per object and overall, against counts taken from the input.
    const inBy = new Map<string, number>();
    for (const r of input) inBy.set(r.object, (inBy.get(r.object) ?? 0) + 1);
    for (const [object, n] of inBy) {
      const counts = result.perObject[object]!;
      expect(counts.in).toBe(n);
      expect(counts.valid + counts.quarantined).toBe(n);
      expect(counts.valid).toBe(expected.valid.filter((v) => v.object === object).length);
    }
    expect(result.counts).toEqual({ in: input.length, valid: expected.valid.length, quarantined: expected.quarantined.length });
    return result.fastPath;
  });
}

