/**
 * The row type after validate(): zod's output with nested z.object fields flattened, as
 * sluice stores them (describe-schema.ts): `{ user: { id: string } }` becomes
 * `{ user_id: string }`, so that `window({ entity: 'user_id' })` type-checks and a misspelt
 * column stays a compile error. Fields of a nested object that may be missing or null may be null.
 */

/** Values stored as they are: not flattened. */
type Stored = string | number | bigint | boolean | Date | null | undefined;

/** True when a field's value (null and missing aside) is an object sluice flattens. */
type IsNested<V> = unknown extends V
  ? false // unknown or any: a schema typed loosely (z.ZodType) says nothing to flatten
  : [NonNullable<V>] extends [never]
  ? false
  : NonNullable<V> extends Stored
    ? false
    : NonNullable<V> extends readonly unknown[]
      ? false
      : NonNullable<V> extends object
        ? true
        : false;

/** `null` when the enclosing object itself may be null or missing. */
type LackingOf<V> = null extends V ? null : undefined extends V ? null : never;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

type Prefixed<R, K extends string, Lacking> = { [P in keyof R & string as `${K}_${P}`]: R[P] | Lacking };

/** Levels flattened; deeper (a recursive schema, which validate() refuses at run time) stays as it is. */
type MaxDepth = 6;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A validated row as stored.
 *
 * @example
 * ```ts
 * type Row = FlatRow<{ user: { id: string; country: string | null } | null; ts: Date }>;
 * // { ts: Date; user_id: string | null; user_country: string | null }
 * ```
 */
export type FlatRow<T, Depth extends unknown[] = []> = Depth['length'] extends MaxDepth
  ? T
  : Simplify<
      { [K in keyof T & string as IsNested<T[K]> extends true ? never : K]: T[K] } &
        UnionToIntersection<{ [K in keyof T & string]: IsNested<T[K]> extends true ? Prefixed<FlatRow<NonNullable<T[K]>, [...Depth, unknown]>, K, LackingOf<T[K]>> : {} }[keyof T & string]>
    >;
