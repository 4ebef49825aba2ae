/**
 * Math.* in an element body: the functions with a lane instruction map to it (abs, sqrt, floor,
 * min, ...); the transcendental ones are graphs from vmath.ts. Anything else is refused with
 * the list of what is supported.
 */
import type ts from 'typescript';
import { compileFail } from './diagnostics.js';
import { spanOf } from './frontend.js';
import type { Builder, FloatUnary, Val } from './ir.js';
import { VMATH } from './vmath.js';

interface Ctx {
  readonly kernel: string;
  readonly file: string;
  readonly text: string;
  readonly b: Builder;
}

export const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};

const UNARY: Readonly<Record<string, FloatUnary>> = { abs: 'abs', sqrt: 'sqrt', floor: 'floor', ceil: 'ceil', trunc: 'trunc' };

/** Every Math function a kernel may call, for the error that names them. */
export function supportedMath(): string[] {
  return [...new Set([...Object.keys(UNARY), 'min', 'max', 'fround', 'sign', 'hypot', ...Object.keys(VMATH)])].sort();
}

/**
 * The graph of Math.`name`(...args).
 * @throws COMPILE for functions kernels do not have or a wrong argument count
 */
export function mathCall(ctx: Ctx, node: ts.Node, name: string, args: readonly Val[]): Val {
  const b = ctx.b;
  const arity = (n: number): void => {
    if (args.length !== n) {
      compileFail({ kernel: ctx.kernel, file: ctx.file, text: ctx.text, span: spanOf(node), problem: `Math.${name} takes ${n} argument${n === 1 ? '' : 's'} here, got ${args.length}` });
    }
  };
  const unary = UNARY[name];
  if (unary !== undefined) {
    arity(1);
    return b.un(unary, args[0]!);
  }
  switch (name) {
    case 'min':
    case 'max': {
      if (args.length === 0) {
        return b.const(name === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
      }
      return args.slice(1).reduce((acc, v) => b.bin(name, acc, v), args[0]!);
    }
    case 'fround':
      arity(1);
      return args[0]!;
    case 'sign': {
      arity(1);
      const x = args[0]!;
      const zero = b.const(0);
      // sign(NaN) = NaN and sign(-0) = -0: both fall through to x itself.
      return b.select(b.cmp('gt', x, zero), b.const(1), b.select(b.cmp('lt', x, zero), b.const(-1), x));
    }
    case 'hypot': {
      if (args.length === 0) {
        return b.const(0);
      }
      if (args.length === 2) {
        // Scaled: no overflow for squares above float32's range (vmath.ts).
        return VMATH.hypot!.build(b, args[0]!, args[1]!);
      }
      return b.un('sqrt', args.slice(1).reduce((acc, v) => b.fma(v, v, acc), b.mul(args[0]!, args[0]!)));
    }
    default: {
      const fn = Object.prototype.hasOwnProperty.call(VMATH, name) ? VMATH[name] : undefined;
      if (fn === undefined) {
        return compileFail({ kernel: ctx.kernel, file: ctx.file, text: ctx.text, span: spanOf(node), problem: `Math.${name} is not supported in a kernel`, hint: `kernels have Math.${supportedMath().join(', Math.')}` });
      }
      arity(fn.arity);
      return fn.build(b, ...args);
    }
  }
}
