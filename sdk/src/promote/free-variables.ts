/**
 * Finds the free variables of a `.map()` function from its source text: names it reads or
 * assigns that it does not declare itself and that are not JavaScript globals. A promoted
 * function runs in Lambda, far from the notebook it was written in, so it must not close over
 * notebook variables. Scope-aware (params, var/let/const, function and class names, catch
 * parameters, block scopes), on the ESTree from acorn.
 */
import { parse, type Node } from 'acorn';
import { PlanError } from '../errors.js';

/** Globals a self-contained transform may use: they exist identically in Lambda. */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'Math', 'JSON', 'Date', 'String', 'Number', 'Boolean', 'BigInt', 'Array', 'Object', 'Symbol', 'RegExp',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Error', 'TypeError', 'RangeError', 'Intl', 'URL', 'URLSearchParams',
  'TextEncoder', 'TextDecoder', 'console', 'undefined', 'NaN', 'Infinity', 'parseInt', 'parseFloat',
  'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'structuredClone',
  'arguments',
]);

type AnyNode = Node & Record<string, any>;

/**
 * The free variables of a function's source text, in order of first use.
 *
 * @example
 * ```ts
 * freeVariables('(row) => ({ ...row, big: row.amount > threshold })') // ['threshold']
 * freeVariables('(row) => ({ ...row, day: new Date(row.ts).getUTCDay() })') // []
 * ```
 * @throws PlanError `MAP_SOURCE_UNPARSEABLE` when the text is not a JavaScript function.
 */
export function freeVariables(source: string, path = 'map'): string[] {
  const program = parseFunction(source, path);
  const free: string[] = [];
  const seen = new Set<string>();
  const reference = (name: string, scope: Scope) => {
    if (scope.has(name) || ALLOWED_GLOBALS.has(name) || seen.has(name)) return;
    seen.add(name);
    free.push(name);
  };
  visit(program, new Scope(undefined), reference);
  return free;
}

/**
 * Refuses a `.map()` function that is not self-contained, naming the variable.
 *
 * @example
 * ```ts
 * assertSelfContained('(row) => ({ ...row, k: row.x * factor })', 'steps[2]')
 * // PlanError MAP_NOT_SELF_CONTAINED: The .map() function at steps[2] uses "factor", ...
 * ```
 */
export function assertSelfContained(source: string, path: string): void {
  const free = freeVariables(source, path);
  if (free.length === 0) return;
  const names = free.map((n) => `"${n}"`).join(', ');
  throw new PlanError(
    'MAP_NOT_SELF_CONTAINED',
    path,
    `The .map() function uses ${names}, defined outside the function. A promoted transform runs in AWS Lambda, ` +
      `where the notebook's variables do not exist. Define ${free.length === 1 ? 'it' : 'them'} inside the function ` +
      `(e.g. const ${free[0]} = ...; at the top of its body), or use .derive() with a literal.`,
  );
}

function parseFunction(source: string, path: string): AnyNode {
  const attempts = [`(${source})`, `({${source}})`]; // an expression, or a method shorthand `map(row) {...}`
  let lastError: unknown;
  for (const text of attempts) {
    try {
      return parse(text, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
    } catch (error) {
      lastError = error;
    }
  }
  throw new PlanError('MAP_SOURCE_UNPARSEABLE', path,
    `The .map() function's source text could not be read as JavaScript (${(lastError as Error).message}). Pass an arrow function or function expression.`,
    { cause: lastError });
}

class Scope {
  private readonly names = new Set<string>();
  constructor(private readonly parent: Scope | undefined) {}
  declare(name: string): void { this.names.add(name); }
  has(name: string): boolean { return this.names.has(name) || (this.parent?.has(name) ?? false); }
  child(): Scope { return new Scope(this); }
}

/** Names bound by a pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`). */
function patternNames(pattern: AnyNode | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier': out.push(pattern.name); break;
    case 'ObjectPattern': for (const p of pattern.properties) patternNames(p.type === 'RestElement' ? p.argument : p.value, out); break;
    case 'ArrayPattern': for (const e of pattern.elements) patternNames(e, out); break;
    case 'RestElement': patternNames(pattern.argument, out); break;
    case 'AssignmentPattern': patternNames(pattern.left, out); break;
  }
  return out;
}

/** Visits the non-binding parts of a pattern: default values and computed keys. */
function visitPattern(pattern: AnyNode | null | undefined, scope: Scope, ref: (n: string, s: Scope) => void): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'ObjectPattern':
      for (const p of pattern.properties) {
        if (p.type === 'RestElement') visitPattern(p.argument, scope, ref);
        else { if (p.computed) visit(p.key, scope, ref); visitPattern(p.value, scope, ref); }
      }
      break;
    case 'ArrayPattern': for (const e of pattern.elements) visitPattern(e, scope, ref); break;
    case 'RestElement': visitPattern(pattern.argument, scope, ref); break;
    case 'AssignmentPattern': visitPattern(pattern.left, scope, ref); visit(pattern.right, scope, ref); break;
    case 'MemberExpression': visit(pattern, scope, ref); break; // assignment target like `obj.x`
  }
}

/** Declarations hoisted into a scope: let/const/class/function of this block; with a function scope, every nested `var` too. */
function hoist(statements: AnyNode[], scope: Scope, functionScope: boolean): void {
  for (const s of statements) {
    if (s.type === 'VariableDeclaration' && (s.kind !== 'var' || functionScope)) {
      for (const d of s.declarations) for (const n of patternNames(d.id)) scope.declare(n);
    } else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) {
      scope.declare(s.id.name);
    }
  }
  if (functionScope) for (const s of statements) collectVars(s, scope);
}

function collectVars(node: AnyNode | null | undefined, scope: Scope): void {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return;
  if (node.type === 'VariableDeclaration' && node.kind === 'var') for (const d of node.declarations) for (const n of patternNames(d.id)) scope.declare(n);
  for (const [key, child] of Object.entries(node)) {
    if (key === 'type') continue;
    if (Array.isArray(child)) for (const c of child) collectVars(c as AnyNode, scope);
    else if (child && typeof child === 'object') collectVars(child as AnyNode, scope);
  }
}

function visitFunction(node: AnyNode, scope: Scope, ref: (n: string, s: Scope) => void): void {
  const inner = scope.child();
  if (node.type === 'FunctionExpression' && node.id) inner.declare(node.id.name);
  for (const p of node.params) for (const n of patternNames(p)) inner.declare(n);
  if (node.body.type === 'BlockStatement') hoist(node.body.body, inner, true);
  for (const p of node.params) visitPattern(p, inner, ref);
  if (node.body.type === 'BlockStatement') for (const s of node.body.body) visit(s, inner, ref);
  else visit(node.body, inner, ref);
}

function visit(node: AnyNode | null | undefined, scope: Scope, ref: (n: string, s: Scope) => void): void {
  if (!node || typeof node.type !== 'string') return;
  switch (node.type) {
    case 'Identifier': ref(node.name, scope); return;
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionDeclaration': visitFunction(node, scope, ref); return;
    case 'BlockStatement':
    case 'StaticBlock': {
      const inner = scope.child();
      hoist(node.body, inner, false);
      for (const s of node.body) visit(s, inner, ref);
      return;
    }
    case 'VariableDeclarator': visitPattern(node.id, scope, ref); visit(node.init, scope, ref); return;
    case 'AssignmentExpression':
      if (node.left.type === 'Identifier') ref(node.left.name, scope);
      else if (node.left.type === 'MemberExpression') visit(node.left, scope, ref);
      else for (const n of patternNames(node.left)) ref(n, scope);
      visit(node.right, scope, ref);
      return;
    case 'MemberExpression': visit(node.object, scope, ref); if (node.computed) visit(node.property, scope, ref); return;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition': if (node.computed) visit(node.key, scope, ref); visit(node.value, scope, ref); return;
    case 'LabeledStatement': visit(node.body, scope, ref); return;
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
    case 'ThisExpression':
    case 'Super': return;
    case 'CatchClause': {
      const inner = scope.child();
      for (const n of patternNames(node.param)) inner.declare(n);
      visit(node.body, inner, ref);
      return;
    }
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const inner = scope.child();
      const decl = node.type === 'ForStatement' ? node.init : node.left;
      if (decl?.type === 'VariableDeclaration') for (const d of decl.declarations) for (const n of patternNames(d.id)) inner.declare(n);
      for (const key of ['init', 'test', 'update', 'left', 'right', 'body']) visit(node[key], inner, ref);
      return;
    }
    case 'ClassExpression':
    case 'ClassDeclaration': {
      const inner = scope.child();
      if (node.id) inner.declare(node.id.name);
      visit(node.superClass, scope, ref);
      visit(node.body, inner, ref);
      return;
    }
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    if (Array.isArray(child)) for (const c of child) visit(c as AnyNode, scope, ref);
    else if (child && typeof child === 'object') visit(child as AnyNode, scope, ref);
  }
}
