/**
 * Events with nested objects, as trackers write them (`{"user": {"id": …, "geo": {…}}}`),
 * validated by a nested zod schema and stored flat (`user_id`, `user_geo_country`), through
 * the real reader, the fast path, zod, a window over a nested field, the event stage and a
 * Parquet file of STRUCT columns. The oracle is zod's safeParse of each line (in UTC), with the
 * flat row spelled out here field by field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { zodInUtc } from '../../helpers/zod-in-utc.js';

const Event = z.object({
  event: z.enum(['view', 'click']),
  user: z.object({ id: z.string().min(2), geo: z.object({ country: z.string().length(2), city: z.string().optional() }).nullable() }),
  props: z.object({ amount: z.number().nonnegative().default(0) }).optional(),
  ts: z.coerce.date(),
});
type Out = z.output<typeof Event>;

/** The stored row of zod's output, written out field by field. */
const flat = (o: Out) => ({
  event: o.event,
  user_id: o.user.id,
  user_geo_country: o.user.geo?.country ?? null,
  user_geo_city: o.user.geo?.city ?? null,
  props_amount: o.props?.amount ?? null,
  ts: o.ts.getTime(),
});

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Mostly what the schema accepts, sometimes what it refuses (weight 1 of 6). */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: bad });
const geo = mostly(
  fc.oneof(fc.constant(null), fc.record({ country: fc.constantFrom('DE', 'FR'), city: maybe(fc.constantFrom('Berlin', 'Lyon', '')) }, { requiredKeys: ['country'] })),
  fc.oneof(fc.record({ country: fc.constantFrom('DEU', 7) }), fc.constant('DE')),
);
const user = mostly(
  fc.record({ id: mostly(fc.constantFrom('u1', 'u2', 'u3'), fc.constantFrom('x', 12)), geo: mostly(geo, fc.constant(undefined)), extra: maybe(fc.constant({ deep: [1, 2] })) }, { requiredKeys: ['id', 'geo'] }),
  fc.constantFrom(null, 'u1', [1], undefined),
);
const props = mostly(fc.oneof(fc.record({ amount: maybe(fc.constantFrom(0, 12.5)) }), fc.constant(undefined)), fc.oneof(fc.record({ amount: fc.constantFrom(-1, '3') }), fc.constant(null)));
const line = fc.oneof(
  { weight: 12, arbitrary: fc.record({ event: mostly(fc.constantFrom('view', 'click'), fc.constant('buy')), user, props, ts: mostly(fc.constantFrom('2024-03-01T10:00:00Z', '2024-03-02 09:30:00', 1709287200000), fc.constant('soon')) }).map((r) => JSON.stringify(r)) },
  { weight: 1, arbitrary: fc.constantFrom('{"event":', '[]', '{"user":{"id":"u1","id":"u2"},"event":"view","ts":"2024-03-01T10:00:00Z","user":{"id":"u9","geo":null}}') },
);
const lines = fc.sample(fc.array(line, { minLength: 300, maxLength: 300 }), { numRuns: 1, seed: 7 })[0]!;

const MALFORMED = Symbol('malformed');

function oracle() {
  const valid: ReturnType<typeof flat>[] = [];
  const quarantined: string[][] = [];
  // A line that is an array holds records, one per element (`[]` holds none).
  const records = lines.flatMap((text): unknown[] => {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return [MALFORMED];
    }
  });
  for (const parsed of records) {
    if (parsed === MALFORMED) {
      quarantined.push(['malformed_record']);
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      quarantined.push(['malformed_record']);
      continue;
    }
    const out = zodInUtc(() => Event.safeParse(parsed));
    if (out.success) valid.push(flat(out.data));
    else quarantined.push(out.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return { valid, quarantined };
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-nested-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'events.jsonl');
writeFileSync(path, `${lines.join('\n')}\n`);

const storedRow = (r: Record<string, unknown>) => ({
  event: r.event,
  user_id: r.user_id,
  user_geo_country: r.user_geo_country,
  user_geo_city: r.user_geo_city,
  props_amount: r.props_amount,
  ts: r.ts instanceof Date ? r.ts.getTime() : Number(r.ts),
});

describe('nested objects, stored flat', () => {
  const expected = oracle();
  let localRows: ReturnType<typeof storedRow>[] = [];

  it('the sample has valid rows with and without each nested object, and rows zod refuses inside them', () => {
    expect(expected.valid.filter((r) => r.user_geo_country !== null).length).toBeGreaterThan(10);
    expect(expected.valid.filter((r) => r.props_amount === null).length).toBeGreaterThan(10);
    expect(expected.quarantined.flat().filter((i) => i.startsWith('user.')).length).toBeGreaterThan(10);
  });

  it('a local run keeps zod\'s rows as flat columns, quarantines with nested paths, and windows over user_id', async () => {
    const store = join(dir, 'store');
    const run = await pipeline('nested')
      .from(file(path))
      .validate(Event, { maxInvalidRatio: 1 })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { views: count().where("event = 'view'") } }))
      .toFeatureStore(featureStore(store), { entity: 'user', group: 'g' })
      .run({ zones: join(dir, 'zones'), previewRows: 0 });
    expect(run.counts).toEqual({ in: expected.valid.length + expected.quarantined.length, valid: expected.valid.length, quarantined: expected.quarantined.length });
    // Every check of the schema has a SQL form, nested ones included: zod sees only the rows it refuses.
    const malformed = expected.quarantined.filter((q) => q[0] === 'malformed_record').length;
    expect(run.quality.fastPath).toMatchObject({ compiled: true, sqlRows: expected.valid.length, zodRows: expected.quarantined.length - malformed });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const zone = await c.runAndReadAll(`SELECT * EXCLUDE (_object, _line) FROM read_parquet('${run.outputs.validated}/**/*.parquet') ORDER BY _line`);
      localRows = (zone.getRowObjectsJS() as Record<string, unknown>[]).map(storedRow);
      expect(localRows).toEqual(expected.valid);
      const features = await c.runAndReadAll(`SELECT entity_id, sum(views_1d)::INTEGER AS views FROM read_parquet('${store}/**/*.parquet') GROUP BY 1 ORDER BY 1`);
      const views = new Map<string, number>();
      for (const r of expected.valid) if (r.event === 'view') views.set(r.user_id, (views.get(r.user_id) ?? 0) + 1);
      expect(features.getRows().filter(([, v]) => Number(v) > 0)).toEqual([...views].sort(([a], [b]) => a.localeCompare(b)));
    } finally {
      c.closeSync();
      db.closeSync();
    }
    // Each rule's examples are rows zod refused with those issues, under their nested paths.
    const examples = run.quality.rules.filter((r) => !r.passed).flatMap((r) => r.examples);
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples) {
      expect(expected.quarantined).toContainEqual(example.issues[0]?.code === 'malformed_record' ? ['malformed_record'] : example.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    }
  });

  it('the event stage writes the same flat rows', async () => {
    const definition = toPipelineDefinition(pipeline('nested').from(file('/landing/*')).validate(Event, { maxInvalidRatio: 1 }));
    const s3 = newMemoryS3();
    // In UTC, as Lambda runs (zone-less text is read in the process's zone; the suite runs in New York).
    const zone = process.env.TZ;
    process.env.TZ = 'UTC';
    const { manifest } = await invokeUntilDone(s3, landObject(s3, 'in/events.jsonl', `${lines.join('\n')}\n`, definition), definition, { segmentRows: 50, yieldAfterSegments: 2 }).finally(() => {
      process.env.TZ = zone;
    });
    expect(manifest.rows).toEqual({ in: expected.valid.length + expected.quarantined.length, valid: expected.valid.length, quarantined: expected.quarantined.length });
    const rows: Record<string, unknown>[] = [];
    for (const key of s3.keys('validated').filter((k) => k.endsWith('.parquet'))) {
      const bytes = s3.bytes('validated', key)!;
      rows.push(...((await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<string, unknown>[]));
    }
    rows.sort((a, b) => Number(a._line) - Number(b._line));
    expect(rows.map(storedRow)).toEqual(expected.valid);
  });

  it('a Parquet file of STRUCT columns is stored the same way', async () => {
    const parquet = join(dir, 'structs.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM (VALUES
      ('view', {'id': 'u1', 'geo': {'country': 'DE', 'city': 'Berlin'}}, TIMESTAMP '2024-03-01 10:00:00'),
      ('click', {'id': 'u2', 'geo': NULL}, TIMESTAMP '2024-03-01 11:00:00'),
      ('view', {'id': 'x', 'geo': {'country': 'FR', 'city': NULL}}, TIMESTAMP '2024-03-01 12:00:00')) t(event, "user", ts)) TO '${parquet}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    const run = await pipeline('structs').from(file(parquet)).validate(Event).run({ zones: join(dir, 'zones-structs'), previewRows: 10, dryRun: true });
    expect(run.counts).toEqual({ in: 3, valid: 2, quarantined: 1 }); // 'x' is shorter than 2
    // SQL checks event, ts and the user STRUCT field by field (props, not in the file, is missing in
    // every row); zod reads only the row SQL rejects.
    expect(run.quality.fastPath).toMatchObject({ sqlRows: 2, zodRows: 1 });
    expect(run.quality.fastPath.deferred).toBeUndefined();
    expect(run.preview.toArray().map(storedRow)).toEqual([
      { event: 'view', user_id: 'u1', user_geo_country: 'DE', user_geo_city: 'Berlin', props_amount: null, ts: Date.UTC(2024, 2, 1, 10) },
      { event: 'click', user_id: 'u2', user_geo_country: null, user_geo_city: null, props_amount: null, ts: Date.UTC(2024, 2, 1, 11) },
    ]);
  });
});
