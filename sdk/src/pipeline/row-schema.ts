/**
 * What validate() takes — one z.object describing a row, or a z.discriminatedUnion of such
 * objects, one per kind of event — and the row type it gives the rest of the pipeline.
 */
import type { z } from 'zod';

/** A z.object row schema, or a z.discriminatedUnion of z.object row kinds. */
export type RowSchema = z.ZodObject<z.ZodRawShape> | z.ZodDiscriminatedUnion<readonly z.ZodObject<z.ZodRawShape>[]>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type IsUnion<T> = [T] extends [UnionToIntersection<T>] ? false : true;
type AllKeys<T> = T extends unknown ? keyof T : never;
/** A field's value in every kind; null in the kinds without it (its column is null in their rows). */
type ValueIn<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : null) : never;

/**
 * The stored row of a schema's output: an object as it is; for a union of kinds, one object
 * with every kind's fields, null where a kind lacks one — so `sum('amount')` type-checks when
 * only purchases have an amount, and a misspelt column is still a compile error.
 *
 * @example
 * ```ts
 * type Row = KindsMerged<{ event: 'view'; user_id: string } | { event: 'purchase'; user_id: string; amount: number }>;
 * // { event: 'view' | 'purchase'; user_id: string; amount: number | null }
 * ```
 */
export type KindsMerged<T> = [IsUnion<T>] extends [true] ? { [K in AllKeys<T> & string]: ValueIn<T, K> } : T;
