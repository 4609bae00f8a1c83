/**
 * Feature store fixtures written the way the store writer lays them out (DESIGN §4):
 * `<root>/entity=<e>/feature_group=<g>/dt=YYYY-MM-DD/part-<x>.parquet` via DuckDB COPY (so the
 * column types are exactly DuckDB's: VARCHAR entity_id, TIMESTAMP feature_ts), plus the
 * catalog JSON. Independent of the code under test.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface FixtureColumn { name: string; type: 'DOUBLE' | 'BIGINT' | 'VARCHAR' }
export interface FixtureRow { entity_id: string; feature_ts: number; values: (number | string | bigint | null)[]; file?: string }
export interface FixtureGroup { group: string; columns: FixtureColumn[]; rows: FixtureRow[] }

export async function tempDir(prefix = 'sluice-ts-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Temp folders for one test file, removed after its tests: `const dirs = tempDirs(afterAll)`,
 * then `await dirs.make()` in each test.
 */
export function tempDirs(afterAll: (cleanup: () => Promise<void>) => void): { make(): Promise<string> } {
  const made: string[] = [];
  afterAll(async () => {
    for (const d of made) await rm(d, { recursive: true, force: true });
  });
  return {
    async make() {
      const dir = await tempDir();
      made.push(dir);
      return dir;
    },
  };
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const literal = (v: number | string | bigint | null, type: FixtureColumn['type']): string => {
  if (v === null) return `CAST(NULL AS ${type})`;
  if (type === 'VARCHAR') return sqlString(String(v));
  if (type === 'BIGINT') return `CAST(${String(v)} AS BIGINT)`;
  return `CAST(${String(v)} AS DOUBLE)`;
};
const tsLiteral = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
};

/** Writes the groups under `root` for `entity`; returns every data file path written, by dt. */
export async function writeStore(root: string, entity: string, groups: FixtureGroup[]): Promise<Map<string, string[]>> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const written = new Map<string, string[]>();
  try {
    for (const g of groups) {
      const byFile = new Map<string, FixtureRow[]>();
      for (const row of g.rows) {
        const dt = new Date(row.feature_ts).toISOString().slice(0, 10);
        const key = `${dt}|${row.file ?? 'a'}`;
        byFile.set(key, [...(byFile.get(key) ?? []), row]);
      }
      const partitions = new Set<string>();
      for (const [key, rows] of byFile) {
        const [dt, file] = key.split('|') as [string, string];
        partitions.add(dt);
        const dir = join(root, `entity=${entity}`, `feature_group=${g.group}`, `dt=${dt}`);
        await mkdir(dir, { recursive: true });
        const path = join(dir, `part-${file}.parquet`);
        const values = rows
          .map((r) => `(${sqlString(r.entity_id)}, ${tsLiteral(r.feature_ts)}, ${g.columns.map((col, i) => literal(r.values[i] ?? null, col.type)).join(', ')}, 'plan-1')`)
          .join(', ');
        const names = ['entity_id', 'feature_ts', ...g.columns.map((col) => col.name), '_plan_hash'].map((n) => `"${n}"`).join(', ');
        await c.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(${names})) TO ${sqlString(path)} (FORMAT PARQUET)`);
        written.set(dt, [...(written.get(dt) ?? []), path]);
      }
      const catalogDir = join(root, '_catalog', `entity=${entity}`);
      await mkdir(catalogDir, { recursive: true });
      await writeFile(join(catalogDir, `feature_group=${g.group}.json`), JSON.stringify({
        entity, group: g.group, pipeline: 'fixture', planHash: 'plan-1', plan: {},
        columns: [{ name: 'entity_id', type: 'VARCHAR' }, { name: 'feature_ts', type: 'TIMESTAMP' }, ...g.columns, { name: '_plan_hash', type: 'VARCHAR' }],
        features: g.columns.map((col) => col.name), every: '1h', windows: [], partitions: [...partitions].sort(), updatedAt: '2024-01-01T00:00:00.000Z',
      }, null, 2));
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return written;
}

/** The naive oracle: DESIGN §4 read literally, one label row and one group at a time. */
export function oracle(
  labels: { entity: string | null; ts: number | null }[],
  group: FixtureGroup,
  ttlMs: number | null,
): (number | string | bigint | null)[][] {
  return labels.map((label) => {
    if (label.entity === null || label.ts === null) return group.columns.map(() => null);
    const candidates = group.rows.filter(
      (r) => r.entity_id === label.entity && r.feature_ts <= label.ts! && (ttlMs === null || r.feature_ts > label.ts! - ttlMs),
    );
    if (candidates.length === 0) return group.columns.map(() => null);
    const latest = Math.max(...candidates.map((r) => r.feature_ts));
    const tied = candidates.filter((r) => r.feature_ts === latest);
    // Duplicates resolve to the smallest tuple of feature values, each ASC with nulls last.
    tied.sort((a, b) => {
      for (let i = 0; i < group.columns.length; i++) {
        const x = a.values[i] ?? null;
        const y = b.values[i] ?? null;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return x < y ? -1 : x > y ? 1 : 0;
      }
      return 0;
    });
    return [...tied[0]!.values.map((v) => v ?? null)];
  });
}

/**
 * A group of one Parquet file in `dt=2024-01-05`, written from a SELECT as it stands (for column
 * types `writeStore` does not make: DATE, TIMESTAMPTZ…), with its catalog entry. The SELECT is
 * run with DuckDB's session in UTC, so its literals name the same instants on any machine.
 */
export async function writeOneFileGroup(root: string, select: string, columns: { name: string; type: string }[]): Promise<void> {
  const dir = join(root, 'entity=user', 'feature_group=g', 'dt=2024-01-05');
  await mkdir(dir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`SET TimeZone = 'UTC'`);
    await c.run(`COPY (${select}) TO ${sqlString(join(dir, 'part-a.parquet'))} (FORMAT PARQUET)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  await mkdir(join(root, '_catalog', 'entity=user'), { recursive: true });
  await writeFile(join(root, '_catalog', 'entity=user', 'feature_group=g.json'), JSON.stringify({
    entity: 'user', group: 'g', pipeline: 'p', planHash: 'p', plan: {}, every: '1h', windows: [], partitions: ['2024-01-05'], updatedAt: '2024-01-05T00:00:00.000Z',
    columns, features: columns.map((col) => col.name).filter((n) => !['entity_id', 'feature_ts', '_plan_hash'].includes(n)),
  }));
}
