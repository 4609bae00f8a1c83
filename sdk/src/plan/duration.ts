import { PlanError } from '../errors.js';

/** A duration literal as users write it: `'15m'`, `'1h'`, `'1d'`, `'7d'`, `'30d'`. */
export type Duration = `${number}${'s' | 'm' | 'h' | 'd' | 'w'}`;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parses a duration literal into milliseconds.
 *
 * @example
 * ```ts
 * durationMs('7d') // 604800000
 * ```
 * @throws PlanError `INVALID_DURATION` for anything but a positive integer and one unit.
 */
export function durationMs(text: string, path = ''): number {
  const match = /^([1-9][0-9]*)(s|m|h|d|w)$/.exec(typeof text === 'string' ? text : '');
  if (!match) {
    throw new PlanError(
      'INVALID_DURATION',
      path,
      `${JSON.stringify(text)} is not a duration. Write a positive whole number and one unit: ` +
        `'30s', '15m', '1h', '1d', '7d', '2w'.`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
