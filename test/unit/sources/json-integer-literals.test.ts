/**
 * Which integer literals JSON.parse rounded, at any depth of nested objects. The property test
 * writes the JSON text itself, literal by literal, so the oracle is what it wrote: a literal was rounded exactly when
 * its integer has no double of the same value (BigInt of the correctly rounded Number differs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberLiterals, roundedIntegerDigits, roundedIntegerLiterals } from '../../../sdk/src/sources/json-integer-literals.js';
import { parseJsonLine } from '../../../sdk/src/sources/jsonl-parser.js';
import { createCsvParser } from '../../../sdk/src/sources/csv-parser.js';

describe('numberLiterals', () => {
  it('walks strings, escapes, arrays (not looked into) and white space to the members of objects at any depth', () => {
    const text = ' { "s" : "}\\"{,", "x" : [1, {"y": "]", "z": 9007199254740993}] , "d\\u0041": 1e3, "neg":-12 ,"o":{"big":9007199254740993, "p": {"q": "}", "r": 0}}} ';
    expect(numberLiterals(text)).toEqual(new Map<string, unknown>([['dA', '1e3'], ['neg', '-12'], ['o', new Map<string, unknown>([['big', '9007199254740993'], ['p', new Map([['r', '0']])]])]]));
  });

  it('takes the last of a repeated key, as JSON.parse does', () => {
    expect(numberLiterals('{"a":9007199254740993,"a":"x"}')).toEqual(new Map());
    expect(numberLiterals('{"a":"x","a":9007199254740993}')).toEqual(new Map([['a', '9007199254740993']]));
    expect(numberLiterals('{"a":{"b":1},"a":{"c":2}}')).toEqual(new Map([['a', new Map([['c', '2']])]]));
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
    expect(roundedIntegerDigits('1234567890123456800', 1234567890123456800)).toBeUndefined(); // JSON.stringify's spelling of that double
    expect(roundedIntegerDigits('12', 12)).toBeUndefined();
    expect(roundedIntegerDigits('1.5e19', 1.5e19)).toBeUndefined();
    expect(roundedIntegerDigits('12345678901234567891.0', 12345678901234567891.0)).toBeUndefined();
  });
});

/** A JSON value as text, and the integer literals in it (not inside arrays) that a double cannot hold. */
interface Written {
  readonly text: string;
  readonly rounded: readonly { readonly path: readonly string[]; readonly digits: string }[];
}
/**
 * A number literal. An integer one is rounded when the double read from it is another integer
 * and prints otherwise (JSON.stringify writes doubles below 1e21 as integers: those print as written).
 */
const numberText = (text: string): Written => ({ text, rounded: /^-?\d+$/.test(text) && BigInt(Number(text)) !== BigInt(text) && String(Number(text)) !== text ? [{ path: [], digits: text }] : [] });
const integerText = (n: bigint): Written => numberText(n.toString());
const scalar: fc.Arbitrary<Written> = fc.oneof(
  fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }).map(integerText),
  fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 40n }).map(integerText),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => numberText(JSON.stringify(d))),
  fc.string({ maxLength: 6 }).map((t) => ({ text: JSON.stringify(t), rounded: [] })),
  fc.constantFrom('null', 'true', '[9007199254740993, "}"]', '[{"n": 12345678901234567891}]').map((text) => ({ text, rounded: [] })),
);
const key = fc.oneof(fc.constantFrom('id', 'n', 'a"b', 'k\\', 'ü', '__proto__'), fc.string({ maxLength: 4 }));
/** Objects nested up to three deep, written member by member; a repeated key's last value is what JSON.parse keeps. */
const { object } = fc.letrec<{ object: Written }>((tie) => ({
  object: fc.tuple(fc.array(fc.tuple(key, fc.oneof({ maxDepth: 3 }, scalar, scalar, tie('object'))), { maxLength: 5 }), fc.constantFrom('', ' ', '\n\t')).map(([members, space]) => {
    const last = new Map(members);
    return {
      text: `{${members.map(([k, v]) => `${space}${JSON.stringify(k)}${space}:${space}${v.text}`).join(',')}${space}}`,
      rounded: [...last].flatMap(([k, v]) => v.rounded.map((r) => ({ path: [k, ...r.path], digits: r.digits }))),
    };
  }),
}));
const byPath = (rounded: readonly { readonly path: readonly string[] }[]) => [...rounded].sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));

describe('roundedIntegerLiterals', () => {
  it('lists exactly the integer literals, in objects at any depth, whose value JSON.parse changed', () => {
    fc.assert(
      fc.property(object, ({ text, rounded }) => {
        expect(byPath(roundedIntegerLiterals(text, JSON.parse(text) as Record<string, unknown>) ?? [])).toEqual(byPath(rounded));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the parsers mark the records', () => {
  it('JSON Lines: roundedIntegers beside the rounded value', () => {
    const record = parseJsonLine(3, '{"id": 1234567890123456789, "n": 5}');
    expect(record.value).toEqual({ id: 1234567890123456800, n: 5 });
    expect(record.roundedIntegers).toEqual([{ path: ['id'], digits: '1234567890123456789' }]);
    expect(parseJsonLine(5, '{"user": {"id": 9007199254740993}}').roundedIntegers).toEqual([{ path: ['user', 'id'], digits: '9007199254740993' }]);
    expect('roundedIntegers' in parseJsonLine(4, '{"id": 5}')).toBe(false);
  });

  it('CSV: a number column cell that Number() rounded; integer and text columns keep their text', () => {
    const parser = createCsvParser({ delimiter: ',', header: true, columnTypes: { n: 'number', i: 'integer', s: 'string' } });
    const [record] = [...parser.push('n,i,s\n+01234567890123456789,1234567890123456789,1234567890123456789\n'), ...parser.end()];
    expect(record!.value).toEqual({ n: 1234567890123456800, i: '1234567890123456789', s: '1234567890123456789' });
    expect(record!.roundedIntegers).toEqual([{ path: ['n'], digits: '1234567890123456789' }]);
  });
});
