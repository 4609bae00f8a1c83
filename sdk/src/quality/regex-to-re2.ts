/**
 * Translates a JavaScript regular expression into an RE2 pattern (DuckDB's engine) that
 * matches exactly the same strings — or refuses. A refusal is not an error: the check is then
 * left to zod. Only a small, well-understood subset is accepted; everything else (lookaround,
 * backreferences, flags, `\s`, named groups, unicode escapes) is refused, because there the
 * two engines disagree or we cannot be sure that they agree.
 *
 * Agreement also needs the subject string to be free of characters outside the Basic
 * Multilingual Plane: without the `u` flag JS matches UTF-16 code units, RE2 code points.
 * The SQL compiler therefore only trusts a regex on strings without such characters
 * (see `ASTRAL_CHARACTER_RE2`).
 */

/** Matches any character outside the BMP; strings containing one are left to zod. */
export const ASTRAL_CHARACTER_RE2 = '[\\x{10000}-\\x{10FFFF}]';

/** JS `.` without the `s` flag excludes these four line terminators; RE2's `.` only `\n`. */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

const SIMPLE_ESCAPES = new Set(['d', 'D', 'w', 'W', 'n', 'r', 't', 'f', 'v']);
const PUNCTUATION_ESCAPES = new Set(['^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/', '-', '\\']);

/**
 * Returns an RE2 pattern equivalent to `regex` for `RegExp.prototype.test` (an unanchored
 * search), or `undefined` when equivalence cannot be guaranteed.
 *
 * @example
 * ```ts
 * jsRegexToRe2(/^[a-z]+\.com$/)  // '^[a-z]+\\.com$'
 * jsRegexToRe2(/^(?=a)/)          // undefined (lookahead)
 * ```
 */
export function jsRegexToRe2(regex: RegExp): string | undefined {
  if (regex.flags !== '') return undefined;
  return translate(regex.source);
}

/**
 * Whether the pattern has an element that can match a non-ASCII character (`.`, a negated
 * class, `\D`, `\W`, a non-ASCII literal). Only such patterns can see the UTF-16/code-point
 * difference, so only they need the subject to be free of astral characters.
 *
 * @example
 * ```ts
 * canMatchNonAscii('^[0-9a-f]{8}$') // false
 * canMatchNonAscii('^[^@]+@')       // true
 * ```
 */
export function canMatchNonAscii(re2: string): boolean {
  // Read on the translated pattern: `.` was rewritten to a negated class, escapes are ASCII.
  for (let i = 0; i < re2.length; i++) {
    const ch = re2[i]!;
    if (ch === '\\') {
      const next = re2[i + 1];
      if (next === 'D' || next === 'W') return true;
      if (next === 'x') {
        const hex = /^\{([0-9a-fA-F]+)\}/.exec(re2.slice(i + 2));
        if (hex && parseInt(hex[1]!, 16) > 0x7f) return true;
      }
      i++;
    } else if (ch === '[' && re2[i + 1] === '^') return true;
    else if (ch.charCodeAt(0) > 0x7f) return true;
  }
  return false;
}

function translate(source: string): string | undefined {
  let out = '';
  let i = 0;
  let depth = 0;
  // Whether the previous token can take a quantifier (a quantifier after `(` or `|` is an error in JS).
  let quantifiable = false;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const escape = translateEscape(source, i, false);
      if (!escape) return undefined;
      out += escape.text;
      i = escape.next;
      quantifiable = true;
    } else if (ch === '[') {
      const cls = translateClass(source, i);
      if (!cls) return undefined;
      out += cls.text;
      i = cls.next;
      quantifiable = true;
    } else if (ch === '(') {
      if (source[i + 1] === '?') {
        if (source[i + 2] !== ':') return undefined; // lookaround, named groups, modifiers
        out += '(?:';
        i += 3;
      } else {
        out += '(';
        i += 1;
      }
      depth += 1;
      quantifiable = false;
    } else if (ch === ')') {
      if (depth === 0) return undefined;
      depth -= 1;
      out += ')';
      i += 1;
      quantifiable = true;
    } else if (ch === '*' || ch === '+' || ch === '?') {
      if (!quantifiable) return undefined;
      out += ch;
      i += 1;
      if (source[i] === '?') {
        out += '?';
        i += 1;
      }
      quantifiable = false;
    } else if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m || !quantifiable) return undefined;
      const low = Number(m[1]);
      const high = m[3] === undefined || m[3] === '' ? low : Number(m[3]);
      // RE2 rejects repetition counts above 1000; a reversed range is an error in JS.
      if (low > 1000 || high > 1000 || (m[3] !== undefined && m[3] !== '' && high < low)) return undefined;
      out += m[0];
      i += m[0].length;
      if (source[i] === '?') {
        out += '?';
        i += 1;
      }
      quantifiable = false;
    } else if (ch === '}' || ch === ']') {
      return undefined; // a literal brace or bracket: legal in JS (annex B), best not guessed at
    } else if (ch === '.') {
      out += JS_DOT;
      i += 1;
      quantifiable = true;
    } else if (ch === '^' || ch === '$') {
      // Only `^` first and `$` last. JS (no m flag) and RE2 agree on inner anchors, but DuckDB
      // rewrites literal-like patterns into substring tests and drops them: regexp_matches over
      // a column says 'a^b' matches "ab". Such patterns are rare enough to leave to zod.
      if (ch === '^' ? i !== 0 : i !== source.length - 1) return undefined;
      out += ch;
      i += 1;
      quantifiable = false;
    } else if (ch === '|') {
      out += '|';
      i += 1;
      quantifiable = false;
    } else {
      const code = ch.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return undefined;
      out += ch;
      i += 1;
      quantifiable = true;
    }
  }
  return depth === 0 ? out : undefined;
}

function translateEscape(source: string, i: number, inClass: boolean): { text: string; next: number } | undefined {
  const next = source[i + 1];
  if (next === undefined) return undefined;
  if (SIMPLE_ESCAPES.has(next)) return { text: `\\${next}`, next: i + 2 };
  if (PUNCTUATION_ESCAPES.has(next)) return { text: next === '/' ? '/' : `\\${next}`, next: i + 2 };
  if (!inClass && (next === 'b' || next === 'B')) return { text: `\\${next}`, next: i + 2 };
  if (next === 'u') {
    const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 2))?.[0];
    if (!hex) return undefined;
    const code = parseInt(hex, 16);
    if (code >= 0xd800 && code <= 0xdfff) return undefined;
    return { text: `\\x{${hex}}`, next: i + 6 };
  }
  if (next === 'x') {
    const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(i + 2))?.[0];
    if (!hex) return undefined;
    return { text: `\\x{${hex}}`, next: i + 4 };
  }
  // \s (JS includes Unicode spaces; RE2 does not), \0, \cX, backreferences, \p{…}, identity escapes.
  return undefined;
}

function translateClass(source: string, start: number): { text: string; next: number } | undefined {
  let i = start + 1;
  let out = '[';
  if (source[i] === '^') {
    out += '^';
    i += 1;
  }
  // An empty class `[]` matches nothing in JS but is a syntax error in RE2; `[^]` matches anything.
  if (source[i] === ']') return undefined;
  while (i < source.length && source[i] !== ']') {
    const ch = source[i]!;
    if (ch === '\\') {
      const escape = translateEscape(source, i, true);
      if (!escape) return undefined;
      out += escape.text;
      i = escape.next;
    } else if (ch === '[') {
      // RE2 reads `[:alpha:]` inside a class as a POSIX class; JS reads a literal bracket.
      if (source[i + 1] === ':') return undefined;
      out += '\\[';
      i += 1;
    } else {
      const code = ch.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return undefined;
      out += ch;
      i += 1;
    }
  }
  if (source[i] !== ']') return undefined;
  return { text: `${out}]`, next: i + 1 };
}

/**
 * Escapes a literal string for use inside an RE2 pattern.
 *
 * @example
 * ```ts
 * escapeRe2('a.b') // 'a\\.b'
 * ```
 */
export function escapeRe2(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}-]/g, (c) => `\\${c}`);
}
