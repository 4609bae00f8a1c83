/**
 * A realistic, seeded clickstream for the demo: 2,000 users over 60 days, views, clicks and
 * purchases with amounts, and about 0.9% malformed rows of several kinds — so the quality
 * report has something true to say. Same seed, same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface DemoDataOptions {
  readonly dir: string;
  readonly users?: number;
  readonly days?: number;
  readonly eventsPerDay?: number;
  readonly seed?: number;
}

/** The kinds of bad rows the demo plants, each a mistake real producers make. */
export const MALFORMED_KINDS = ['truncated_json', 'amount_as_string', 'negative_amount', 'unknown_event_type', 'missing_user_id', 'bad_timestamp', 'bad_uuid'] as const;

const START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/**
 * Writes one `events-YYYY-MM-DD.jsonl` per day (every tenth day gzip-compressed) into `dir`.
 *
 * @example
 * ```ts
 * const { files, events, malformed } = await generateDemoEvents({ dir: 'data/events' });
 * ```
 */
export async function generateDemoEvents(options: DemoDataOptions): Promise<{ files: number; events: number; malformed: number }> {
  const users = options.users ?? 2_000;
  const days = options.days ?? 60;
  const perDay = options.eventsPerDay ?? 3_700;
  const random = mulberry32(options.seed ?? 20240101);
  await mkdir(options.dir, { recursive: true });
  // Activity is heavy-tailed, as in real products: a few users generate much of the traffic.
  const weights = Array.from({ length: users }, () => Math.exp(random() * 4));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative[users - 1]!;
  const pickUser = (): string => {
    const target = random() * total;
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return `u${String(lo + 1).padStart(5, '0')}`;
  };

  let events = 0;
  let malformed = 0;
  for (let d = 0; d < days; d++) {
    const weekday = new Date(START + d * DAY).getUTCDay();
    const count = Math.round(perDay * (weekday === 0 || weekday === 6 ? 0.8 : 1.07) * (0.9 + random() * 0.2));
    const times = Array.from({ length: count }, () => START + d * DAY + Math.floor(random() * DAY)).sort((a, b) => a - b);
    const lines: string[] = [];
    for (const ts of times) {
      const r = random();
      const event_type = r < 0.8 ? 'view' : r < 0.97 ? 'click' : 'purchase';
      const row: Record<string, unknown> = {
        event_id: uuid(random),
        user_id: pickUser(),
        event_type,
        amount: event_type === 'purchase' ? Math.round(Math.exp(3 + random() * 1.5) * 100) / 100 : null,
        ts: new Date(ts).toISOString(),
      };
      events++;
      if (random() < 0.009) {
        malformed++;
        lines.push(corrupt(row, MALFORMED_KINDS[Math.floor(random() * MALFORMED_KINDS.length)]!));
      } else lines.push(JSON.stringify(row));
    }
    const date = new Date(START + d * DAY).toISOString().slice(0, 10);
    const text = `${lines.join('\n')}\n`;
    if (d % 10 === 9) await writeFile(join(options.dir, `events-${date}.jsonl.gz`), gzipSync(text, { level: 6 }));
    else await writeFile(join(options.dir, `events-${date}.jsonl`), text);
  }
  return { files: days, events, malformed };
}

function corrupt(row: Record<string, unknown>, kind: (typeof MALFORMED_KINDS)[number]): string {
  switch (kind) {
    case 'truncated_json': return JSON.stringify(row).slice(0, 40);
    case 'amount_as_string': return JSON.stringify({ ...row, event_type: 'purchase', amount: '12.50' });
    case 'negative_amount': return JSON.stringify({ ...row, event_type: 'purchase', amount: -5 });
    case 'unknown_event_type': return JSON.stringify({ ...row, event_type: 'hover' });
    case 'missing_user_id': { const { user_id: _dropped, ...rest } = row; return JSON.stringify(rest); }
    case 'bad_timestamp': return JSON.stringify({ ...row, ts: 'yesterday at noon' });
    case 'bad_uuid': return JSON.stringify({ ...row, event_id: 'evt-42' });
  }
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * A small, fast, seedable PRNG (public domain), so the demo data is the same everywhere.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random() // 0.6011037519201636 (on every machine)
 * random() // 0.44829055899754167
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
