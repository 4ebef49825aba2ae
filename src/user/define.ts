/**
 * A user kernel as a kernel definition, so that it is validated, dispatched, verified and
 * counted exactly like a built-in: inputs are float32 tensors, the attributes are the declared
 * params (defaults from the declaration), infer() does every check, and the implementations
 * travel with the definition (`ref`: the user's own function, `wasm`: the compiled module, or
 * why there is none).
 */
import { fail } from '../errors.js';
import { broadcastAll, broadcastView } from '../kernels/broadcast.js';
import { defineKernel, finiteAttr, type Cost, type Inputs, type KernelDef, type Plan, type Tolerance } from '../kernels/kernel.js';
import { sizeOf } from '../tensor/layout.js';
import type { Tensor, ViewSpec } from '../tensor/tensor.js';
import type { CompiledKernel } from './abi.js';
import { DEFAULT_TOLERANCE, isArg, type Combine, type KernelKind, type PairwiseDecl, type ReduceDecl, type UserKernel } from './kernel.js';
import { nearestRef, reduceMagnitude, userRef } from './reference.js';

/** The validated form of a call of a user kernel. */
export interface UserPlan {
  readonly kind: KernelKind;
  /** The output's shape: map the broadcast shape, reduce [], rows [rows, n], pairwise [n, m]. */
  readonly shape: readonly number[];
  /**
   * Each input's view: map and reduce over the broadcast shape (stride 0 where stretched),
   * rows as given ([rows, n]), pairwise x [n, d] and y [m, d].
   */
  readonly views: readonly ViewSpec[];
  /** map and reduce: the shape the views walk (for reduce, not the output's). */
  readonly space: readonly number[];
  /** Parameter values in declaration order (call values over defaults). */
  readonly params: readonly number[];
  /** pairwise: the shared dimension d; rows: n; else 0. */
  readonly d: number;
  /** reduce: how the element values combine. */
  readonly combine?: Combine;
  /** pairwise `.nearest`: outputs each row of x's nearest row of y (int32) and its distance. */
  readonly nearest?: true;
}

/** What the wasm backend finds under `implementations.wasm`: the module, or why there is none. */
export type WasmEntry = { readonly compiled: CompiledKernel } | { readonly unavailable: string };

/**
 * The kernel definition of `k`, with the ref implementation and, when given, the wasm entry.
 * @example const def = defineUser(huber, { compiled }); def.infer([pred, target], { delta: 1 })
 */
export function defineUser(k: UserKernel, wasm?: WasmEntry): KernelDef<Record<string, number>, UserPlan> {
  const names = k.kind === 'pairwise' ? ['x', 'y'] : [...(k.decl as { inputs: readonly string[] }).inputs];
  const ulp = k.decl.tolerance?.ulp ?? DEFAULT_TOLERANCE.ulp;
  const floor = k.decl.tolerance?.floor ?? DEFAULT_TOLERANCE.floor;
  const perElement: Tolerance = { kind: 'ulp', ulp, floor };
  const reduceSum = k.kind === 'reduce' && (k.decl as ReduceDecl).combine === 'sum';
  const arg = k.kind === 'reduce' && isArg((k.decl as ReduceDecl).combine);
  const pairSum = k.kind === 'pairwise' && ((k.decl as PairwiseDecl).combine ?? 'sum') === 'sum';
  return defineKernel<Record<string, number>, UserPlan>({
    name: k.name,
    inputs: names.map((name) => ({ name, dtypes: ['float32'] })),
    outputs: arg ? ['index', 'value'] : ['out'],
    ...(arg ? { hints: [0] } : {}),
    defaults: Object.fromEntries(k.params),
    // A reduce 'sum' is held to the BLAS-style bound of a sum (see depth() and magnitude()); a
    // min or max picks one element, so it is as exact as one element (the element tolerance).
    tolerance: reduceSum ? { kind: 'accumulated', factor: 1 } : perElement,
    // A pairwise 'sum' adds d terms in another order when vectorised: the element tolerance
    // plus one ulp per term (the recursive-summation bound for same-signed terms, relative to
    // the result; terms of both signs rely on `floor`). 'max' is order-free.
    ...(pairSum ? { toleranceFor: (plan: Plan<UserPlan>): Tolerance => ({ kind: 'ulp', ulp: ulp + plan.params.d, floor }) } : {}),
    infer: (inputs, attrs) => plan(k, inputs, attrs),
    cost: (p) => costOf(p.params, names.length),
    // reduce 'sum': |compiled - reference| <= depth * (eps * sum_i max(|term_i|, floor)) with
    // depth = ulp + 1: each compiled term is within ulp * eps * max(|term|, floor) of the
    // reference's, the compiled sum accumulates in float64 (chunk partials, then the host) as
    // the reference does, and the result is rounded to float32 once (half an ulp). The bound
    // does not grow with the element count, so a lost or doubled element shows, and it is
    // relative to the terms, not to the sum, so cancellation does not make it fail.
    ...(reduceSum
      ? {
          depth: () => ulp + 1,
          magnitude: (p: Plan<UserPlan>, inputs: Inputs) => [Float64Array.of(reduceMagnitude(k, p, inputs, floor))],
        }
      : {}),
    implementations: { ref: userRef(k), ...(wasm === undefined ? {} : { wasm }) },
  });
}

/**
 * `<name>.nearest` of a pairwise kernel: for each row of x the first row of y at the smallest
 * distance that is not NaN (label 0 and NaN when all are) and that distance, without the [n, m]
 * matrix: the compiled module's `assign` export. hp.kmeans(x, { distance }) runs it every
 * iteration. The labels are a hint for verify (a near tie may break the other way in another
 * summation order); the distances are held to the kernel's tolerance.
 * @example const [labels, distances] = hp.run('manhattan.nearest', [points, centroids])
 */
export function defineNearest(k: UserKernel, wasm?: WasmEntry): KernelDef<Record<string, number>, UserPlan> {
  const def = defineUser(k, wasm);
  return defineKernel<Record<string, number>, UserPlan>({
    ...def,
    name: `${k.name}.nearest`,
    outputs: ['labels', 'distances'],
    hints: [0],
    infer: (inputs, attrs) => {
      const p = def.infer(inputs, attrs);
      const n = p.params.shape[0]!;
      return { outputs: [{ shape: [n], dtype: 'int32' }, { shape: [n], dtype: 'float32' }], params: { ...p.params, nearest: true } };
    },
    implementations: { ref: nearestRef(k), ...(wasm === undefined ? {} : { wasm }) },
  });
}

function plan(k: UserKernel, inputs: Inputs, attrs: Readonly<Record<string, number>>): Plan<UserPlan> {
  const params = k.params.map(([key]) => finiteAttr(k.name, `param '${key}'`, attrs[key]));
  const tensors = inputs as readonly Tensor[];
  switch (k.kind) {
    case 'map':
    case 'reduce': {
      const space = broadcastAll(k.name, tensors);
      const views = tensors.map((t) => broadcastView(t, space));
      const how = k.kind === 'reduce' ? (k.decl as ReduceDecl).combine : undefined;
      if (how !== undefined && sizeOf(space) === 0 && how !== 'sum') {
        const op = { min: 'zero-size array to reduction operation minimum which has no identity', max: 'zero-size array to reduction operation maximum which has no identity', argmin: 'attempt to get argmin of an empty sequence', argmax: 'attempt to get argmax of an empty sequence' }[how];
        fail({ code: 'SHAPE', kernel: k.name, problem: op, expected: 'at least one element', received: tensors.map((t) => t.describe()).join(', '), hint: "an empty reduce is defined only for combine: 'sum' (0)" });
      }
      const shape = k.kind === 'map' ? space : [];
      const combine = how === undefined ? {} : { combine: how };
      // argmin / argmax: the index (int32, a hint: a near tie may go either way in float32
      // lanes) and its value (float32, held to the element tolerance).
      const outputs = isArg(how) ? [{ shape, dtype: 'int32' as const }, { shape, dtype: 'float32' as const }] : [{ shape, dtype: 'float32' as const }];
      return { outputs, params: { kind: k.kind, shape, views, space, params, d: 0, ...combine } };
    }
    case 'rows': {
      const first = tensors[0]!;
      for (const t of tensors) {
        if (t.rank !== 2 || t.shape[0] !== first.shape[0] || t.shape[1] !== first.shape[1]) {
          fail({ code: 'SHAPE', kernel: k.name, problem: 'rows kernel inputs must be matrices of one shape [rows, n]', expected: first.rank === 2 ? `every input [${first.shape.join(', ')}]` : 'a 2-D input', received: tensors.map((x) => x.describe()).join(', ') });
        }
      }
      const shape = [first.shape[0]!, first.shape[1]!];
      return { outputs: [{ shape, dtype: 'float32' }], params: { kind: 'rows', shape, views: tensors.map(viewOf), space: shape, params, d: shape[1]! } };
    }
    case 'pairwise': {
      const [x, y] = tensors as [Tensor, Tensor];
      for (const [t, name] of [[x, 'x'], [y, 'y']] as const) {
        if (t.rank !== 2) {
          fail({ code: 'SHAPE', kernel: k.name, problem: `${name} must be a matrix`, expected: `${name} [${name === 'x' ? 'n' : 'm'}, d]`, received: t.describe() });
        }
      }
      if (x.shape[1] !== y.shape[1]) {
        fail({ code: 'SHAPE', kernel: k.name, problem: 'x and y have different numbers of features', expected: `y with ${x.shape[1]} columns, as x`, received: `x ${x.describe()}, y ${y.describe()}` });
      }
      const shape = [x.shape[0]!, y.shape[0]!];
      return { outputs: [{ shape, dtype: 'float32' }], params: { kind: 'pairwise', shape, views: [viewOf(x), viewOf(y)], space: shape, params, d: x.shape[1]! } };
    }
  }
}

function viewOf(t: Tensor): ViewSpec {
  return { shape: t.shape, strides: t.strides, offset: t.offset };
}

/** Work from the sizes alone: one flop per element (the body's own cost is unknown), float32 bytes. */
function costOf(p: UserPlan, inputs: number): Cost {
  switch (p.kind) {
    case 'map':
    case 'rows': {
      const n = sizeOf(p.shape);
      return { flops: n, bytes: 4 * n * (inputs + 1) };
    }
    case 'reduce': {
      const n = sizeOf(p.space);
      return { flops: n, bytes: 4 * n * inputs + 4 };
    }
    case 'pairwise': {
      const [n, m] = p.shape as [number, number];
      return { flops: 2 * n * m * p.d, bytes: 4 * (n * p.d + m * p.d + n * m) };
    }
  }
}
