import { describe, expect, it } from 'vitest';
import { canMatchNonAscii, escapeRe2, jsRegexToRe2 } from '../../../sdk/src/quality/regex-to-re2.js';

describe('jsRegexToRe2', () => {
  it('translates the plain subset, rewriting JS `.` to exclude all four line terminators', () => {
    expect(jsRegexToRe2(/^[a-z]+\.com$/)).toBe('^[a-z]+\\.com$');
    expect(jsRegexToRe2(/^a.b$/)).toBe('^a[^\\n\\r\\x{2028}\\x{2029}]b$');
    expect(jsRegexToRe2(/^(?:ab|cd){2,3}?\d\w$/)).toBe('^(?:ab|cd){2,3}?\\d\\w$');
    expect(jsRegexToRe2(/\u00e9\x41/)).toBe('\\x{00e9}\\x{41}');
    expect(jsRegexToRe2(/^[A-Za-z0-9_'+\-]+$/)).toBe("^[A-Za-z0-9_'+\\-]+$");
  });

  it('refuses what RE2 and JS may read differently', () => {
    for (const re of [/a^b/, /a$b/, /(^a)/, /a/i, /a/u, /(?=a)/, /(?!a)/, /(?<=a)b/, /(a)\1/, /(?<n>a)/, /\s/, /[\s]/, /\p{L}/u, /[\b]/, /a{2000}/, /[]/, /\0/, /\cA/, /a}/, /[[:alpha:]]/, new RegExp('\\k<n>')]) {
      expect(jsRegexToRe2(re), String(re)).toBeUndefined();
    }
  });

  it('knows which patterns can see a non-ASCII character', () => {
    expect(canMatchNonAscii(jsRegexToRe2(/^[0-9a-f]{8}-[0-9a-f]{4}$/)!)).toBe(false);
    expect(canMatchNonAscii(jsRegexToRe2(/^[^@]+@x$/)!)).toBe(true);
    expect(canMatchNonAscii(jsRegexToRe2(/^.{2}$/)!)).toBe(true);
    expect(canMatchNonAscii(jsRegexToRe2(/^\W$/)!)).toBe(true);
    expect(canMatchNonAscii(jsRegexToRe2(/^é$/)!)).toBe(true);
    expect(canMatchNonAscii(jsRegexToRe2(/^\\D$/)!)).toBe(false); // an escaped backslash, then a literal D
  });

  it('escapes literals', () => {
    expect(escapeRe2('a.b*c(d)[e]{f}|g^h$i\\j-k+l?')).toBe('a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\-k\\+l\\?');
  });
});
