/**
 * Integers beyond 2^53 in the source — 19-digit order ids, 64-bit hashes — through the real
 * readers, the fast path, zod, the feature store and the event stage. Fields that keep text or
 * exact integers (z.coerce.string(), z.coerce.bigint()) hold every digit the file has; a number
 * field holds the nearest double, as zod alone would, and the run notes how many rows lost
 * digits. The oracle is the literals the test wrote: their digits, `BigInt(literal)`, and
 * `Number(literal)` (JavaScript's correctly rounded reading) for the number field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, featureStore, file, pipeline, window } from '../../../sdk/src/index.js';
import { toPipelineDefinition } from '../../../sdk/src/runtime/handler.js';
import { invokeUntilDone, landObject, newMemoryS3 } from '../runtime/object-runner.js';

const Order = z.object({ order_id: z.coerce.string(), hash: z.coerce.bigint(), amount: z.number(), ts: z.coerce.date() });

const TWO_53 = 2n ** 53n;
/** Integers on both sides of 2^53, as far as 64 bits go: the ids and hashes systems write. */
const integer = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: TWO_53 - 4n, max: TWO_53 + 64n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
);
const amount = fc.oneof(integer.map(String), fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }).map(String), fc.constantFrom('1.5', '-0.25', '1e21', '12345678901234567891.0'));
const orders = fc.array(fc.record({ id: integer, hash: integer, amount }), { minLength: 20, maxLength: 60 });
const sample = fc.sample(orders, { numRuns: 1, seed: 53 })[0]!;

/** The literal names an integer the double read from it is not, and the double prints otherwise. */
const rounds = (literal: string): boolean => /^-?\d+$/.test(literal) && BigInt(Number(literal)) !== BigInt(literal) && String(Number(literal)) !== literal;
const roundedAmounts = sample.filter((o) => rounds(o.amount)).length;

const dir = mkdtempSync(join(tmpdir(), 'sluice-integer-precision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = '2024-03-01T10:00:00Z';
const jsonl = sample.map((o) => `{"order_id":${o.id},"hash":${o.hash},"amount":${o.amount},"ts":"${TS}"}`).join('\n');
const csv = `order_id,hash,amount,ts\n${sample.map((o) => `${o.id},${o.hash},${o.amount},${TS}`).join('\n')}\n`;

function expectedRows() {
  return sample.map((o) => ({ order_id: String(o.id), hash: o.hash, amount: Number(o.amount) }));
}

function previewRows(table: { toArray(): Record<string, unknown>[] }) {
  return table.toArray().map((r) => ({ order_id: r.order_id, hash: r.hash, amount: r.amount }));
}

/** The validated zone's rows, in line order. */
async function validatedRows(s3: ReturnType<typeof newMemoryS3>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of s3.keys('validated').filter((k) => k.endsWith('.parquet'))) {
    const bytes = s3.bytes('validated', key)!;
    rows.push(...((await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<string, unknown>[]));
  }
  return rows.sort((a, b) => Number(a._line) - Number(b._line));
}

describe('integers beyond 2^53', () => {
  it('the sample has ids that JSON.parse would round, and amounts that lose digits', () => {
    expect(sample.filter((o) => rounds(String(o.id))).length).toBeGreaterThan(5);
    expect(roundedAmounts).toBeGreaterThan(3);
  });

  const localNotes: Record<string, string[]> = {};
  for (const [format, text] of [['jsonl', jsonl], ['csv', csv]] as const) {
    it(`${format}: ids and hashes keep every digit into the feature store; amounts are the nearest double, and noted`, async () => {
      const path = join(dir, `orders.${format}`);
      writeFileSync(path, text);
      const store = join(dir, `store-${format}`);
      const run = await pipeline(`orders-${format}`)
        .from(file(path))
        .validate(Order)
        .aggregate(window({ entity: 'order_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { orders: count() } }))
        .toFeatureStore(featureStore(store), { entity: 'order', group: 'g' })
        .run({ zones: join(dir, `zones-${format}`), previewRows: 0 });
      expect(run.counts).toEqual({ in: sample.length, valid: sample.length, quarantined: 0 });

      const notes = run.notes.filter((n) => n.includes('beyond 2^53'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(new RegExp(`^amount: ${roundedAmounts} integers in the source had more digits`));
      localNotes[format] = notes;

      // The valid rows as the validated zone holds them, and the entities of the feature store.
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      try {
        const zone = await c.runAndReadAll(`SELECT order_id, hash::VARCHAR AS hash, amount FROM read_parquet('${run.outputs.validated}/**/*.parquet') ORDER BY _line`);
        expect(zone.getRowObjectsJS()).toEqual(expectedRows().map((r) => ({ ...r, hash: String(r.hash) })));
        const entities = await c.runAndReadAll(`SELECT DISTINCT entity_id FROM read_parquet('${store}/**/*.parquet') ORDER BY 1`);
        expect(entities.getRows().map(([id]) => id)).toEqual([...new Set(sample.map((o) => String(o.id)))].sort());
      } finally {
        c.closeSync();
        db.closeSync();
      }
    });
  }

  it('JSON Lines and CSV give the same note', () => {
    expect(localNotes.jsonl).toEqual(localNotes.csv);
  });

  it('the preview holds the exact values too', async () => {
    const path = join(dir, 'preview.jsonl');
    writeFileSync(path, jsonl);
    const run = await pipeline('orders-preview').from(file(path)).validate(Order).run({ zones: join(dir, 'zones-preview'), previewRows: 1000, dryRun: true });
    expect(previewRows(run.preview)).toEqual(expectedRows());
  });

  it('SQL leaves to zod the rows whose number field may have lost digits, and the values agree', async () => {
    const path = join(dir, 'amounts.jsonl');
    writeFileSync(path, sample.map((o) => `{"amount":${o.amount}}`).join('\n'));
    const run = await pipeline('amounts').from(file(path)).validate(z.object({ amount: z.number() })).run({ zones: join(dir, 'zones-amounts'), previewRows: 1000, dryRun: true });
    // SQL keeps an integer literal beyond 2^53 only where it and its double are one 64-bit integer.
    const leftBySql = sample.filter(({ amount: a }) => /^-?\d+$/.test(a) && Math.abs(Number(a)) > Number.MAX_SAFE_INTEGER && !(BigInt(a) >= -(2n ** 63n) && BigInt(a) < 2n ** 63n && BigInt(Number(a)) === BigInt(a))).length;
    expect(leftBySql).toBeGreaterThanOrEqual(roundedAmounts);
    expect(run.quality.fastPath).toMatchObject({ sqlRows: sample.length - leftBySql, zodRows: leftBySql });
    expect(run.preview.toArray().map((r) => r.amount)).toEqual(sample.map((o) => Number(o.amount)));
    expect(run.notes.filter((n) => n.includes('beyond 2^53'))).toEqual(localNotes.jsonl);
  });

  it('inside nested objects: an id keeps its digits, stored flat', async () => {
    const path = join(dir, 'nested.jsonl');
    writeFileSync(path, sample.map((o) => `{"order":{"id":${o.id},"amount":${o.amount}},"ts":"${TS}"}`).join('\n'));
    const Nested = z.object({ order: z.object({ id: z.coerce.string(), amount: z.number() }), ts: z.coerce.date() });
    const run = await pipeline('nested-ids').from(file(path)).validate(Nested).run({ zones: join(dir, 'zones-nested'), previewRows: 1000, dryRun: true });
    expect(run.preview.toArray().map((r) => ({ id: r.order_id, amount: r.order_amount }))).toEqual(sample.map((o) => ({ id: String(o.id), amount: Number(o.amount) })));
    const notes = run.notes.filter((n) => n.includes('beyond 2^53'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^order\\.amount: ${roundedAmounts} integers in the source`));

    const definition = toPipelineDefinition(pipeline('nested-ids').from(file('/landing/*')).validate(Nested));
    const s3 = newMemoryS3();
    const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/nested.jsonl', `${readFileSync(path, 'utf8')}\n`, definition), definition, { segmentRows: 9, yieldAfterSegments: 2 });
    expect(manifest.coercionNotes).toEqual(notes);
    const rows = await validatedRows(s3);
    expect(rows.map((r) => r.order_id)).toEqual(sample.map((o) => String(o.id)));
  });

  it('the event stage writes the same digits and the same note as a local run', async () => {
    const definition = toPipelineDefinition(pipeline('orders').from(file('/landing/*')).validate(Order));
    const s3 = newMemoryS3();
    const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/orders.jsonl', `${jsonl}\n`, definition), definition, { segmentRows: 7, yieldAfterSegments: 2 });
    expect(manifest.rows).toEqual({ in: sample.length, valid: sample.length, quarantined: 0 });
    expect(manifest.coercionNotes).toEqual(localNotes.jsonl);
    const rows = await validatedRows(s3);
    expect(rows.map((r) => ({ order_id: r.order_id, hash: r.hash, amount: r.amount }))).toEqual(expectedRows());
  });
});
