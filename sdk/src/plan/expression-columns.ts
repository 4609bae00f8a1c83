import type { ExprNode } from './expression-node.js';

/**
 * The columns an expression reads, in order of appearance (with repeats).
 *
 * @example
 * ```ts
 * expressionColumns(parseExpression('clicks / views', columns, 'p').node) // ['clicks', 'views']
 * ```
 */
export function expressionColumns(node: ExprNode): string[] {
  switch (node.kind) {
    case 'column': return [node.name];
    case 'literal': return [];
    case 'binary': return [...expressionColumns(node.left), ...expressionColumns(node.right)];
    case 'unary': case 'isNull': case 'cast': return expressionColumns(node.operand);
    case 'in': return [node.operand, ...node.list].flatMap(expressionColumns);
    case 'between': return [node.operand, node.low, node.high].flatMap(expressionColumns);
    case 'case': return [...node.whens.flatMap((w) => [w.when, w.then]), ...(node.else ? [node.else] : [])].flatMap(expressionColumns);
    case 'call': return node.args.flatMap(expressionColumns);
  }
}
