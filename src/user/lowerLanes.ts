/**
 * Lowers the expressions of a `lanes` body (explicit SIMD, lanes.ts) to the lane graph: each
 * intrinsic call is one graph operation. A v128 has no type of its own, the graph does (float,
 * int, mask), so operands are reinterpreted where an operation needs another kind; that costs
 * nothing in the generated code. Operators, literals outside splat, Math and branches are refused:
 * on v128 objects in JavaScript they would not mean what they mean on lanes.
 */
import ts from 'typescript';
import { compileFail } from './diagnostics.js';
import { spanOf } from './frontend.js';
import type { Builder, Val } from './ir.js';
import { INTRINSICS } from './lanes.js';

/** What the lowering of a lanes expression needs from lower.ts. */
export interface LanesContext {
  readonly kernel: string;
  readonly file: string;
  readonly text: string;
  readonly b: Builder;
}

function fail(ctx: LanesContext, node: ts.Node, problem: string, hint: string): never {
  return compileFail({ kernel: ctx.kernel, file: ctx.file, text: ctx.text, span: spanOf(node), problem, hint });
}

/** The value as float lanes. */
export function asFloat(b: Builder, v: Val): Val {
  return v.kind === 'f' ? v : b.float(asInt(b, v));
}

/** The value as int lanes (a mask is -1 or 0 per lane). */
export function asInt(b: Builder, v: Val): Val {
  if (v.kind === 'i') {
    return v;
  }
  return v.kind === 'f' ? b.bits(v) : b.select(v, b.iconst(-1), b.iconst(0));
}

/** The literal number of `2`, `-1.5`, `(3)`; undefined for anything else. */
function literal(e: ts.Expression): number | undefined {
  if (ts.isParenthesizedExpression(e)) {
    return literal(e.expression);
  }
  if (ts.isNumericLiteral(e)) {
    return Number(e.text);
  }
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = literal(e.operand);
    return v === undefined ? undefined : -v;
  }
  if (ts.isIdentifier(e) && (e.text === 'NaN' || e.text === 'Infinity')) {
    return e.text === 'NaN' ? Number.NaN : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

const FLOAT_BINARY: Readonly<Record<string, 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max'>> = { add: 'add', sub: 'sub', mul: 'mul', div: 'div', min: 'min', max: 'max', relaxed_min: 'min', relaxed_max: 'max' };
const FLOAT_UNARY = new Set(['abs', 'neg', 'sqrt', 'floor', 'ceil', 'trunc', 'nearest']);
const FLOAT_COMPARE = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const INT_BINARY: Readonly<Record<string, 'iadd' | 'isub' | 'imul'>> = { add: 'iadd', sub: 'isub', mul: 'imul' };
const INT_COMPARE: Readonly<Record<string, 'ieq' | 'ilt' | 'igt'>> = { eq: 'ieq', lt_s: 'ilt', gt_s: 'igt' };
const SHIFT: Readonly<Record<string, 'shl' | 'shr' | 'shru'>> = { shl: 'shl', shr_s: 'shr', shr_u: 'shru' };
const BITWISE: Readonly<Record<string, 'and' | 'or' | 'xor' | 'andnot'>> = { and: 'and', or: 'or', xor: 'xor', andnot: 'andnot' };

/**
 * An expression of a lanes body: a name (via `lookup`) or an intrinsic call.
 * @throws COMPILE for anything else, with the position and what to write instead
 */
export function lanesExpression(ctx: LanesContext, e: ts.Expression, lookup: (name: ts.Identifier) => Val): Val {
  const b = ctx.b;
  const sub = (x: ts.Expression): Val => lanesExpression(ctx, x, lookup);
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    return sub(e.expression);
  }
  if (ts.isIdentifier(e)) {
    return lookup(e);
  }
  if (literal(e) !== undefined) {
    return fail(ctx, e, 'a number is not a v128 in a lanes body', 'write f32x4.splat(2) (or i32x4.splat(2)); the body sees every value as four lanes');
  }
  if (ts.isBinaryExpression(e) || ts.isPrefixUnaryExpression(e) || ts.isConditionalExpression(e) || ts.isPostfixUnaryExpression(e)) {
    return fail(ctx, e, 'operators do not apply to v128 values', 'call the intrinsic: f32x4.add(a, b), f32x4.lt(a, b), v128.bitselect(a, b, mask)');
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !ts.isIdentifier(e.expression.expression)) {
    return fail(ctx, e, `${ts.SyntaxKind[e.kind]} is not supported in a lanes body`, 'a lanes body is const/let declarations of intrinsic calls (f32x4.*, i32x4.*, v128.*) and a return');
  }
  const space = e.expression.expression.text;
  const name = e.expression.name.text;
  const key = `${space}.${name}`;
  const operands = INTRINSICS[key];
  if (operands === undefined) {
    const known = Object.keys(INTRINSICS).filter((k) => k.startsWith(`${space}.`));
    const hint =
      known.length === 0
        ? 'a lanes body calls f32x4.*, i32x4.* and v128.* (Math and other functions take numbers, not v128 values)'
        : /lane|shuffle|swizzle|dot|all_true|any_true|bitmask/.test(name)
          ? 'cross-lane operations are not available: the four lanes are four elements whose grouping depends on the layout'
          : `supported: ${known.join(', ')}`;
    return fail(ctx, e, `${key} is not an intrinsic a lanes body can use`, hint);
  }
  if (e.arguments.length !== operands.length) {
    return fail(ctx, e, `${key} takes ${operands.length} arguments, got ${e.arguments.length}`, `${key}(${operands.map((o, i) => (o === 'n' ? 'literal' : `v${i}`)).join(', ')})`);
  }
  const numbers: number[] = [];
  const vals: Val[] = [];
  e.arguments.forEach((a, i) => {
    if (operands[i] === 'n') {
      const n = literal(a);
      if (n === undefined) {
        // An unsupported call inside says more than "not a literal".
        if (ts.isCallExpression(a)) {
          sub(a);
        }
        fail(ctx, a, `${key} takes a number literal here`, 'a lanes body computes with v128 values; pass params as inputs of the body (they arrive splat)');
      }
      numbers.push(n);
    } else {
      vals.push(sub(a));
    }
  });
  const f = (i: number): Val => asFloat(b, vals[i]!);
  const int = (i: number): Val => asInt(b, vals[i]!);
  if (space === 'f32x4') {
    if (name === 'splat') {
      return b.const(numbers[0]!);
    }
    if (FLOAT_BINARY[name] !== undefined) {
      return b.bin(FLOAT_BINARY[name], f(0), f(1));
    }
    if (FLOAT_UNARY.has(name)) {
      return b.un(name as 'abs', f(0));
    }
    if (FLOAT_COMPARE.has(name)) {
      return b.cmp(name as 'lt', f(0), f(1));
    }
    if (name === 'relaxed_madd') {
      return b.fma(f(0), f(1), f(2));
    }
    if (name === 'convert_i32x4_s') {
      return b.cvt(int(0));
    }
  }
  if (space === 'i32x4') {
    if (name === 'splat') {
      if (!Number.isInteger(numbers[0]) || numbers[0]! < -(2 ** 31) || numbers[0]! >= 2 ** 32) {
        return fail(ctx, e.arguments[0]!, 'i32x4.splat takes an int32 literal', 'write an integer between -2^31 and 2^32 - 1');
      }
      return b.iconst(numbers[0]! | 0);
    }
    if (INT_BINARY[name] !== undefined) {
      return b.int(INT_BINARY[name], int(0), int(1));
    }
    if (INT_COMPARE[name] !== undefined) {
      return b.icmp(INT_COMPARE[name], int(0), int(1));
    }
    if (SHIFT[name] !== undefined) {
      return b.shift(SHIFT[name], int(0), numbers[0]! & 31);
    }
    if (name === 'relaxed_trunc_f32x4_s') {
      return b.toInt(f(0));
    }
  }
  if (space === 'v128') {
    if (BITWISE[name] !== undefined) {
      // Two masks stay a mask (a select can use it); anything else works on int lanes.
      const both = vals[0]!.kind === 'm' && vals[1]!.kind === 'm';
      return b.bit(BITWISE[name], both ? vals[0]! : int(0), both ? vals[1]! : int(1));
    }
    if (name === 'not') {
      return b.not(vals[0]!.kind === 'm' ? vals[0]! : int(0));
    }
    if (name === 'bitselect') {
      const [x, y, m] = vals as [Val, Val, Val];
      if (m.kind === 'm' && x.kind === y.kind) {
        return b.select(m, x, y);
      }
      return b.bit('or', b.bit('and', int(0), int(2)), b.bit('andnot', int(1), int(2)));
    }
  }
  return fail(ctx, e, `${key} has no lowering (a hotpath bug)`, 'report it with the kernel source');
}
