/**
 * A top-level struct of scalars — a nested JSON object as Kinesis Data Firehose's Parquet
 * conversion stores it (`user struct<id:string,country:string>`), structs within structs
 * included — read from its leaves' chunks by flat column readers (parquet-flat-column.ts) and
 * put together row by row. The value is the one the converters make of hyparquet's: an object
 * with every field in the schema's order, a field null where it has no value, and the struct
 * itself null where it is (a leaf's definition level says how deep its path is present).
 *
 * hyparquet reads a nested column's whole chunk for every slice of rows it is asked for, so a
 * struct made an object's reading quadratic in its row group: 200k rows took 2.4 s.
 *
 * A struct holding a list or a map (or a leaf the flat reader does not take) is left to hyparquet.
 */
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { flatColumnKind, type FlatColumnReader } from './parquet-flat-column.js';

/** A scalar at the end of a struct's path: where its chunk is, what it is, how deep its definition levels go. */
export interface StructLeaf {
  readonly path: readonly string[];
  readonly element: SchemaElement;
  readonly maxLevel: number;
}

/** How a row's value is put together: a leaf's value, or an object of fields (null below `level`). */
export type Shape = { readonly leaf: number } | { readonly level: number; readonly firstLeaf: number; readonly fields: readonly { readonly name: string; readonly shape: Shape }[] };

/** A struct column's leaves (each read by its own chunk's reader) and how a row's value is put together from them. */
export interface StructPlan {
  readonly leaves: readonly StructLeaf[];
  readonly shape: Shape;
}

/**
 * The plan of a top-level column, its leaves in the order of its fields, if it is a struct of
 * scalars; else undefined.
 *
 * @example
 * ```ts
 * structPlan(parquetSchema(metadata).children[1]!)!.leaves // [{ path: ['user', 'id'], maxLevel: 2, … }, { path: ['user', 'country'], … }]
 * ```
 */
export function structPlan(column: SchemaTree): StructPlan | undefined {
  if (column.children.length === 0) return undefined;
  const leaves: StructLeaf[] = [];
  const shape = shapeOf(column, [], 0, leaves);
  return shape && { leaves, shape };
}

/** The shape of `node` (its leaves appended to `leaves`), or undefined if some part of it is not a struct of scalars. */
function shapeOf(node: SchemaTree, parentPath: readonly string[], parentLevel: number, leaves: StructLeaf[]): Shape | undefined {
  const { element } = node;
  const path = [...parentPath, element.name];
  // As hyparquet counts definition levels: every field on the path that is not REQUIRED.
  const level = parentLevel + (element.repetition_type === 'REQUIRED' ? 0 : 1);
  if (node.children.length === 0) {
    if (!flatColumnKind(element)) return undefined;
    leaves.push({ path, element, maxLevel: level });
    return { leaf: leaves.length - 1 };
  }
  // A LIST or MAP annotation, or a repeated group, is not a struct.
  if (element.repetition_type === 'REPEATED' || element.converted_type !== undefined || element.logical_type !== undefined) return undefined;
  const firstLeaf = leaves.length;
  const fields: { name: string; shape: Shape }[] = [];
  for (const child of node.children) {
    const shape = shapeOf(child, path, level, leaves);
    if (!shape) return undefined;
    fields.push({ name: child.element.name, shape });
  }
  return { level, firstLeaf, fields };
}

/**
 * A struct column's values, row by row, from one reader per leaf (in the plan's order).
 *
 * @example
 * ```ts
 * const user = new StructColumnReader(structPlan(schema.children[1]!)!, leafReaders);
 * user.next() // { id: 'u1', country: 'de' }, or null
 * ```
 */
export class StructColumnReader {
  private readonly shape: Shape;
  private readonly values: unknown[];
  private readonly levels: Uint8Array;

  constructor(
    plan: StructPlan,
    private readonly leaves: readonly FlatColumnReader[],
  ) {
    this.shape = plan.shape;
    this.values = new Array<unknown>(leaves.length);
    this.levels = new Uint8Array(leaves.length);
  }

  /** Passes over `count` rows. */
  skip(count: number): void {
    for (const leaf of this.leaves) leaf.skip(count);
  }

  /** The next row's value. */
  next(): unknown {
    for (let i = 0; i < this.leaves.length; i++) {
      const leaf = this.leaves[i]!;
      this.values[i] = leaf.next();
      this.levels[i] = leaf.level;
    }
    return this.build(this.shape);
  }

  private build(shape: Shape): unknown {
    if ('leaf' in shape) return this.values[shape.leaf];
    // Every leaf below a struct shares its presence: the first one's level tells.
    if (this.levels[shape.firstLeaf]! < shape.level) return null;
    const value: Record<string, unknown> = {};
    for (const { name, shape: field } of shape.fields) {
      // A field named "__proto__" stays a plain key (assignment would set the prototype).
      if (name === '__proto__') Object.defineProperty(value, name, { value: this.build(field), enumerable: true, writable: true, configurable: true });
      else value[name] = this.build(field);
    }
    return value;
  }
}
