/**
 * Runtime methods of the element-wise math kernels (sub, div, exp, where, comparisons, cast, ...).
 * Kept out of runtime.ts so that file stays small; every method goes through `run()`, so it is
 * dispatched, counted in stats and verified like any kernel. Binary methods broadcast as numpy.
 */
import type { ClipAttrs } from '../kernels/clip.js';
import type { EluAttrs } from '../kernels/elu.js';
import type { HardSigmoidAttrs } from '../kernels/hardSigmoid.js';
import type { LeakyReluAttrs } from '../kernels/leakyRelu.js';
import type { SeluAttrs } from '../kernels/selu.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { RuntimeCore } from './core.js';

type Binary = 'sub' | 'div' | 'pow' | 'max' | 'min' | 'equal' | 'less' | 'greater' | 'and' | 'or';
type Unary = 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sqrt' | 'reciprocal' | 'tanh' | 'sigmoid' | 'erf' | 'sin' | 'cos' | 'floor' | 'ceil' | 'round' | 'softplus' | 'not';

export class MathRuntime extends RuntimeCore {
  private mathBinary(kernel: Binary, a: Tensor, b: Tensor): Tensor {
    return this.run(kernel, [a, b])[0]!;
  }

  private mathUnary(kernel: Unary, x: Tensor): Tensor {
    return this.run(kernel, [x])[0]!;
  }

  /** a - b. @example hp.sub(x, mean) @throws SHAPE (no broadcast), DTYPE (mixed dtypes), LIFETIME */
  sub(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('sub', a, b);
  }

  /**
   * a / b; integers truncate toward zero and x / 0 is 0 for them.
   * @example hp.div(x, hp.tensor(255, [], { dtype: 'float32' })) @throws SHAPE, DTYPE, LIFETIME
   */
  div(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('div', a, b);
  }

  /** a ** b in a's dtype; b may have another numeric dtype. @example hp.pow(x, two) @throws SHAPE, DTYPE, LIFETIME */
  pow(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('pow', a, b);
  }

  /** numpy.maximum: the larger element, NaN if either is NaN. @example hp.max(x, zeros) @throws SHAPE, DTYPE, LIFETIME */
  max(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('max', a, b);
  }

  /** numpy.minimum: the smaller element, NaN if either is NaN. @example hp.min(x, limit) @throws SHAPE, DTYPE, LIFETIME */
  min(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('min', a, b);
  }

  /** a == b as a bool tensor. @example hp.equal(labels, expected) @throws SHAPE, DTYPE, LIFETIME */
  equal(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('equal', a, b);
  }

  /** a < b as a bool tensor. @example hp.less(x, threshold) @throws SHAPE, DTYPE, LIFETIME */
  less(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('less', a, b);
  }

  /** a > b as a bool tensor. @example hp.where(hp.greater(a, b), a, b) @throws SHAPE, DTYPE, LIFETIME */
  greater(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('greater', a, b);
  }

  /** Logical and of bool tensors. @example hp.and(hp.greater(x, lo), hp.less(x, hi)) @throws SHAPE, DTYPE, LIFETIME */
  and(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('and', a, b);
  }

  /** Logical or of bool tensors. @example hp.or(isNaN, isLarge) @throws SHAPE, DTYPE, LIFETIME */
  or(a: Tensor, b: Tensor): Tensor {
    return this.mathBinary('or', a, b);
  }

  /** Logical not of a bool tensor. @example hp.not(mask) @throws DTYPE, LIFETIME */
  not(x: Tensor): Tensor {
    return this.mathUnary('not', x);
  }

  /** -x. @example hp.neg(x) @throws DTYPE (unsigned), LIFETIME */
  neg(x: Tensor): Tensor {
    return this.mathUnary('neg', x);
  }

  /** |x|. @example hp.abs(x) @throws DTYPE, LIFETIME */
  abs(x: Tensor): Tensor {
    return this.mathUnary('abs', x);
  }

  /** -1, 0 or 1 by sign (NaN stays NaN). @example hp.sign(x) @throws DTYPE, LIFETIME */
  sign(x: Tensor): Tensor {
    return this.mathUnary('sign', x);
  }

  /** e^x. @example hp.exp(logits) @throws DTYPE (not float), LIFETIME */
  exp(x: Tensor): Tensor {
    return this.mathUnary('exp', x);
  }

  /** Natural logarithm. @example hp.log(probabilities) @throws DTYPE (not float), LIFETIME */
  log(x: Tensor): Tensor {
    return this.mathUnary('log', x);
  }

  /** Square root, correctly rounded. @example hp.sqrt(variance) @throws DTYPE (not float), LIFETIME */
  sqrt(x: Tensor): Tensor {
    return this.mathUnary('sqrt', x);
  }

  /** 1 / x. @example hp.reciprocal(x) @throws DTYPE (not float), LIFETIME */
  reciprocal(x: Tensor): Tensor {
    return this.mathUnary('reciprocal', x);
  }

  /** Hyperbolic tangent. @example hp.tanh(x) @throws DTYPE (not float), LIFETIME */
  tanh(x: Tensor): Tensor {
    return this.mathUnary('tanh', x);
  }

  /** 1 / (1 + e^-x), without overflow. @example hp.sigmoid(logits) @throws DTYPE (not float), LIFETIME */
  sigmoid(x: Tensor): Tensor {
    return this.mathUnary('sigmoid', x);
  }

  /** The error function. @example hp.erf(x) @throws DTYPE (not float), LIFETIME */
  erf(x: Tensor): Tensor {
    return this.mathUnary('erf', x);
  }

  /** Sine of radians. @example hp.sin(phase) @throws DTYPE (not float), LIFETIME */
  sin(x: Tensor): Tensor {
    return this.mathUnary('sin', x);
  }

  /** Cosine of radians. @example hp.cos(phase) @throws DTYPE (not float), LIFETIME */
  cos(x: Tensor): Tensor {
    return this.mathUnary('cos', x);
  }

  /** Largest integer <= x. @example hp.floor(x) @throws DTYPE (not float), LIFETIME */
  floor(x: Tensor): Tensor {
    return this.mathUnary('floor', x);
  }

  /** Smallest integer >= x. @example hp.ceil(x) @throws DTYPE (not float), LIFETIME */
  ceil(x: Tensor): Tensor {
    return this.mathUnary('ceil', x);
  }

  /** Nearest integer, halves to even (numpy.round): 2.5 -> 2. @example hp.round(x) @throws DTYPE (not float), LIFETIME */
  round(x: Tensor): Tensor {
    return this.mathUnary('round', x);
  }

  /** log(1 + e^x), without overflow. @example hp.softplus(x) @throws DTYPE (not float), LIFETIME */
  softplus(x: Tensor): Tensor {
    return this.mathUnary('softplus', x);
  }

  /** x for x >= 0, alpha x otherwise. @example hp.leakyRelu(x, { alpha: 0.1 }) @throws DTYPE, ARGUMENT, LIFETIME */
  leakyRelu(x: Tensor, attrs: LeakyReluAttrs = {}): Tensor {
    return this.run('leakyRelu', [x], attrs)[0]!;
  }

  /** x for x > 0, alpha (e^x - 1) otherwise. @example hp.elu(x, { alpha: 1 }) @throws DTYPE, ARGUMENT, LIFETIME */
  elu(x: Tensor, attrs: EluAttrs = {}): Tensor {
    return this.run('elu', [x], attrs)[0]!;
  }

  /** gamma * elu(x, alpha), ONNX's defaults. @example hp.selu(x) @throws DTYPE, ARGUMENT, LIFETIME */
  selu(x: Tensor, attrs: SeluAttrs = {}): Tensor {
    return this.run('selu', [x], attrs)[0]!;
  }

  /** max(0, min(1, alpha x + beta)). @example hp.hardSigmoid(x, { alpha: 0.2, beta: 0.5 }) @throws DTYPE, ARGUMENT, LIFETIME */
  hardSigmoid(x: Tensor, attrs: HardSigmoidAttrs = {}): Tensor {
    return this.run('hardSigmoid', [x], attrs)[0]!;
  }

  /** min(max(x, min), max); an absent bound is none. @example hp.clip(x, { min: 0, max: 6 }) @throws DTYPE, ARGUMENT, LIFETIME */
  clip(x: Tensor, attrs: ClipAttrs = {}): Tensor {
    return this.run('clip', [x], attrs)[0]!;
  }

  /** x where cond, else y (numpy.where), all three broadcast. @example hp.where(mask, x, zeros) @throws SHAPE, DTYPE, LIFETIME */
  where(cond: Tensor, x: Tensor, y: Tensor): Tensor {
    return this.run('where', [cond, x, y])[0]!;
  }

  /**
   * A copy of x converted to `dtype`, as numpy's `x.astype(dtype)` (float -> int truncates toward
   * zero; anything -> bool is x != 0); also `x.astype(dtype)` on the tensor.
   * @example hp.astype(x, 'float64')
   * @throws DTYPE (unknown dtype), LIFETIME
   */
  astype(x: Tensor, dtype: DType): Tensor {
    return this.run('cast', [x], { to: dtype })[0]!;
  }

  /** ONNX's name for astype. @example hp.cast(x, 'int32') @throws DTYPE, LIFETIME */
  cast(x: Tensor, dtype: DType): Tensor {
    return this.astype(x, dtype);
  }
}
