/**
 * A few of zod 4's messages read like a bug to someone seeing them first in a quality report:
 * "expected date, received Date" (an Invalid Date: text new Date() could not read), "expected
 * nonoptional, received undefined" (the key is missing). Issues keep zod's words — both
 * backends quarantine rows with exactly those — and the report's summary of a rule adds what
 * they mean in plain words.
 */
const GLOSSES: readonly (readonly [RegExp, string])[] = [
  [/^Invalid input: expected date, received Date$/, 'a missing value, or text new Date() could not read as a date (such as "yesterday", or an impossible date)'],
  [/^Invalid input: expected nonoptional, received undefined$/, 'the key is missing'],
  [/^Invalid input: expected number, received NaN$/, 'text or a missing value that Number() could not read as a number'],
];

/**
 * What a zod message means, for the ones that need it; undefined for the rest.
 *
 * @example
 * ```ts
 * zodMessageGloss('Invalid input: expected date, received Date') // 'a missing value, or text new Date() could not read as a date (…)'
 * zodMessageGloss('Too small: expected number to be >=0')         // undefined
 * ```
 */
export function zodMessageGloss(message: string): string | undefined {
  return GLOSSES.find(([pattern]) => pattern.test(message))?.[1];
}
