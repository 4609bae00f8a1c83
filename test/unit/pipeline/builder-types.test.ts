/**
 * Type-level behaviour of the builder, proved by the compiler: a misspelt column is a compile
 * error (in a union of row kinds too), and toFeatureStore() is only offered after aggregate(). Each `@ts-expect-error` fails
 * the compile if the line below it stops being an error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

describe('builder types', () => {
  it('rejects misspelt columns and out-of-order calls at compile time', () => {
    const dir = mkdtempSync(join(root, 'test', '.tmp-types-'));
    const src = join(dir, 'cell.ts');
    const sdk = join(root, 'sdk/src/index.js');
    writeFileSync(
      src,
      `import { z } from 'zod';
import { pipeline, file, window, count, sum, featureStore } from ${JSON.stringify(sdk)};
const Event = z.object({ user_id: z.string(), ts: z.coerce.date(), amount: z.number() });
const validated = pipeline('p').from(file('x/*.jsonl')).validate(Event);
// @ts-expect-error 'user_idd' is not a column of Event
validated.aggregate(window({ entity: 'user_idd', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }));
// @ts-expect-error 'amout' is not a column of Event
validated.aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { s: sum('amout') } }));
// @ts-expect-error toFeatureStore() only exists after aggregate()
validated.toFeatureStore(featureStore('s'), { entity: 'u', group: 'g' });
const ok = validated.derive({ usd: 'amount * 1.1' }).aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { s: sum('usd') } }));
ok.toFeatureStore(featureStore('s'), { entity: 'u', group: 'g' });
// A nested z.object is stored flat: user.id is the column user_id, and user is no column.
const Nested = z.object({ user: z.object({ id: z.string(), geo: z.object({ country: z.string() }).nullable() }), ts: z.coerce.date() });
const flat = pipeline('n').from(file('x/*.jsonl')).validate(Nested, { notNull: ['user_geo_country'] });
flat.aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count(), c: count().where("user_geo_country = 'DE'") } }));
// @ts-expect-error 'user' is stored as user_id and user_geo_country, not as a column of its own
flat.aggregate(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }));
flat.map((row) => {
  const id: string = row.user_id;
  // @ts-expect-error a field of a nullable nested object may be null
  const country: string = row.user_geo_country;
  return { id, country };
});
// A discriminated union of row kinds: every kind's fields are columns, null where a kind lacks one.
const View = z.object({ event: z.literal('view'), user_id: z.string(), ts: z.coerce.date() });
const Buy = z.object({ event: z.literal('buy'), user_id: z.string(), ts: z.coerce.date(), amount: z.number() });
const kinds = pipeline('k').from(file('x/*.jsonl')).validate(z.discriminatedUnion('event', [View, Buy]), { notNull: ['user_id'] });
kinds.aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spent: sum('amount'), buys: count().where("event = 'buy'") } }));
// @ts-expect-error 'amout' is a field of no kind
kinds.aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { s: sum('amout') } }));
kinds.map((row) => {
  const kind: 'view' | 'buy' = row.event;
  // @ts-expect-error amount is null in the rows of views
  const amount: number = row.amount;
  return { kind, amount };
});
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node', src], { cwd: root, encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    rmSync(dir, { recursive: true, force: true });
    expect(output.split('\n').filter((l) => l.includes('cell.ts'))).toEqual([]);
  }, 120_000);
});
