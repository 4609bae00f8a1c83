import type { ParsedExpression } from './expression-node.js';

/** `.derive({ col: 'expr' })`: columns computed by shared-SQL expressions (vectorised everywhere). */
export interface DeriveNode {
  readonly kind: 'derive';
  readonly columns: readonly { readonly name: string; readonly expression: ParsedExpression }[];
}

/**
 * `.map(fn)`: a self-contained JS function applied per valid row. Its source text is the
 * plan's record of it (hash, promote); the live function travels beside the plan.
 */
export interface MapNode {
  readonly kind: 'map';
  readonly source: string;
  /** Output columns, when declared (`.map(fn, { columns })`) — lets later steps be checked. */
  readonly columns?: readonly string[];
}

export type TransformNode = DeriveNode | MapNode;
