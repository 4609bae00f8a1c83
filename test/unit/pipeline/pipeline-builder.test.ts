import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline } from '../../../sdk/src/pipeline/pipeline-builder.js';
import { featureStore } from '../../../sdk/src/pipeline/feature-store.js';
import { file } from '../../../sdk/src/sources/index.js';
import { window } from '../../../sdk/src/features/window.js';
import { count, sum } from '../../../sdk/src/features/aggregations.js';
import { PlanError } from '../../../sdk/src/errors.js';
import { planError as thrown } from '../../helpers/plan-error.js';

const Event = z.object({
  event_id: z.string().uuid(),
  user_id: z.string().min(1),
  event_type: z.enum(['view', 'click', 'purchase']),
  amount: z.number().nonnegative().nullable(),
  ts: z.coerce.date(),
});

const engagementWindow = () =>
  window({
    entity: 'user_id',
    timestamp: 'ts',
    every: '1d',
    windows: ['1d', '7d'],
    features: { clicks: count().where("event_type = 'click'"), spend: sum('amount') },
  });

function build() {
  return pipeline('user-engagement')
    .from(file('data/events/*.jsonl'))
    .validate(Event, { maxInvalidRatio: 0.01, unique: ['event_id'] })
    .aggregate(engagementWindow())
    .toFeatureStore(featureStore('./.sluice/features'), { entity: 'user', group: 'engagement' });
}


describe('pipeline builder', () => {
  it('produces a frozen, JSON-serialisable plan whose steps follow the calls', () => {
    const built = build();
    expect(built.plan.steps.map((s) => s.kind)).toEqual(['source', 'validate', 'window', 'featureStore']);
    expect(JSON.parse(JSON.stringify(built.plan))).toEqual(built.plan);
    const assertDeepFrozen = (value: unknown): void => {
      if (value && typeof value === 'object') {
        expect(Object.isFrozen(value)).toBe(true);
        Object.values(value).forEach(assertDeepFrozen);
      }
    };
    assertDeepFrozen(built.plan);
  });

  it('hashes the same definition to the same hash, whatever the key order', () => {
    const a = build();
    const b = pipeline('user-engagement')
      .from(file('data/events/*.jsonl'))
      .validate(Event, { unique: ['event_id'], maxInvalidRatio: 0.01 })
      .aggregate(
        window({
          features: { spend: sum('amount'), clicks: count().where("event_type = 'click'") },
          windows: ['1d', '7d'],
          every: '1d',
          timestamp: 'ts',
          entity: 'user_id',
        }),
      )
      .toFeatureStore(featureStore('./.sluice/features'), { group: 'engagement', entity: 'user' });
    expect(b.hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes one folder spelled several ways to one hash, and other folders to others', () => {
    const spelled = (source: string, store: string) =>
      pipeline('user-engagement').from(file(source)).validate(Event).aggregate(engagementWindow())
        .toFeatureStore(featureStore(store), { entity: 'user', group: 'engagement' }).hash;
    const hash = spelled('data/events/*.jsonl', '.sluice/features');
    for (const [source, store] of [
      ['./data/events/*.jsonl', './.sluice/features'],
      ['data//events/*.jsonl', '.sluice/features/'],
      ['data/./raw/../events/*.jsonl', './.sluice//features//'],
    ] as const) expect(spelled(source, store)).toBe(hash);
    expect(spelled('data/other/*.jsonl', '.sluice/features')).not.toBe(hash);
    expect(spelled('data/events/*.jsonl', '.sluice/other')).not.toBe(hash);
    expect(spelled('/srv/data/events/*.jsonl', '.sluice/features')).not.toBe(hash);
    // "A folder" (trailing slash) keeps its meaning; an s3 root keeps its exact keys.
    expect(file('./data/events/').node.uri).toBe('data/events/');
    expect(featureStore('s3://ml/a//b/').root).toBe('s3://ml/a//b');
    expect(featureStore('/').root).toBe('/');
  });

  it('changes the hash when the definition changes', () => {
    const changed = pipeline('user-engagement')
      .from(file('data/events/*.jsonl'))
      .validate(Event, { maxInvalidRatio: 0.02, unique: ['event_id'] })
      .aggregate(engagementWindow())
      .toFeatureStore(featureStore('./.sluice/features'), { entity: 'user', group: 'engagement' });
    expect(changed.hash).not.toBe(build().hash);
  });

  it('never changes a builder: each call returns a new one', () => {
    const validated = pipeline('p').from(file('x/*.jsonl')).validate(Event);
    const derived = validated.derive({ big: 'amount > 100' });
    expect(validated.plan.steps).toHaveLength(2);
    expect(derived.plan.steps).toHaveLength(3);
    expect(validated.hash).not.toBe(derived.hash);
  });

  it('records derive expressions as parsed nodes, not text pasted into SQL', () => {
    const derived = pipeline('p').from(file('x/*.jsonl')).validate(Event).derive({ amount_usd: 'amount * 1.1' });
    const step = derived.plan.steps[2];
    expect(step?.kind).toBe('derive');
    if (step?.kind === 'derive') {
      expect(step.columns[0]?.expression.node).toMatchObject({ kind: 'binary', op: '*', left: { kind: 'column', name: 'amount' } });
      expect(step.columns[0]?.expression.type).toBe('number');
    }
  });

  it('lets aggregate() use columns made by derive()', () => {
    const built = pipeline('p')
      .from(file('x/*.jsonl'))
      .validate(Event)
      .derive({ amount_usd: 'amount * 1.1' })
      .aggregate(window({ entity: 'user_id', timestamp: 'ts', every: '1d', windows: ['1d'], features: { usd: sum('amount_usd') } }));
    expect(built.plan.steps.map((s) => s.kind)).toEqual(['source', 'validate', 'derive', 'window']);
  });

  it('names the unknown column of a gate, with a suggestion', () => {
    const error = thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(Event, { unique: ['event_idd' as never] }));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.path).toBe('steps[1].validate.unique[0]');
    expect(error.message).toContain('Did you mean "event_id"?');
  });

  it('names an unknown column in a window, at its path in the plan', () => {
    const error = thrown(() =>
      pipeline('p')
        .from(file('x/*.jsonl'))
        .validate(Event)
        .aggregate(window({ entity: 'user_idd', timestamp: 'ts', every: '1d', windows: ['1d'], features: { n: count() } }) as never),
    );
    expect(error.path).toContain('steps[2].window');
    expect(error.message).toContain('user_idd');
    expect(error.message).toContain('user_id');
  });

  it('rejects an injection attempt in derive() when the plan is built', () => {
    for (const text of ['1; DROP TABLE x', "') OR 1=1 --"]) {
      expect(() => pipeline('p').from(file('x/*.jsonl')).validate(Event).derive({ bad: text })).toThrow(PlanError);
    }
  });

  it('rejects invalid names and a gate ratio outside 0..1', () => {
    expect(thrown(() => pipeline('has space')).code).toBe('INVALID_NAME');
    expect(thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(Event, { maxInvalidRatio: 5 })).code).toBe('INVALID_GATE');
    expect(
      thrown(() =>
        pipeline('p')
          .from(file('x/*.jsonl'))
          .validate(Event)
          .aggregate(engagementWindow())
          .toFeatureStore(featureStore('s'), { entity: 'user/../..', group: 'g' }),
      ).code,
    ).toBe('INVALID_NAME');
  });

  it('rejects malformed gate options when validate() is called, naming the option and the fix', () => {
    const gate = (options: unknown): PlanError => thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(Event, options as never));
    const cases: [unknown, string, string, RegExp][] = [
      [{ unique: 'event_id' }, 'INVALID_GATE', 'validate.unique', /list of columns.*unique: \['event_id'\]/],
      [{ unique: [[]] }, 'INVALID_GATE', 'validate.unique[0]', /non-empty list/],
      [{ unique: [['user_id', 7]] }, 'INVALID_GATE', 'validate.unique[0][1]', /column names \(text\); got 7/],
      [{ notNull: 'user_id' }, 'INVALID_GATE', 'validate.notNull', /list of column names.*notNull: \['user_id'\]/],
      [{ references: [{ column: 'event_type' }] }, 'INVALID_GATE', 'validate.references[0].values', /needs values.*values: \['DE', 'FR'\]/],
      [{ references: { column: 'event_type', values: ['view'] } }, 'INVALID_GATE', 'validate.references', /list of \{ column, values \}/],
      [{ references: [{ column: 'amount', values: ['1'] }] }, 'REFERENCE_TYPE', 'validate.references[0].values', /numeric column "amount" lists non-numeric values/],
      [{ references: [{ column: 'ts', values: [1] }] }, 'REFERENCE_TYPE', 'validate.references[0].column', /string and numeric columns; "ts" is a timestamp/],
      [{ drift: { baseline: 'p.json', maxPsi: Number.NaN } }, 'INVALID_GATE', 'validate.drift.maxPsi', /at least 0.*got NaN.*Leave it out for 0\.2/],
      [{ drift: { baseline: 'p.json', maxPsi: -1 } }, 'INVALID_GATE', 'validate.drift.maxPsi', /got -1/],
      [{ drift: { baseline: 'p.json', columns: 'amount' } }, 'INVALID_GATE', 'validate.drift.columns', /list of column names/],
    ];
    for (const [options, code, path, message] of cases) {
      const error = gate(options);
      expect({ code: error.code, path: error.path }).toEqual({ code, path: `steps[1].${path}` });
      expect(error.message).toMatch(message);
    }
    // What is well formed still builds.
    expect(() => pipeline('p').from(file('x/*.jsonl')).validate(Event, { unique: ['event_id', ['user_id', 'ts']], notNull: ['amount'], references: [{ column: 'event_type', values: ['view', 'click'] }], drift: { baseline: 'p.json', maxPsi: 0 } })).not.toThrow();
  });

  it('rejects calls out of order at run time too (for JS users without types)', () => {
    const validated = pipeline('p').from(file('x/*.jsonl')).validate(Event) as unknown as { validate: (s: unknown) => unknown };
    expect(thrown(() => validated.validate(Event)).code).toBe('STEP_OUT_OF_ORDER');
  });

  it('rejects a schema that is not a z.object, saying what to pass', () => {
    const error = thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(z.string() as never));
    expect(error.code).toBe('SCHEMA_NOT_OBJECT');
    expect(error.message).toContain('z.object');
  });

  it('says what to write instead of a whole-row transform or a plain union of event kinds', () => {
    const Row = z.object({ qty: z.number(), price: z.number() });
    const transformed = thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(Row.transform((r) => ({ ...r, total: r.qty * r.price })) as never));
    expect(transformed.code).toBe('SCHEMA_NOT_OBJECT');
    expect(transformed.message).toMatch(/got a pipe schema\. A \.transform\(\) or \.pipe\(\) of the whole row .* \.derive\(\{ total: "qty \* price" \}\) or \.map\(fn\)/);
    const union = thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]) as never));
    expect(union.message).toMatch(/got a union schema\. For events of several kinds, use z\.discriminatedUnion\("event", \[View, Purchase\]\) .* a plain z\.union reports only "Invalid input"/);
    expect(thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(z.string() as never)).message).toMatch(/got a string schema\.\n/);
  });

  it('takes a discriminated union of row kinds: every kind\'s fields are columns, gates and windows bind to them', () => {
    const kinds = z.discriminatedUnion('kind', [z.object({ kind: z.literal('view'), user: z.string(), ts: z.coerce.date() }), z.object({ kind: z.literal('buy'), user: z.string(), ts: z.coerce.date(), amount: z.number() })]);
    const built = pipeline('p').from(file('x/*.jsonl')).validate(kinds, { notNull: ['user'] })
      .aggregate(window({ entity: 'user', timestamp: 'ts', every: '1d', windows: ['1d'], features: { spent: sum('amount') } }));
    expect(built.definition.columnTypes).toEqual({ kind: 'string', user: 'string', ts: 'timestamp', amount: 'number' });
    const step = built.plan.steps[1];
    expect(step?.kind === 'validate' && step.gates.notNull).toEqual(['user']);
    // A gate on a column no kind has is refused when the plan is built, as for an object.
    expect(thrown(() => pipeline('p').from(file('x/*.jsonl')).validate(kinds, { notNull: ['amout' as 'amount'] })).code).toBe('UNKNOWN_COLUMN');
  });

  it('keeps map() functions beside the plan and their source text in it', () => {
    const mapped = pipeline('p')
      .from(file('x/*.jsonl'))
      .validate(Event)
      .map((row) => ({ ...row, domain: row.user_id.split('@')[1] ?? '' }), { columns: { domain: 'string' } });
    const step = mapped.plan.steps[2];
    expect(step?.kind === 'map' && step.source).toContain('split(');
    expect(mapped.definition.mapFunctions).toHaveLength(1);
  });
});
