/**
 * A small glob matcher for object keys and file paths, so listing needs no dependency.
 *
 * Supported: `*` (any run of characters except `/`), `?` (one character except `/`),
 * `**` as a whole segment (zero or more segments), `{a,b}` alternatives (nestable),
 * `[abc]` / `[a-z]` / `[!abc]` classes, and `\` to escape the next character (for keys that
 * really contain `*`, `?`, `[`, `{`). Everything else is literal, including spaces, `+`,
 * `%` and `=` — a key is matched as its raw text, exactly as S3 stores it.
 */

const GLOB_CHARS = new Set(['*', '?', '[', '{']);

/** Thrown for a pattern that cannot be compiled (unbalanced `{` or `[`, trailing `\`). */
export class GlobSyntaxError extends Error {}

/**
 * Splits a glob into its literal leading part (used as the directory to walk or the S3 prefix
 * to list) and the rest. The literal part keeps escapes resolved.
 *
 * @example
 * ```ts
 * splitGlob('events/dt=2024-*\/*.jsonl') // { literal: 'events/dt=2024-', hasGlob: true }
 * splitGlob('events/a.jsonl')            // { literal: 'events/a.jsonl', hasGlob: false }
 * ```
 */
export function splitGlob(pattern: string): { literal: string; hasGlob: boolean } {
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      literal += pattern[++i];
      continue;
    }
    if (GLOB_CHARS.has(ch)) return { literal, hasGlob: true };
    literal += ch;
  }
  return { literal, hasGlob: false };
}

/**
 * Splits a glob at the last `/` of its literal leading part: the folder it starts in (escapes
 * resolved) and the raw pattern below that folder. A local listing walks from `folder`; a
 * landing bucket matches `rest` (see landing-keys.ts).
 *
 * @example
 * ```ts
 * splitGlobFolder('data/events/2024-*\/*.jsonl') // { folder: 'data/events/', rest: '2024-*\/*.jsonl' }
 * splitGlobFolder('data/rows.jsonl')            // { folder: 'data/', rest: 'rows.jsonl' }
 * ```
 */
export function splitGlobFolder(pattern: string): { folder: string; rest: string } {
  const { literal } = splitGlob(pattern);
  const folder = literal.slice(0, literal.lastIndexOf('/') + 1);
  // The folder's characters, counted in the raw pattern (an escape is two characters there).
  let i = 0;
  for (let consumed = 0; consumed < folder.length && i < pattern.length; consumed++) i += pattern[i] === '\\' ? 2 : 1;
  return { folder, rest: pattern.slice(i) };
}

/**
 * The literal text that every path a glob matches ends with, read from its last segment
 * (escapes resolved): `.csv.gz` for `events/**\/*.csv.gz`. Empty when the last segment ends in
 * a wildcard, or holds `[…]` or `{…}`: their common ending is not worth guessing.
 *
 * @example
 * ```ts
 * globLiteralSuffix('events/{a,b}/*.jsonl') // '.jsonl'
 * globLiteralSuffix('events/*.{jsonl,csv}') // ''
 * ```
 */
export function globLiteralSuffix(pattern: string): string {
  let tail = '';
  let complex = false;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      if (depth === 0) tail += pattern[i + 1] ?? '';
      i++;
    } else if (ch === '[') {
      i = classEnd(pattern, i);
      complex = true;
      tail = '';
    } else if (ch === '{') {
      depth++;
      complex = true;
      tail = '';
    } else if (ch === '}' && depth > 0) {
      depth--;
    } else if (depth > 0) {
      // Inside alternatives, a `/` is no segment boundary of the whole pattern.
    } else if (ch === '/') {
      tail = '';
      complex = false;
    } else if (ch === '*' || ch === '?') {
      tail = '';
    } else {
      tail += ch;
    }
  }
  return complex ? '' : tail;
}

/** Index of the `]` closing the class opened at `start`, read as `compileClass` reads it. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    i += pattern[i] === '\\' ? 2 : 1;
    first = false;
  }
  return i;
}

/** Options of `globToRegExp`. */
export interface GlobOptions {
  /**
   * Wildcards (`*`, `?`, `[…]`, `**`) do not match a path segment that starts with `.` or `_`
   * (`.DS_Store`, `_SUCCESS`, Spark's `_temporary/`): such a segment matches only where the
   * pattern spells that first character itself (`data/_raw/*.csv`, `.cache/*`). Decided per
   * segment, as a shell does for dot files. Default false: every segment is matched alike.
   */
  readonly skipHidden?: boolean;
}

/**
 * Compiles a glob into an anchored regular expression over `/`-separated paths.
 *
 * @example
 * ```ts
 * const re = globToRegExp('data/**\/*.{jsonl,csv}');
 * re.test('data/a/b/x.csv') // true
 * re.test('data/x.parquet') // false
 * globToRegExp('data/*', { skipHidden: true }).test('data/_SUCCESS') // false
 * ```
 */
export function globToRegExp(pattern: string, options: GlobOptions = {}): RegExp {
  const state = { pos: 0, skipHidden: options.skipHidden === true };
  const body = compileSequence(pattern, state, false, true);
  if (state.pos < pattern.length) {
    throw new GlobSyntaxError(`unexpected "${pattern[state.pos]}" at position ${state.pos}`);
  }
  return new RegExp(`^${body}$`, 'u');
}

interface CompileState {
  pos: number;
  readonly skipHidden: boolean;
}

/** Put before a wildcard that starts a segment: the segment may not start with `.` or `_`. */
const NOT_HIDDEN = '(?![._])';

/** `startsSegment`: the sequence begins a path segment (the pattern's start, after `/`, or a `{…}` there). */
function compileSequence(pattern: string, state: CompileState, inBraces: boolean, startsSegment: boolean): string {
  let out = '';
  let atSegmentStart = startsSegment;
  while (state.pos < pattern.length) {
    const ch = pattern[state.pos]!;
    if (inBraces && (ch === ',' || ch === '}')) return out;
    const guard = state.skipHidden && atSegmentStart ? NOT_HIDDEN : '';
    atSegmentStart = ch === '/';
    if (ch === '\\') {
      if (state.pos + 1 >= pattern.length) throw new GlobSyntaxError('the pattern ends with a lone "\\"');
      out += escapeRegExp(pattern[state.pos + 1]!);
      state.pos += 2;
    } else if (ch === '*') {
      out += compileStar(pattern, state, guard);
      // `**/` takes its slash with it: what follows starts a segment.
      atSegmentStart = pattern[state.pos - 1] === '/';
    } else if (ch === '?') {
      out += `${guard}[^/]`;
      state.pos++;
    } else if (ch === '[') {
      out += guard + compileClass(pattern, state);
    } else if (ch === '{') {
      out += compileBraces(pattern, state, guard !== '');
    } else {
      out += escapeRegExp(ch);
      state.pos++;
    }
  }
  if (inBraces) throw new GlobSyntaxError('a "{" is never closed with "}"');
  return out;
}

function compileStar(pattern: string, state: CompileState, guard: string): string {
  const start = state.pos;
  while (pattern[state.pos] === '*') state.pos++;
  const stars = state.pos - start;
  const atSegmentStart = start === 0 || pattern[start - 1] === '/';
  const atSegmentEnd = state.pos === pattern.length || pattern[state.pos] === '/';
  if (stars >= 2 && atSegmentStart && atSegmentEnd) {
    // Every segment `**` crosses is one the pattern does not spell: each gets the guard.
    const segment = `${state.skipHidden ? NOT_HIDDEN : ''}[^/]*`;
    if (pattern[state.pos] === '/') {
      // `a/**/b` matches a/b, a/x/b, a/x/y/b: the segment and its slash are optional together.
      state.pos++;
      return `(?:${segment}/)*`;
    }
    return state.skipHidden ? `${segment}(?:/${segment})*` : '.*';
  }
  return `${guard}[^/]*`;
}

function compileClass(pattern: string, state: CompileState): string {
  let i = state.pos + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let members = '';
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      members += escapeClassChar(pattern[i + 1]!);
      i += 2;
    } else if (ch === '-' && !first && pattern[i + 1] !== ']') {
      members += '-';
      i++;
    } else {
      members += escapeClassChar(ch);
      i++;
    }
    first = false;
  }
  if (i >= pattern.length) throw new GlobSyntaxError('a "[" is never closed with "]"');
  state.pos = i + 1;
  return negate ? `[^/${members}]` : `[${members}]`;
}

function compileBraces(pattern: string, state: CompileState, startsSegment: boolean): string {
  state.pos++; // past '{'
  const alternatives: string[] = [];
  for (;;) {
    alternatives.push(compileSequence(pattern, state, true, startsSegment));
    if (state.pos >= pattern.length) throw new GlobSyntaxError('a "{" is never closed with "}"');
    const ch = pattern[state.pos++];
    if (ch === '}') break;
  }
  return `(?:${alternatives.join('|')})`;
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeClassChar(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Names starting with `.` or `_` (`.DS_Store`, `_SUCCESS`, Spark's `_temporary/`) are not data,
 * by the Hadoop/Spark convention: listings skip them unless the pattern spells them.
 *
 * @example
 * ```ts
 * isHiddenName('_SUCCESS') // true
 * isHiddenName('part-0.parquet') // false
 * ```
 */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/**
 * Whether a pattern could spell a hidden segment: a `.` or `_` at the start of a segment or of
 * a `{…}` alternative. A lister walks into hidden folders (`.git/`) only then; which keys match
 * is still decided by `globToRegExp(pattern, { skipHidden: true })`.
 *
 * @example
 * ```ts
 * mayNameHidden('**\/_delta_log/*.json') // true
 * mayNameHidden('**\/*.jsonl')           // false
 * ```
 */
export function mayNameHidden(pattern: string): boolean {
  return /(?:^|[/{,])[._]/.test(pattern);
}
