/**
 * Lowers an element body (a scalar TypeScript function) to the lane graph of ir.ts. Every lane
 * runs the same straight-line code: `if`/`else`, `?:`, `&&`, `||` and early `return`s become masks
 * and selects (both sides are computed, each lane keeps its own). What cannot run that way, or
 * would be silently wrong in wasm (closures, strings, allocation, Math.random, console, calls of
 * other functions), is refused with the user's position and a hint.
 */
import ts from 'typescript';
import { compileFail } from './diagnostics.js';
import { spanOf } from './frontend.js';
import type { Builder, Val } from './ir.js';
import { asFloat, lanesExpression } from './lowerLanes.js';
import { mathCall, MATH_CONSTANTS } from './math.js';
import { powConstant } from './vmath.js';

export interface LowerContext {
  readonly kernel: string;
  readonly file: string;
  readonly text: string;
  readonly b: Builder;
  /** What rows() kernels add to element bodies: outer values, row reads and writes, loops. */
  readonly hooks?: LowerHooks;
  /** A lanes body (explicit f32x4 intrinsics, lowerLanes.ts) instead of a scalar element body. */
  readonly explicit?: boolean;
}

/** Extension points for rows.ts; element bodies have none of them. */
export interface LowerHooks {
  /** A name that is not a local of the body: an outer value, or undefined (an error). */
  resolve?(name: string, node: ts.Identifier): Val | undefined;
  /** A read `x[j]`. */
  read?(e: ts.ElementAccessExpression, state: State): Val;
  /** A write `out[j] = value` in the lanes `lanes` (null: all). */
  write?(e: ts.ElementAccessExpression, value: Val, lanes: Val | null): void;
  /** An assignment to a name that is not a local of the body (an accumulation in a loop). */
  assignOuter?(e: ts.Expression, target: ts.Identifier, state: State): void;
  /** A for statement (a loop over the row). */
  loop?(s: ts.ForStatement, state: State): void;
}

/** A body's result: the value each lane returns. */
export interface Lowered {
  readonly result: Val;
}

export interface State {
  /** Variables in scope, innermost last. */
  scopes: Map<string, { val: Val; mutable: boolean }>[];
  /** Lanes that run the current statement (null = all). */
  mask: Val | null;
  /** Lanes that have returned, and what they returned. */
  returned: Val | null;
  result: Val | null;
  /** Every lane returned: later statements are dead. */
  done: boolean;
}

/**
 * Lowers `fn` with its parameters bound to `args` (by position).
 * @throws COMPILE on anything the compiled path cannot run exactly as the reference does
 */
export function lowerFunction(ctx: LowerContext, fn: ts.FunctionLikeDeclaration, args: readonly Val[], role: string): Lowered {
  if (fn.parameters.length !== args.length) {
    fail(ctx, fn.parameters.length > 0 ? fn.parameters[0]!.parent : fn, `${role} takes ${fn.parameters.length} parameters here, the declaration gives it ${args.length}`, 'the body takes one value per input, then one per param, in the order they are declared');
  }
  const scope = new Map<string, { val: Val; mutable: boolean }>();
  fn.parameters.forEach((p, i) => {
    if (!ts.isIdentifier(p.name) || p.dotDotDotToken !== undefined || p.initializer !== undefined) {
      fail(ctx, p, 'parameters must be plain names', 'write (x: f32, y: f32) without defaults, rest or destructuring');
    }
    checkType(ctx, p.type);
    scope.set(p.name.text, { val: args[i]!, mutable: true });
  });
  const state: State = { scopes: [scope], mask: null, returned: null, result: null, done: false };
  const body = fn.body;
  if (body === undefined) {
    return fail(ctx, fn, `${role} has no body`, 'write the function out');
  }
  if (ts.isBlock(body)) {
    statements(ctx, state, body.statements);
  } else {
    doReturn(ctx, state, body as ts.Expression, expression(ctx, state, body as ts.Expression));
  }
  if (!state.done || state.result === null) {
    return fail(ctx, fn, `${role} does not return a value on every path`, 'end every path with return <number>');
  }
  return { result: state.result };
}

export function fail(ctx: LowerContext, node: ts.Node, problem: string, hint?: string): never {
  return compileFail({ kernel: ctx.kernel, file: ctx.file, text: ctx.text, span: spanOf(node), problem, ...(hint === undefined ? {} : { hint }) });
}

export function checkType(ctx: LowerContext, type: ts.TypeNode | undefined): void {
  if (type === undefined) {
    return;
  }
  const text = type.getText();
  if (ctx.explicit === true || text === 'v128' || text === 'V128') {
    if (ctx.explicit !== true) {
      fail(ctx, type, 'v128 values belong in a lanes body', 'declare the body as lanes(x: v128, ...): v128 instead of element');
    }
    if (text !== 'v128' && text !== 'V128') {
      fail(ctx, type, `type '${text}' is not supported in a lanes body`, 'every value of a lanes body is a v128 (four lanes)');
    }
    return;
  }
  if (type.kind === ts.SyntaxKind.AnyKeyword) {
    fail(ctx, type, "'any' is not allowed in a kernel", 'declare numbers as f32 (or number)');
  }
  if (text === 'f64') {
    fail(ctx, type, 'f64 values are not supported: compiled kernels compute float32 lanes', 'declare f32; the reference computes in float64 and the declared tolerance covers the difference');
  }
  if (!['f32', 'number', 'boolean', 'i32'].includes(text)) {
    fail(ctx, type, `type '${text}' is not supported in an element body`, 'element bodies compute numbers (f32) and booleans');
  }
}

function lookup(state: State, name: string): { val: Val; mutable: boolean } | undefined {
  for (let i = state.scopes.length - 1; i >= 0; i--) {
    const v = state.scopes[i]!.get(name);
    if (v !== undefined) {
      return v;
    }
  }
  return undefined;
}

/** Lanes that execute now: the branch mask minus the lanes that returned. */
export function active(ctx: LowerContext, state: State): Val | null {
  if (state.returned === null) {
    return state.mask;
  }
  const alive = ctx.b.not(state.returned);
  return state.mask === null ? alive : ctx.b.bit('and', state.mask, alive);
}

/** A fresh state whose outer scope holds `scope`. */
export function newState(scope: Map<string, { val: Val; mutable: boolean }>): State {
  return { scopes: [scope], mask: null, returned: null, result: null, done: false };
}

export function statements(ctx: LowerContext, state: State, list: readonly ts.Statement[]): void {
  for (const s of list) {
    if (state.done) {
      fail(ctx, s, 'unreachable code after return', 'remove it');
    }
    statement(ctx, state, s);
  }
}

function statement(ctx: LowerContext, state: State, s: ts.Statement): void {
  const b = ctx.b;
  if (ts.isVariableStatement(s)) {
    const flags = s.declarationList.flags;
    if ((flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0) {
      fail(ctx, s, "'var' is not supported", 'use let or const');
    }
    for (const d of s.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.initializer === undefined) {
        fail(ctx, d, 'declare one name with a value', 'write const x = <expression>;');
      }
      checkType(ctx, d.type);
      state.scopes[state.scopes.length - 1]!.set(d.name.text, { val: expression(ctx, state, d.initializer), mutable: (flags & ts.NodeFlags.Let) !== 0 });
    }
  } else if (ts.isExpressionStatement(s)) {
    assignment(ctx, state, s.expression);
  } else if (ts.isIfStatement(s) && ctx.explicit === true) {
    fail(ctx, s, 'a lanes body has no branches (a v128 is not a boolean)', 'compute both values and pick per lane: v128.bitselect(a, b, f32x4.lt(x, y))');
  } else if (ts.isIfStatement(s)) {
    const cond = condition(ctx, state, s.expression);
    const outer = state.mask;
    const inner = (m: Val): Val => (outer === null ? m : b.bit('and', outer, m));
    const thenDone = branch(ctx, state, s.thenStatement, inner(cond));
    const elseDone = s.elseStatement !== undefined && branch(ctx, state, s.elseStatement, inner(b.not(cond)));
    // Both branches returned on every path: every lane that reached the if has returned.
    state.done = thenDone && elseDone;
  } else if (ts.isReturnStatement(s)) {
    if (s.expression === undefined) {
      fail(ctx, s, 'return needs a value', 'return a number');
    }
    doReturn(ctx, state, s.expression, expression(ctx, state, s.expression));
  } else if (ts.isBlock(s)) {
    state.scopes.push(new Map());
    statements(ctx, state, s.statements);
    state.scopes.pop();
  } else if (ts.isEmptyStatement(s)) {
    return;
  } else if (ts.isForStatement(s) && ctx.hooks?.loop !== undefined) {
    ctx.hooks.loop(s, state);
  } else if (ts.isForStatement(s) || ts.isWhileStatement(s) || ts.isDoStatement(s) || ts.isForOfStatement(s) || ts.isForInStatement(s)) {
    fail(ctx, s, 'loops are not supported in an element body', 'an element body computes one element; loop over a row in a rows() kernel, or over the dimension with pairwise()');
  } else if (ts.isThrowStatement(s)) {
    fail(ctx, s, 'a kernel cannot throw', 'return NaN for invalid elements');
  } else {
    fail(ctx, s, `${ts.SyntaxKind[s.kind]} is not supported in an element body`, 'use const/let, assignments, if/else and return');
  }
}

/** Runs a branch under `mask`; true when every path of it returned. */
function branch(ctx: LowerContext, state: State, s: ts.Statement, mask: Val): boolean {
  const saved = state.mask;
  state.mask = mask;
  state.scopes.push(new Map());
  if (ts.isBlock(s)) {
    statements(ctx, state, s.statements);
  } else {
    statement(ctx, state, s);
  }
  state.scopes.pop();
  state.mask = saved;
  const done = state.done;
  state.done = false;
  return done;
}

/** A return ends the current block for every lane running it; other lanes go on. */
function doReturn(ctx: LowerContext, state: State, node: ts.Node, result: Val): void {
  const b = ctx.b;
  // A lanes body's v128 is read as float lanes, whatever kind its last operation had.
  const value = ctx.explicit === true ? asFloat(b, result) : result;
  if (value.kind !== 'f') {
    fail(ctx, node, 'a kernel returns a number, not a boolean', 'return (cond ? 1 : 0)');
  }
  const lanes = active(ctx, state);
  if (lanes === null) {
    state.result = value;
  } else {
    state.result = state.result === null ? value : b.select(lanes, value, state.result);
    state.returned = state.returned === null ? lanes : b.bit('or', state.returned, lanes);
  }
  state.done = true;
}

const COMPOUND: ReadonlyMap<ts.SyntaxKind, 'add' | 'sub' | 'mul' | 'div'> = new Map([
  [ts.SyntaxKind.PlusEqualsToken, 'add'],
  [ts.SyntaxKind.MinusEqualsToken, 'sub'],
  [ts.SyntaxKind.AsteriskEqualsToken, 'mul'],
  [ts.SyntaxKind.SlashEqualsToken, 'div'],
]);

function assignment(ctx: LowerContext, state: State, e: ts.Expression): void {
  const b = ctx.b;
  let target: ts.Expression;
  let value: () => Val;
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(e.operatorToken.kind))) {
    target = e.left;
    const op = COMPOUND.get(e.operatorToken.kind);
    if (op !== undefined && ctx.explicit === true) {
      fail(ctx, e, 'operators do not apply to v128 values', 'write x = f32x4.add(x, y)');
    }
    value = () => (op === undefined ? expression(ctx, state, e.right) : b.bin(op, expression(ctx, state, e.left), expression(ctx, state, e.right)));
  } else if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)) {
    target = e.operand;
    if (ctx.explicit === true) {
      fail(ctx, e, 'operators do not apply to v128 values', 'write x = f32x4.add(x, f32x4.splat(1))');
    }
    value = () => b.bin(e.operator === ts.SyntaxKind.PlusPlusToken ? 'add' : 'sub', expression(ctx, state, e.operand), b.const(1));
  } else {
    // A call or other expression as a statement: its own error first (console.log, Math.random).
    expression(ctx, state, e);
    return fail(ctx, e, 'this expression statement has no effect in a kernel', 'assign a local (x = ..., x += ...) or return a value');
  }
  if (ts.isElementAccessExpression(target) && ctx.hooks?.write !== undefined) {
    ctx.hooks.write(target, value(), active(ctx, state));
    return;
  }
  if (!ts.isIdentifier(target)) {
    return fail(ctx, target, 'only local variables can be assigned in an element body', 'keep values in locals; the result is what the body returns');
  }
  const slot = lookup(state, target.text);
  if (slot === undefined && ctx.hooks?.assignOuter !== undefined) {
    ctx.hooks.assignOuter(e, target, state);
    return;
  }
  if (slot === undefined) {
    return fail(ctx, target, `'${target.text}' is not a local of the kernel`, 'kernels cannot change outer variables; declare it with let inside the body');
  }
  if (!slot.mutable) {
    return fail(ctx, target, `'${target.text}' is a const`, 'declare it with let');
  }
  const v = value();
  const lanes = active(ctx, state);
  slot.val = lanes === null ? v : v.kind === slot.val.kind ? b.select(lanes, v, slot.val) : fail(ctx, e, 'a variable keeps one type (number or boolean)', 'use another variable');
}

function condition(ctx: LowerContext, state: State, e: ts.Expression): Val {
  const v = expression(ctx, state, e);
  if (v.kind !== 'm') {
    return fail(ctx, e, 'a condition must be a comparison or a boolean', 'write x !== 0 instead of x');
  }
  return v;
}

/** An expression's lane value: a float, or a mask for comparisons and booleans. */
export function expression(ctx: LowerContext, state: State, e: ts.Expression): Val {
  const b = ctx.b;
  if (ctx.explicit === true) {
    return lanesExpression(ctx, e, (id) => lookup(state, id.text)?.val ?? fail(ctx, id, `'${id.text}' is not a parameter or a local of the kernel`, 'kernels cannot read outer variables (closures): pass the value as a param'));
  }
  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) {
    checkType(ctx, e.type);
    return expression(ctx, state, e.expression);
  }
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) {
    return expression(ctx, state, e.expression);
  }
  if (ts.isNumericLiteral(e)) {
    return b.const(Number(e.text));
  }
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
    const zero = b.const(0);
    return b.cmp(e.kind === ts.SyntaxKind.TrueKeyword ? 'eq' : 'ne', zero, zero);
  }
  if (ts.isIdentifier(e)) {
    if (e.text === 'NaN' || e.text === 'Infinity') {
      return b.const(e.text === 'NaN' ? Number.NaN : Number.POSITIVE_INFINITY);
    }
    const v = lookup(state, e.text) ?? wrap(ctx.hooks?.resolve?.(e.text, e));
    if (v === undefined) {
      return fail(ctx, e, `'${e.text}' is not a parameter or a local of the kernel`, 'kernels cannot read outer variables (closures): pass the value as a param, e.g. params: { scale: 2 }');
    }
    return v.val;
  }
  if (ts.isPrefixUnaryExpression(e)) {
    const v = expression(ctx, state, e.operand);
    switch (e.operator) {
      case ts.SyntaxKind.MinusToken:
        return b.un('neg', number(ctx, e.operand, v));
      case ts.SyntaxKind.PlusToken:
        return number(ctx, e.operand, v);
      case ts.SyntaxKind.ExclamationToken:
        return b.not(mask(ctx, e.operand, v));
      default:
        return fail(ctx, e, 'this operator is not supported here', 'use + - * / and comparisons');
    }
  }
  if (ts.isBinaryExpression(e)) {
    return binary(ctx, state, e);
  }
  if (ts.isConditionalExpression(e)) {
    const m = condition(ctx, state, e.condition);
    const a = expression(ctx, state, e.whenTrue);
    const c = expression(ctx, state, e.whenFalse);
    if (a.kind !== c.kind) {
      return fail(ctx, e, 'both sides of ?: must be numbers (or both booleans)');
    }
    return b.select(m, a, c);
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math') {
    const value = MATH_CONSTANTS[e.name.text];
    return value === undefined ? fail(ctx, e, `Math.${e.name.text} is not a constant kernels know`, 'Math.PI, Math.E, Math.LN2, Math.LN10, Math.LOG2E, Math.LOG10E, Math.SQRT2, Math.SQRT1_2') : b.const(value);
  }
  if (ts.isCallExpression(e)) {
    return call(ctx, state, e);
  }
  if (ts.isElementAccessExpression(e) && ctx.hooks?.read !== undefined) {
    return ctx.hooks.read(e, state);
  }
  return refuse(ctx, e);
}

function wrap(val: Val | undefined): { val: Val } | undefined {
  return val === undefined ? undefined : { val };
}

function refuse(ctx: LowerContext, e: ts.Expression): never {
  if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) {
    return fail(ctx, e, 'strings are not supported in a kernel', 'kernels compute numbers; keep messages and labels outside the kernel');
  }
  if (ts.isNewExpression(e)) {
    return fail(ctx, e, 'a kernel cannot allocate (new)', 'allocation would grow the shared memory under the tensors; pass buffers as inputs, or use locals');
  }
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
    return fail(ctx, e, 'closures are not supported in a kernel', 'write the computation inline, or as another kernel');
  }
  if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) {
    return fail(ctx, e, 'arrays and objects are not supported in an element body', 'use separate locals');
  }
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    return fail(ctx, e, "'this' is not available in a kernel", 'pass values as params');
  }
  if (ts.isAwaitExpression(e)) {
    return fail(ctx, e, 'await is not supported in a kernel', 'kernels are synchronous');
  }
  if ((ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e)) && !ts.isIdentifier(e.expression)) {
    // new Float32Array(4)[0], f(x).y: the inner expression's own error says more.
    refuse(ctx, e.expression);
  }
  if (ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e)) {
    return fail(ctx, e, 'property and index access are not supported in an element body', 'element bodies get numbers; index rows in a rows() kernel');
  }
  return fail(ctx, e, `${ts.SyntaxKind[e.kind]} is not supported in a kernel`);
}

function number(ctx: LowerContext, node: ts.Node, v: Val): Val {
  return v.kind === 'f' ? v : fail(ctx, node, 'a boolean is used as a number', 'write (cond ? 1 : 0)');
}

function mask(ctx: LowerContext, node: ts.Node, v: Val): Val {
  return v.kind === 'm' ? v : fail(ctx, node, 'a number is used as a boolean', 'compare it: x !== 0');
}

const ARITH: ReadonlyMap<ts.SyntaxKind, 'add' | 'sub' | 'mul' | 'div'> = new Map([
  [ts.SyntaxKind.PlusToken, 'add'],
  [ts.SyntaxKind.MinusToken, 'sub'],
  [ts.SyntaxKind.AsteriskToken, 'mul'],
  [ts.SyntaxKind.SlashToken, 'div'],
]);

const COMPARE: ReadonlyMap<ts.SyntaxKind, 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'> = new Map([
  [ts.SyntaxKind.LessThanToken, 'lt'],
  [ts.SyntaxKind.LessThanEqualsToken, 'le'],
  [ts.SyntaxKind.GreaterThanToken, 'gt'],
  [ts.SyntaxKind.GreaterThanEqualsToken, 'ge'],
  [ts.SyntaxKind.EqualsEqualsEqualsToken, 'eq'],
  [ts.SyntaxKind.EqualsEqualsToken, 'eq'],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, 'ne'],
  [ts.SyntaxKind.ExclamationEqualsToken, 'ne'],
]);

function binary(ctx: LowerContext, state: State, e: ts.BinaryExpression): Val {
  const b = ctx.b;
  const kind = e.operatorToken.kind;
  const arith = ARITH.get(kind);
  const cmp = COMPARE.get(kind);
  if (kind === ts.SyntaxKind.AmpersandAmpersandToken || kind === ts.SyntaxKind.BarBarToken) {
    const l = mask(ctx, e.left, expression(ctx, state, e.left));
    const r = mask(ctx, e.right, expression(ctx, state, e.right));
    return b.bit(kind === ts.SyntaxKind.AmpersandAmpersandToken ? 'and' : 'or', l, r);
  }
  if (arith === undefined && cmp === undefined && kind !== ts.SyntaxKind.AsteriskAsteriskToken && kind !== ts.SyntaxKind.PercentToken) {
    if (kind === ts.SyntaxKind.EqualsToken || COMPOUND.has(kind)) {
      return fail(ctx, e, 'assignment inside an expression is not supported', 'assign in its own statement');
    }
    return fail(ctx, e.operatorToken, `operator '${e.operatorToken.getText()}' is not supported in a kernel`, 'use + - * / % ** and comparisons; bitwise operators are for integers, which element bodies do not have');
  }
  const l = number(ctx, e.left, expression(ctx, state, e.left));
  const r = number(ctx, e.right, expression(ctx, state, e.right));
  if (arith !== undefined) {
    return b.bin(arith, l, r);
  }
  if (cmp !== undefined) {
    return b.cmp(cmp, l, r);
  }
  if (kind === ts.SyntaxKind.PercentToken) {
    // JS % is exact (fmod); x - trunc(x / y) * y in float32 lanes is not when x / y rounds up
    // to an integer, so the compiled kernel would differ from the reference by a whole y.
    return fail(ctx, e.operatorToken, "'%' is not supported on float lanes (its exact result needs a loop)", 'write x - Math.floor(x / y) * y (or Math.trunc), whose rounding the reference then shares');
  }
  // x ** 2 and other small literal exponents: a few multiplies instead of the general pow.
  const literal = numericLiteral(e.right);
  const cheap = literal === undefined ? undefined : powConstant(b, l, literal);
  return cheap ?? mathCall(ctx, e, 'pow', [l, r]);
}

/** The value of `2`, `-1`, `0.5` or `(2)` written in the source; undefined for anything else. */
function numericLiteral(e: ts.Expression): number | undefined {
  if (ts.isParenthesizedExpression(e)) {
    return numericLiteral(e.expression);
  }
  if (ts.isNumericLiteral(e)) {
    return Number(e.text);
  }
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) {
    return -Number(e.operand.text);
  }
  return undefined;
}

function call(ctx: LowerContext, state: State, e: ts.CallExpression): Val {
  const callee = e.expression;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const owner = callee.expression.text;
    const name = callee.name.text;
    if (owner === 'console') {
      return fail(ctx, e, 'console is not available in a compiled kernel', 'debug the reference: run with require: "ref", where the body is plain JavaScript');
    }
    if (owner === 'Math' && name === 'random') {
      return fail(ctx, e, 'Math.random is not supported in a kernel', 'lanes and threads cannot share one generator reproducibly; pass random numbers as an input tensor');
    }
    if (owner === 'Math') {
      const args = e.arguments.map((a) => number(ctx, a, expression(ctx, state, a)));
      return mathCall(ctx, e, name, args);
    }
  }
  return fail(ctx, e, 'kernels can only call Math functions', 'inline the helper function, or make it another kernel');
}
