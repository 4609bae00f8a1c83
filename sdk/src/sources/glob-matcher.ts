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
 * Compiles a glob into an anchored regular expression over `/`-separated paths.
 *
 * @example
 * ```ts
 * const re = globToRegExp('data/**\/*.{jsonl,csv}');
 * re.test('data/a/b/x.csv') // true
 * re.test('data/x.parquet') // false
 * ```
 */
export function globToRegExp(pattern: string): RegExp {
  const state = { pos: 0 };
  const body = compileSequence(pattern, state, false);
  if (state.pos < pattern.length) {
    throw new GlobSyntaxError(`unexpected "${pattern[state.pos]}" at position ${state.pos}`);
  }
  return new RegExp(`^${body}$`, 'u');
}

function compileSequence(pattern: string, state: { pos: number }, inBraces: boolean): string {
  let out = '';
  while (state.pos < pattern.length) {
    const ch = pattern[state.pos]!;
    if (inBraces && (ch === ',' || ch === '}')) return out;
    if (ch === '\\') {
      if (state.pos + 1 >= pattern.length) throw new GlobSyntaxError('the pattern ends with a lone "\\"');
      out += escapeRegExp(pattern[state.pos + 1]!);
      state.pos += 2;
    } else if (ch === '*') {
      out += compileStar(pattern, state);
    } else if (ch === '?') {
      out += '[^/]';
      state.pos++;
    } else if (ch === '[') {
      out += compileClass(pattern, state);
    } else if (ch === '{') {
      out += compileBraces(pattern, state);
    } else {
      out += escapeRegExp(ch);
      state.pos++;
    }
  }
  if (inBraces) throw new GlobSyntaxError('a "{" is never closed with "}"');
  return out;
}

function compileStar(pattern: string, state: { pos: number }): string {
  const start = state.pos;
  while (pattern[state.pos] === '*') state.pos++;
  const stars = state.pos - start;
  const atSegmentStart = start === 0 || pattern[start - 1] === '/';
  const atSegmentEnd = state.pos === pattern.length || pattern[state.pos] === '/';
  if (stars >= 2 && atSegmentStart && atSegmentEnd) {
    if (pattern[state.pos] === '/') {
      // `a/**/b` matches a/b, a/x/b, a/x/y/b: the segment and its slash are optional together.
      state.pos++;
      return '(?:[^/]*/)*';
    }
    return '.*';
  }
  return '[^/]*';
}

function compileClass(pattern: string, state: { pos: number }): string {
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

function compileBraces(pattern: string, state: { pos: number }): string {
  state.pos++; // past '{'
  const alternatives: string[] = [];
  for (;;) {
    alternatives.push(compileSequence(pattern, state, true));
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

/** Which hidden-name prefixes a pattern allows (see `isHiddenName`). */
export interface HiddenAllowance {
  readonly dot: boolean;
  readonly underscore: boolean;
}

/**
 * Names starting with `.` or `_` (`.DS_Store`, `_SUCCESS`, Spark's `_temporary/`) are not data,
 * by the Hadoop/Spark convention, and are skipped — unless the pattern itself spells a segment
 * starting with that character (`file('data/_raw/*.csv')`).
 *
 * @example
 * ```ts
 * isHiddenName('_SUCCESS', hiddenAllowance('out/*'))      // true
 * isHiddenName('_raw', hiddenAllowance('data/_raw/*.csv')) // false
 * ```
 */
export function isHiddenName(name: string, allow: HiddenAllowance): boolean {
  return (name.startsWith('.') && !allow.dot) || (name.startsWith('_') && !allow.underscore);
}

/**
 * The hidden-name allowance of a pattern: a segment starting with `.` (other than `.`/`..`) or `_`.
 *
 * @example
 * ```ts
 * hiddenAllowance('data/_raw/*.csv') // { dot: false, underscore: true }
 * ```
 */
export function hiddenAllowance(pattern: string): HiddenAllowance {
  const segments = pattern.split('/');
  return {
    dot: segments.some((s) => s.startsWith('.') && s !== '.' && s !== '..'),
    underscore: segments.some((s) => s.startsWith('_')),
  };
}
