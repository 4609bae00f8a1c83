/** The validation step: the schema (as JSON Schema, for the plan and its hash) and the batch gates. */
export interface ValidateNode {
  readonly kind: 'validate';
  /** `z.toJSONSchema(schema, { unrepresentable: 'any' })`; the live zod schema travels beside the plan. */
  readonly jsonSchema: unknown;
  readonly gates: GateSpec;
}

export interface GateSpec {
  /** Fail when rows_quarantined / rows_in exceeds this (0..1). */
  readonly maxInvalidRatio?: number;
  /** Columns (or column combinations) whose values must be unique among valid rows. */
  readonly unique?: readonly (string | readonly string[])[];
  /** Columns that must never be null among valid rows (beyond what the schema says). */
  readonly notNull?: readonly string[];
  /** Every non-null value of `column` must be found in `in` (a list of values, or a source's column). */
  readonly references?: readonly ReferenceSpec[];
  /** Compare column distributions with a stored profile. */
  readonly drift?: DriftSpec;
}

export interface ReferenceSpec {
  readonly column: string;
  readonly values: readonly (string | number)[];
}

export interface DriftSpec {
  /** Path of a profile written by an earlier run (`run({ saveProfile })`). */
  readonly baseline: string;
  /** Columns to compare. Default: every column except timestamps (each batch's times are later by nature) and ids (high-cardinality text). */
  readonly columns?: readonly string[];
  /** Population stability index above which the gate fails. Default 0.2. */
  readonly maxPsi: number;
}
