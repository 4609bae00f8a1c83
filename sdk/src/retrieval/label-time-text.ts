/**
 * Label times written as text, read strictly as ISO-8601 (and the space-separated form databases
 * print). JavaScript's Date.parse is no judge of that: it guesses at other shapes ('01/05/2024'
 * is January 5th to it, 1 May to half the world) and rolls impossible dates over ('2024-02-30'
 * becomes March 1st), and a label read a day or months off joins the wrong feature rows without
 * a word. So the fields are taken apart here and checked, and anything else is refused.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Epoch milliseconds of an ISO-8601 date or date-time, or undefined when the text is not one.
 * Without an offset the time is UTC (never the machine's zone); an offset may be `Z`, `±HH:MM`,
 * `±HHMM` or `±HH` (how DuckDB and PostgreSQL print TIMESTAMPTZ). Digits past the millisecond
 * are dropped, which floors.
 *
 * @example
 * ```ts
 * parseIsoInstant('2024-01-05 10:00:00+00')  // 1704448800000
 * parseIsoInstant('2024-01-05T15:30:00+05:30') // 1704448800000
 * parseIsoInstant('01/05/2024')              // undefined
 * parseIsoInstant('2024-02-30')              // undefined
 * ```
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((f) => (f === undefined ? undefined : Number(f))) as number[];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[4] === undefined && m[8] !== undefined) return undefined; // an offset needs a time of day
  const offset = m[8] === undefined ? 0 : offsetMs(m[8]);
  if (offset === undefined) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear keeps the year as written.
  const at = new Date(Date.UTC(2000, month! - 1, day!, hour, minute, second, ms));
  at.setUTCFullYear(year!);
  return at.getTime() - offset;
}

function daysIn(year: number, month: number): number {
  return [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** `Z`, `±HH`, `±HHMM` or `±HH:MM` as milliseconds east of UTC. */
function offsetMs(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}
