/**
 * The SQL fast path ≡ pure zod on random schemas: where fast-path-equivalence.test.ts varies the
 * rows under a few fixed schemas, this varies the schema too — each field a random type with a
 * random set of checks (lengths, bounds, formats, regexes, prefixes), coercions and wrappers
 * (optional, nullable, nullish, default) — over rows that hit the checks' boundaries and the
 * wrong types. The oracle is zod-oracle.ts: `schema.safeParse(JSON.parse(raw))` on every row.
 *
 * `SCHEMA_RUNS=2000 npx vitest run test/integration/quality/random-schemas.test.ts` searches
 * longer (30 schemas each by default; 4,000 JSON and 800 typed ones passed when it was written).
 * Its first long run found the oracle's own mistake: an integer column holds no -0, which zod's
 * `z.coerce.number().int()` outputs for '-0' (zod-oracle.ts now says so).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { check } from './zod-oracle.js';
import { compareWithZodOnly, createTypedRawRows, withConnection } from './raw-rows.js';

interface FieldSpec {
  readonly label: string;
  readonly schema: z.ZodType;
  /** Values near what the field accepts (its boundaries), and some it refuses. */
  readonly values: fc.Arbitrary<unknown>;
}

const subset = <T,>(items: readonly T[]) => fc.subarray([...items], { maxLength: 3 });
const small = fc.integer({ min: 0, max: 4 });

const texts = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abzAZ-09 é😀'), maxLength: 6 }),
  fc.constantFrom('', 'a', 'ab', 'abc', 'abcd', 'ab-z', 'AB', '12', '123', ' 7 ', 'x@y.io', 'a@b', '00000000-0000-4000-8000-000000000000', '2024-03-01T10:00:00Z', 'true', 'no', '1e3', '-0'),
);
const numbers = fc.oneof(
  fc.integer({ min: -6, max: 6 }),
  fc.integer({ min: -12, max: 12 }).map((n) => n / 2),
  fc.constantFrom(0, -0, 100, 2 ** 53, -(2 ** 53) - 2, 1e21, 0.1, 1e-7),
);
const odd = fc.constantFrom<unknown>(null, true, false, [], {}, [1], { a: 1 }, '', 0);

function stringField(): fc.Arbitrary<FieldSpec> {
  const checks = ['min', 'max', 'length', 'regex', 'startsWith', 'endsWith', 'includes'] as const;
  return fc.tuple(subset(checks), small, small, fc.constantFrom(/^[a-z]+$/, /^\d{2,3}$/, /[A-Z]/, /^a.c$/)).map(([chosen, a, b, re]) => {
    let s = z.string();
    for (const c of chosen) {
      if (c === 'min') s = s.min(a);
      if (c === 'max') s = s.max(a + b);
      if (c === 'length') s = s.length(b);
      if (c === 'regex') s = s.regex(re);
      if (c === 'startsWith') s = s.startsWith('a');
      if (c === 'endsWith') s = s.endsWith('z');
      if (c === 'includes') s = s.includes('-');
    }
    return { label: `string ${chosen.join(',')} ${a} ${b} ${re}`, schema: s, values: fc.oneof({ weight: 4, arbitrary: texts }, { weight: 1, arbitrary: numbers }, { weight: 1, arbitrary: odd }) };
  });
}

function numberField(): fc.Arbitrary<FieldSpec> {
  const checks = ['int', 'min', 'max', 'gt', 'lt', 'positive', 'nonnegative', 'multipleOf'] as const;
  return fc.tuple(subset(checks), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 6 }), fc.boolean()).map(([chosen, low, span, coerce]) => {
    let n = coerce ? z.coerce.number() : z.number();
    for (const c of chosen) {
      if (c === 'int') n = n.int();
      if (c === 'min') n = n.min(low);
      if (c === 'max') n = n.max(low + span);
      if (c === 'gt') n = n.gt(low - 0.5);
      if (c === 'lt') n = n.lt(low + span + 0.5);
      if (c === 'positive') n = n.positive();
      if (c === 'nonnegative') n = n.nonnegative();
      if (c === 'multipleOf') n = n.multipleOf(2);
    }
    const numericText = numbers.map((v) => String(v));
    return { label: `${coerce ? 'coerce.' : ''}number ${chosen.join(',')} ${low} ${span}`, schema: n, values: fc.oneof({ weight: 4, arbitrary: numbers }, { weight: coerce ? 2 : 1, arbitrary: numericText }, { weight: 1, arbitrary: texts }, { weight: 1, arbitrary: odd }) };
  });
}

const otherField: fc.Arbitrary<FieldSpec> = fc.constantFrom<FieldSpec>(
  { label: 'boolean', schema: z.boolean(), values: fc.oneof(fc.boolean(), odd, texts) },
  { label: 'coerce.boolean', schema: z.coerce.boolean(), values: fc.oneof(fc.boolean(), odd, texts, numbers) },
  { label: 'enum', schema: z.enum(['a', 'ab', 'B']), values: fc.oneof(fc.constantFrom('a', 'ab', 'B', 'b', 'A', ''), odd) },
  { label: 'literal text', schema: z.literal('ab'), values: fc.oneof(fc.constantFrom('ab', 'AB', 'a'), odd) },
  { label: 'literal number', schema: z.literal(3), values: fc.oneof(fc.constantFrom(3, 3.5, '3', -3), odd) },
  { label: 'email', schema: z.email(), values: fc.oneof(texts, fc.constantFrom('first.last@example.com', 'a..b@x.io', 'a@b.c', 'é@b.co')) },
  { label: 'uuid', schema: z.uuid(), values: fc.oneof(texts, fc.constantFrom('e46fd05a-8afc-4217-adf0-b78a58b15e6f', 'E46FD05A-8AFC-4217-ADF0-B78A58B15E6F', 'e46fd05a-8afc-9217-adf0-b78a58b15e6f')) },
  { label: 'coerce.date', schema: z.coerce.date(), values: fc.oneof(texts, numbers, fc.constantFrom('2024-02-30T00:00:00Z', '2024-03-01 10:00', '2024-03-01T10:00:00.123456+02:00', '1969-12-31T23:59:59.999Z')) },
  { label: 'coerce.string', schema: z.coerce.string().max(3), values: fc.oneof(texts, numbers, odd) },
  { label: 'int', schema: z.int().min(-2), values: fc.oneof(numbers, odd) },
  { label: 'trim', schema: z.string().trim().min(1), values: fc.oneof(texts, odd) },
  { label: 'toLowerCase', schema: z.string().toLowerCase().max(3), values: fc.oneof(texts, odd) },
  { label: 'iso.datetime', schema: z.iso.datetime(), values: fc.oneof(texts, fc.constantFrom('2024-03-01T10:00:00.123Z', '2024-03-01T10:00:00+02:00', '2024-03-01T10:00Z')) },
  { label: 'url (zod)', schema: z.url(), values: fc.oneof(texts, fc.constantFrom('https://x.io/a', 'ftp://h', 'x.io')) },
  { label: 'refine (zod)', schema: z.string().refine((v) => v.length !== 2, 'not two'), values: fc.oneof(texts, odd) },
  { label: 'transform (zod)', schema: z.string().transform((v) => v.toUpperCase()), values: fc.oneof(texts, odd) },
  { label: 'stringbool', schema: z.stringbool(), values: fc.oneof(texts, fc.constantFrom('yes', 'off', 'TRUE', '1', 'enabled'), odd) },
);

const field: fc.Arbitrary<FieldSpec> = fc.tuple(fc.oneof(stringField(), numberField(), otherField), fc.constantFrom('', 'optional', 'nullable', 'nullish', 'default'))
  .map(([spec, wrap]) => {
    const s = spec.schema as z.ZodString;
    const wrapped: z.ZodType = wrap === 'optional' ? s.optional() : wrap === 'nullable' ? s.nullable() : wrap === 'nullish' ? s.nullish() : wrap === 'default' ? wrapDefault(spec) : s;
    return { ...spec, label: `${spec.label}${wrap ? ` .${wrap}` : ''}`, schema: wrapped };
  });

/**
 * `.default()` with a value the field outputs (zod returns a default as it is, unparsed: a
 * coerced field's default must already be the coerced value), when one of a few candidates
 * parses (else the field unwrapped).
 */
function wrapDefault(spec: FieldSpec): z.ZodType {
  const parsed = ['abc', 'a', 'ab', 2, 0, 4, true, 'e46fd05a-8afc-4217-adf0-b78a58b15e6f', 'x@y.io'].map((v) => spec.schema.safeParse(v)).find((r) => r.success);
  return parsed === undefined ? spec.schema : (spec.schema as z.ZodString).default(parsed.data as never);
}

const MISSING = Symbol('missing');

/**
 * A field's values, mostly ones it accepts, so that most rows are valid and each wrong value
 * stands alone — where the SQL's verdict, not zod's, decides the row (SQL-accepted rows never
 * meet zod). The accepted ones are drawn from a fixed sample of the field's values.
 */
function valuesOf(f: FieldSpec): fc.Arbitrary<unknown> {
  const accepted = fc.sample(f.values, { numRuns: 300, seed: 7 }).filter((v) => f.schema.safeParse(v).success);
  if (accepted.length === 0) return fc.oneof({ weight: 8, arbitrary: f.values }, { weight: 1, arbitrary: fc.constant<unknown>(MISSING) });
  return fc.oneof({ weight: 24, arbitrary: fc.constantFrom(...accepted) }, { weight: 4, arbitrary: f.values }, { weight: 1, arbitrary: fc.constant<unknown>(MISSING) });
}

const schemaAndRows = fc.tuple(fc.array(field, { minLength: 1, maxLength: 4 }), fc.constantFrom('object', 'object', 'object', 'strict', 'refined')).chain(([fields, kind]) => {
  const shape = Object.fromEntries(fields.map((f, i) => [`f${i}`, f.schema]));
  // A rule across fields (zod parses whole the rows SQL accepted), or unknown keys refused.
  const schema = kind === 'strict' ? z.strictObject(shape) : kind === 'refined' ? z.object(shape).refine((r) => JSON.stringify(r).length % 3 !== 0, 'row rule') : z.object(shape);
  const row = fc.tuple(...fields.map(valuesOf))
    .chain((values) => fc.constantFrom({}, {}, {}, { extra: 1 }).map((extra) => ({ ...Object.fromEntries(values.flatMap((v, i) => (v === MISSING ? [] : [[`f${i}`, v]]))), ...extra })));
  const rows = fc.array(row, { minLength: 20, maxLength: 60 }).map((rs) => rs.map((r, i) => ({ object: 'random.jsonl', line: i + 1, raw: JSON.stringify(r) })));
  return fc.tuple(fc.constant([kind, ...fields.map((f, i) => `f${i}: ${f.label}`)]), fc.constant(schema), rows);
});

/**
 * Typed columns, as Parquet gives them: a number field's column is DOUBLE (NULL for a value
 * that is not a number), a date field's a TIMESTAMP, every other field's VARCHAR (NULL for a
 * value that is not text). The oracle is the same rows with every row sent to zod (zod-only.ts).
 */
const typedSchemaAndRows = schemaAndRows.map(([labels, schema, rows]) => {
  const fields = labels.slice(1);
  const columns = Object.fromEntries(fields.map((label, i) => [`f${i}`, /number|int|literal number/.test(label.split(': ')[1]!) ? 'DOUBLE' : 'VARCHAR'] as const));
  const timestamps = fields.flatMap((label, i) => (/coerce\.date|iso\.datetime/.test(label) ? [`f${i}`] : []));
  return { labels, schema, columns, timestamps, rows: rows.map((r) => JSON.parse(r.raw) as Record<string, unknown>) };
});

describe('SQL fast path ≡ pure zod on random schemas', () => {
  it('typed columns (Parquet): the same valid rows, values and issues as zod over every row', async () => {
    await fc.assert(
      fc.asyncProperty(typedSchemaAndRows, async ({ schema, columns, timestamps, rows }) => {
        await withConnection((c) => compareWithZodOnly(c, () => createTypedRawRows(c, columns, rows, timestamps), schema));
      }),
      { numRuns: Number(process.env.SCHEMA_RUNS ?? 30), endOnFailure: true },
    );
  }, 300_000);

  it('gives zod\'s valid rows, values and issues for every schema', async () => {
    await fc.assert(
      fc.asyncProperty(schemaAndRows, async ([, schema, rows]) => {
        await check(schema, rows, true);
      }),
      { numRuns: Number(process.env.SCHEMA_RUNS ?? 30), endOnFailure: true },
    );
  }, 300_000);
});
