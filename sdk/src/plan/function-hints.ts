/**
 * What to write instead of the functions people reach for that the portable subset does not
 * have: each a DuckDB, Spark or Trino name (or a habit from another SQL) with the way to say
 * the same thing in the subset, or why it cannot be said.
 */
const HINTS: Readonly<Record<string, string>> = {
  date_diff: 'For a duration subtract instants: (epoch_ms(b) - epoch_ms(a)) / 86400000 is days.',
  datediff: 'For a duration subtract instants: (epoch_ms(b) - epoch_ms(a)) / 86400000 is days.',
  timestampdiff: 'For a duration subtract instants: (epoch_ms(b) - epoch_ms(a)) / 3600000 is hours.',
  date_part: 'Use the parts: year(ts), month(ts), day(ts), hour(ts), minute(ts), second(ts), day_of_week(ts), day_of_year(ts).',
  extract: 'Use the parts: year(ts), month(ts), day(ts), hour(ts), minute(ts), second(ts), day_of_week(ts), day_of_year(ts).',
  dayofweek: 'Use day_of_week(ts): ISO, 1 = Monday … 7 = Sunday (Spark\'s dayofweek counts from Sunday).',
  weekday: 'Use day_of_week(ts): ISO, 1 = Monday … 7 = Sunday.',
  isodow: 'Use day_of_week(ts): ISO, 1 = Monday … 7 = Sunday.',
  dow: 'Use day_of_week(ts): ISO, 1 = Monday … 7 = Sunday.',
  dayofmonth: 'Use day(ts).',
  dayofyear: 'Use day_of_year(ts).',
  strftime: 'Text forms of instants differ between the dialects: use the parts (year(ts), month(ts)…) or date_trunc(\'day\', ts).',
  date_format: 'Text forms of instants differ between the dialects: use the parts (year(ts), month(ts)…) or date_trunc(\'day\', ts).',
  to_char: 'Text forms of instants differ between the dialects: use the parts (year(ts), month(ts)…) or date_trunc(\'day\', ts).',
  now: 'A row\'s values must not depend on when the pipeline runs (a re-run must write the same files). In window({ derive }), feature_ts is the row\'s boundary: (epoch_ms(feature_ts) - epoch_ms(last_seen)) / 3600000.',
  current_timestamp: 'A row\'s values must not depend on when the pipeline runs (a re-run must write the same files). In window({ derive }), feature_ts is the row\'s boundary.',
  current_date: 'A row\'s values must not depend on when the pipeline runs (a re-run must write the same files). In window({ derive }), feature_ts is the row\'s boundary.',
  unix_millis: 'Use epoch_ms(ts).',
  to_unixtime: 'Use epoch_ms(ts) / 1000.',
  epoch: 'Use epoch_ms(ts) / 1000.',
  regexp_matches: 'Regular expressions differ between DuckDB (RE2), Spark (Java) and Trino: check formats in the zod schema (.regex()), or use starts_with(), ends_with(), contains(), split_part().',
  regexp_like: 'Regular expressions differ between DuckDB (RE2), Spark (Java) and Trino: check formats in the zod schema (.regex()), or use starts_with(), ends_with(), contains(), split_part().',
  regexp_extract: 'Regular expressions differ between DuckDB (RE2), Spark (Java) and Trino: split_part() takes a part between delimiters, e.g. split_part(email, \'@\', 2).',
  regexp_replace: 'Regular expressions differ between DuckDB (RE2), Spark (Java) and Trino: replace(s, \'search\', r) replaces a fixed text.',
  strpos: 'contains(s, part) says whether it occurs.',
  instr: 'contains(s, part) says whether it occurs.',
  position: 'contains(s, part) says whether it occurs.',
  startswith: 'Use starts_with(s, prefix).',
  endswith: 'Use ends_with(s, suffix).',
  len: 'Use length(s).',
  char_length: 'Use length(s).',
  substring: 'Use substr(s, start, length).',
  if: 'Use CASE WHEN condition THEN a ELSE b END.',
  iif: 'Use CASE WHEN condition THEN a ELSE b END.',
  ifnull: 'Use coalesce(a, b).',
  nvl: 'Use coalesce(a, b).',
  log: 'Use ln(x) (natural), or ln(x) / ln(10) for base 10.',
  log10: 'Use ln(x) / ln(10).',
  log2: 'Use ln(x) / ln(2).',
  pow: 'Use power(x, y).',
};

/**
 * The advice for a function the subset does not have, when there is some.
 *
 * @example
 * ```ts
 * functionHint('date_diff') // 'For a duration subtract instants: (epoch_ms(b) - epoch_ms(a)) / 86400000 is days.'
 * functionHint('frobnicate') // undefined
 * ```
 */
export function functionHint(name: string): string | undefined {
  return Object.hasOwn(HINTS, name.toLowerCase()) ? HINTS[name.toLowerCase()] : undefined;
}
