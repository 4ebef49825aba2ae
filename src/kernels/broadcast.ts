/**
 * Shared planning for the element-wise kernels: numpy broadcasting of two or three operands
 * (add, sub, pow, where, equal, ...), and the declaration helpers `defineBinary` and
 * `defineUnary` every element-wise kernel is made with.
 */
import { fail } from '../errors.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import { broadcastShapes, broadcastStrides, formatShape, rowStrides, sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import { defineKernel, NUMERIC, sameDType, type Cost, type KernelDef, type Plan, type Tolerance } from './kernel.js';

export interface BinaryParams {
  readonly shape: readonly number[];
  readonly a: ViewSpec;
  readonly b: ViewSpec;
}

/** What a binary kernel's output holds: a's dtype (add, pow) or bool (equal, less, ...). */
export type BinaryOutput = 'same' | 'bool';

/**
 * Output shape and broadcast views of a and b. Both must share a dtype unless `mixed` (pow,
 * whose exponent may be of another type); the output has a's dtype, or bool.
 */
export function planBinary(kernel: string, a: Tensor, b: Tensor, output: BinaryOutput = 'same', mixed = false): Plan<BinaryParams> {
  const dtype = mixed ? a.dtype : sameDType(kernel, [a, b]);
  const shape = broadcastAll(kernel, [a, b]);
  return {
    outputs: [{ shape, dtype: output === 'bool' ? 'bool' : dtype }],
    params: { shape, a: broadcastView(a, shape), b: broadcastView(b, shape) },
  };
}

/** The shape every tensor broadcasts to, numpy's rules. Throws SHAPE. */
export function broadcastAll(kernel: string, tensors: readonly Tensor[]): number[] {
  let shape: number[] | null = [];
  for (const t of tensors) {
    shape = shape === null ? null : broadcastShapes(shape, t.shape);
  }
  if (shape === null) {
    return fail({
      code: 'SHAPE',
      kernel,
      problem: 'shapes do not broadcast',
      expected: 'equal dims or 1 in each trailing position',
      received: tensors.map((t) => t.describe()).join(' and '),
      hint: 'numpy broadcasting rules apply; reshape one operand so that dims line up from the right',
    });
  }
  return shape;
}

export function broadcastView(t: Tensor, shape: readonly number[]): ViewSpec {
  const strides = broadcastStrides(t.shape, t.strides, shape);
  if (strides === null) {
    throw new Error(`internal: ${formatShape(t.shape)} does not broadcast to ${formatShape(shape)}`);
  }
  return { shape, strides, offset: t.offset };
}

export function elementwiseCost(plan: Plan<{ shape: readonly number[] }>, inputs: number, bytesPerElement: number, flopsPerElement = 1): Cost {
  const n = sizeOf(plan.params.shape);
  return { flops: n * flopsPerElement, bytes: n * (inputs + 1) * bytesPerElement };
}

/** The row-major view of a freshly allocated output of this shape. */
export function outputView(shape: readonly number[]): ViewSpec {
  return { shape, strides: rowStrides(shape), offset: 0 };
}

export interface BinarySpec {
  /** dtypes of a (and of b unless `exponent`); default every numeric dtype. */
  readonly dtypes?: readonly DType[];
  /** dtypes b may have independently of a (pow's exponent); absent: b has a's dtype. */
  readonly exponent?: readonly DType[];
  readonly output?: BinaryOutput;
  /** Default exact: one rounding of an exact result is the same bits everywhere. */
  readonly tolerance?: Tolerance;
  /** Per-call tolerance, e.g. exact for integers and ulp-bounded for floats (pow). */
  readonly toleranceFor?: (plan: Plan<BinaryParams>) => Tolerance;
  readonly flops?: number;
}

/** Declares an element-wise binary kernel with numpy broadcasting (add, sub, less, pow, ...). */
export function defineBinary(name: string, spec: BinarySpec = {}): KernelDef<Record<string, never>, BinaryParams> {
  const dtypes = spec.dtypes ?? NUMERIC;
  return defineKernel<Record<string, never>, BinaryParams>({
    name,
    inputs: [
      { name: 'a', dtypes },
      { name: 'b', dtypes: spec.exponent ?? dtypes },
    ],
    outputs: ['c'],
    defaults: {},
    tolerance: spec.tolerance ?? { kind: 'exact' },
    ...(spec.toleranceFor === undefined ? {} : { toleranceFor: spec.toleranceFor }),
    infer: ([a, b]) => planBinary(name, a!, b!, spec.output ?? 'same', spec.exponent !== undefined),
    cost: (plan) => elementwiseCost(plan, 2, dtypeInfo(plan.outputs[0]!.dtype).bytes, spec.flops ?? 1),
  });
}

/** x viewed as it is, and the row-major output, over x's shape. */
export interface UnaryParams {
  readonly shape: readonly number[];
  readonly x: ViewSpec;
  readonly y: ViewSpec;
}

/** A unary kernel's plan: the views and its resolved attributes (alpha, min, ...). */
export interface MapParams<A> extends UnaryParams {
  readonly attrs: Readonly<Required<A>>;
}

export interface UnarySpec<A extends object> {
  readonly dtypes: readonly DType[];
  readonly defaults: Required<A>;
  readonly tolerance: Tolerance;
  /** Per-call tolerance, e.g. exact for integers and ulp-bounded for floats. */
  readonly toleranceFor?: (plan: Plan<MapParams<A>>) => Tolerance;
  /** Validates the merged attributes (throws ARGUMENT); default: every value a finite number. */
  readonly check?: (attrs: Required<A>, x: Tensor) => void;
  /** The output dtype (default x's). */
  readonly output?: (x: DType, attrs: Required<A>) => DType;
  /** Arithmetic per element, for cost(): 1 for neg, ~20 for exp. */
  readonly flops?: number;
}

/** Declares an element-wise unary kernel (exp, leakyRelu, clip, cast, ...). */
export function defineUnary<A extends object>(name: string, spec: UnarySpec<A>): KernelDef<A, MapParams<A>> {
  return defineKernel<A, MapParams<A>>({
    name,
    inputs: [{ name: 'x', dtypes: spec.dtypes }],
    outputs: ['y'],
    defaults: spec.defaults,
    tolerance: spec.tolerance,
    ...(spec.toleranceFor === undefined ? {} : { toleranceFor: spec.toleranceFor }),
    infer: ([x], attrs) => {
      const merged = { ...spec.defaults, ...attrs } as Required<A>;
      (spec.check ?? checkFinite(name))(merged, x!);
      return {
        outputs: [{ shape: x!.shape, dtype: spec.output?.(x!.dtype, merged) ?? x!.dtype }],
        params: { shape: x!.shape, x: { shape: x!.shape, strides: x!.strides, offset: x!.offset }, y: outputView(x!.shape), attrs: merged },
      };
    },
    cost: (plan) => elementwiseCost(plan, 1, dtypeInfo(plan.outputs[0]!.dtype).bytes, spec.flops ?? 1),
  });
}

/** The default attribute check: every attribute is a finite number (alpha, beta, gamma). */
function checkFinite(kernel: string): (attrs: object) => void {
  return (attrs) => {
    for (const [key, value] of Object.entries(attrs)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail({ code: 'ARGUMENT', kernel, problem: `invalid ${key}`, expected: 'a finite number', received: String(value) });
      }
    }
  };
}

/** Exact for integer inputs, `floats` otherwise (abs, neg, clip on ints are exact). */
export function exactForIntegers<P>(floats: Tolerance): (plan: Plan<P>) => Tolerance {
  return (plan) => (dtypeInfo(plan.outputs[0]!.dtype).float ? floats : { kind: 'exact' });
}

