/**
 * Which top-level integer literals JSON.parse rounded. The property test writes the JSON text
 * itself, literal by literal, so the oracle is what it wrote: a literal was rounded exactly when
 * its integer has no double of the same value (BigInt of the correctly rounded Number differs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundedIntegerDigits, roundedIntegerLiterals, topLevelNumberLiterals } from '../../../sdk/src/sources/json-integer-literals.js';
import { parseJsonLine } from '../../../sdk/src/sources/jsonl-parser.js';
import { createCsvParser } from '../../../sdk/src/sources/csv-parser.js';

describe('topLevelNumberLiterals', () => {
  it('walks strings, escapes, nesting and white space to the top-level members', () => {
    const text = ' { "s" : "}\\"{,", "x" : [1, {"y": "]", "z": 9007199254740993}] , "d\\u0041": 1e3, "neg":-12 ,"o":{"big":9007199254740993}} ';
    expect(topLevelNumberLiterals(text)).toEqual(new Map([['dA', '1e3'], ['neg', '-12']]));
  });

  it('takes the last of a repeated key, as JSON.parse does', () => {
    expect(topLevelNumberLiterals('{"a":9007199254740993,"a":"x"}')).toEqual(new Map());
    expect(topLevelNumberLiterals('{"a":"x","a":9007199254740993}')).toEqual(new Map([['a', '9007199254740993']]));
  });
});

describe('roundedIntegerDigits', () => {
  it('names integers whose digits the double lost, in canonical digits', () => {
    expect(roundedIntegerDigits('9007199254740993', 9007199254740992)).toBe('9007199254740993');
    expect(roundedIntegerDigits(' +0009007199254740993 ', 9007199254740992)).toBe('9007199254740993');
    expect(roundedIntegerDigits('-1234567890123456789', -1234567890123456800)).toBe('-1234567890123456789');
  });

  it('leaves exact integers, small ones, and literals with a fraction or an exponent', () => {
    expect(roundedIntegerDigits('9007199254740992', 9007199254740992)).toBeUndefined(); // 2^53 is a double
    expect(roundedIntegerDigits('1152921504606846976', 2 ** 60)).toBeUndefined();
    expect(roundedIntegerDigits('12', 12)).toBeUndefined();
    expect(roundedIntegerDigits('1.5e19', 1.5e19)).toBeUndefined();
    expect(roundedIntegerDigits('12345678901234567891.0', 12345678901234567891.0)).toBeUndefined();
  });
});

/** A top-level member: its key and the JSON text of its value. */
const member = fc.record({
  key: fc.oneof(fc.constantFrom('id', 'n', 'a"b', 'k\\', 'ü', '__proto__'), fc.string({ maxLength: 4 })),
  value: fc.oneof(
    fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }).map((n) => n.toString()),
    fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 40n }).map((n) => n.toString()),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('null', 'true', '[9007199254740993, "}"]', '{"n": 12345678901234567891}'),
  ),
});

describe('roundedIntegerLiterals', () => {
  it('lists exactly the top-level integer literals whose value JSON.parse changed', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), fc.constantFrom('', ' ', '\n\t'), (members, space) => {
        const text = `{${members.map((m) => `${space}${JSON.stringify(m.key)}${space}:${space}${m.value}`).join(',')}${space}}`;
        const last = new Map(members.map((m) => [m.key, m.value]));
        const expected = new Map([...last].filter(([, v]) => /^-?\d+$/.test(v) && BigInt(Number(v)) !== BigInt(v)));
        expect(roundedIntegerLiterals(text, JSON.parse(text) as Record<string, unknown>) ?? new Map()).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the parsers mark the records', () => {
  it('JSON Lines: roundedIntegers beside the rounded value', () => {
    const record = parseJsonLine(3, '{"id": 1234567890123456789, "n": 5}');
    expect(record.value).toEqual({ id: 1234567890123456800, n: 5 });
    expect(record.roundedIntegers).toEqual(new Map([['id', '1234567890123456789']]));
    expect('roundedIntegers' in parseJsonLine(4, '{"id": 5}')).toBe(false);
  });

  it('CSV: a number column cell that Number() rounded; integer and text columns keep their text', () => {
    const parser = createCsvParser({ delimiter: ',', header: true, columnTypes: { n: 'number', i: 'integer', s: 'string' } });
    const [record] = [...parser.push('n,i,s\n+01234567890123456789,1234567890123456789,1234567890123456789\n'), ...parser.end()];
    expect(record!.value).toEqual({ n: 1234567890123456800, i: '1234567890123456789', s: '1234567890123456789' });
    expect(record!.roundedIntegers).toEqual(new Map([['n', '1234567890123456789']]));
  });
});
