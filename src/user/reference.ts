/**
 * The reference implementation of user kernels: the user's own functions, called as plain
 * JavaScript over any strides. Values are float64 while the body runs and rounded to float32
 * when stored (a Float32Array store is Math.fround); reductions accumulate in float64 in
 * element order. A body that throws, or returns something other than a number, fails the call
 * with a coded error naming the kernel and the element.
 */
import type { KernelImpl } from '../backends/backend.js';
import { fail } from '../errors.js';
import type { Inputs, Plan } from '../kernels/kernel.js';
import { describeValue } from '../runtime/args.js';
import { forEachRow, lastStride, rowLength } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import type { UserPlan } from './define.js';
import { argTakes, isArg, type MapDecl, type PairwiseDecl, type ReduceDecl, type RowsDecl, type UserKernel } from './kernel.js';

type Body = (...args: unknown[]) => unknown;

/** The ref implementation of `k`, by kind. */
export function userRef(k: UserKernel): KernelImpl<UserPlan> {
  switch (k.kind) {
    case 'map':
      return mapRef(k);
    case 'reduce':
      return reduceRef(k);
    case 'rows':
      return rowsRef(k);
    case 'pairwise':
      return pairwiseRef(k);
  }
}

/**
 * sum over the elements of max(|element(...)|, floor): the magnitude a reduce 'sum' is checked
 * against (define.ts), in float64.
 */
export function reduceMagnitude(k: UserKernel, plan: Plan<UserPlan>, inputs: Inputs, floor: number): number {
  let total = 0;
  eachValue(k, plan.params, inputs, (v) => {
    total += Math.max(Math.abs(v), floor);
  });
  return total;
}

function mapRef(k: UserKernel): KernelImpl<UserPlan> {
  return (plan, inputs, [out]) => {
    const Y = out!.data(k.name);
    const base = out!.offset;
    eachValue(k, plan.params, inputs, (v, flat) => {
      Y[base + flat] = v;
    });
  };
}

function reduceRef(k: UserKernel): KernelImpl<UserPlan> {
  const combine = (k.decl as ReduceDecl).combine;
  if (isArg(combine)) {
    const largest = combine === 'argmax';
    return (plan, inputs, [index, value]) => {
      // infer() refused an empty space: some element is taken.
      let best = Number.NaN;
      let at = -1;
      eachValue(k, plan.params, inputs, (v, flat) => {
        if (argTakes(v, best, at >= 0, largest)) {
          best = v;
          at = flat;
        }
      });
      index!.data(k.name)[index!.offset] = at;
      value!.data(k.name)[value!.offset] = best;
    };
  }
  return (plan, inputs, [out]) => {
    // min and max start at the identity of Math.min / Math.max; infer() refused an empty min/max.
    let acc = combine === 'sum' ? 0 : combine === 'min' ? Infinity : -Infinity;
    eachValue(k, plan.params, inputs, (v) => {
      acc = combine === 'sum' ? acc + v : combine === 'min' ? Math.min(acc, v) : Math.max(acc, v);
    });
    out!.data(k.name)[out!.offset] = acc;
  };
}

/**
 * Calls the element body once per index of the broadcast space in C order, with each input's
 * element there and the params, and hands `visit` the checked value and its flat index.
 */
function eachValue(k: UserKernel, p: UserPlan, inputs: Inputs, visit: (value: number, flat: number) => void): void {
  const element = (k.decl as MapDecl).element as Body;
  const data = (inputs as readonly Tensor[]).map((t) => t.data(k.name) as Float32Array);
  const count = p.views.length;
  const args: number[] = [...p.views.map(() => 0), ...p.params];
  const n = rowLength(p.space);
  const steps = p.views.map((v) => lastStride(v.strides));
  let flat = 0;
  forEachRow(p.space, p.views.map((v) => v.strides), p.views.map((v) => v.offset), (bases) => {
    for (let j = 0; j < n; j++) {
      for (let v = 0; v < count; v++) {
        args[v] = data[v]![bases[v]! + j * steps[v]!]!;
      }
      visit(call(k, 'element', element, args, () => elementAt(flat, p.space)), flat);
      flat++;
    }
  });
}

function rowsRef(k: UserKernel): KernelImpl<UserPlan> {
  const row = (k.decl as RowsDecl).row as unknown as Body;
  return (plan, inputs, [out]) => {
    const p = plan.params;
    const [rows, n] = p.shape as [number, number];
    const data = (inputs as readonly Tensor[]).map((t) => t.data(k.name) as Float32Array);
    const Y = out!.data(k.name) as Float32Array;
    // A row whose elements are not adjacent is copied into a row of its own for the body.
    const copies = p.views.map((v) => (v.strides[1] === 1 ? null : new Float32Array(n)));
    const args: unknown[] = [...p.views.map(() => null), null, n, ...p.params];
    for (let r = 0; r < rows; r++) {
      p.views.forEach((v, i) => {
        const start = v.offset + r * v.strides[0]!;
        const copy = copies[i];
        if (copy === null || copy === undefined) {
          args[i] = data[i]!.subarray(start, start + n);
          return;
        }
        for (let j = 0; j < n; j++) {
          copy[j] = data[i]![start + j * v.strides[1]!]!;
        }
        args[i] = copy;
      });
      // The output is a fresh row-major tensor: its row is a view, written in place.
      const at = out!.offset + r * n;
      args[p.views.length] = Y.subarray(at, at + n);
      run(k, 'row', row, args, () => `row ${r}`);
    }
  };
}

/** Each row's nearest (first on ties, NaN never wins) from the pairwise reference's distances. */
export function nearestRef(k: UserKernel): KernelImpl<UserPlan> {
  const distances = pairwiseRef(k);
  return (plan, inputs, [labels, best]) => {
    const [n, m] = plan.params.shape as [number, number];
    const all = new Float32Array(n * m);
    const sink = { data: () => all, offset: 0 } as unknown as Tensor;
    distances(plan, inputs, [sink]);
    const L = labels!.data(k.name) as Int32Array;
    const B = best!.data(k.name) as Float32Array;
    for (let i = 0; i < n; i++) {
      let label = 0;
      let smallest = Number.NaN;
      for (let j = 0; j < m; j++) {
        const v = all[i * m + j]!;
        if (v < smallest || (Number.isNaN(smallest) && !Number.isNaN(v))) {
          smallest = v;
          label = j;
        }
      }
      L[labels!.offset + i] = label;
      B[best!.offset + i] = smallest;
    }
  };
}

function pairwiseRef(k: UserKernel): KernelImpl<UserPlan> {
  const decl = k.decl as PairwiseDecl;
  const term = decl.term as Body;
  const finish = decl.finish as Body | undefined;
  const max = decl.combine === 'max';
  return (plan, [x, y], [out]) => {
    const p = plan.params;
    const [n, m] = p.shape as [number, number];
    const [xv, yv] = p.views as [UserPlan['views'][0], UserPlan['views'][0]];
    const X = x!.data(k.name) as Float32Array;
    const Y = y!.data(k.name) as Float32Array;
    const O = out!.data(k.name) as Float32Array;
    const args = [0, 0, ...p.params];
    const finishArgs = [0, ...p.params];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let acc = max ? -Infinity : 0;
        for (let c = 0; c < p.d; c++) {
          args[0] = X[xv.offset + i * xv.strides[0]! + c * xv.strides[1]!]!;
          args[1] = Y[yv.offset + j * yv.strides[0]! + c * yv.strides[1]!]!;
          const t = call(k, 'term', term, args, () => `pair (${i}, ${j}), coordinate ${c}`);
          acc = max ? Math.max(acc, t) : acc + t;
        }
        if (finish !== undefined) {
          finishArgs[0] = acc;
          acc = call(k, 'finish', finish, finishArgs, () => `pair (${i}, ${j})`);
        }
        O[out!.offset + i * m + j] = acc;
      }
    }
  };
}

/** Runs a body that must return a number. @throws BACKEND naming the kernel and the element */
function call(k: UserKernel, field: string, body: Body, args: readonly unknown[], where: () => string): number {
  const value = run(k, field, body, args, where);
  if (typeof value !== 'number') {
    fail({ code: 'BACKEND', kernel: k.name, problem: `${field}() returned ${describeValue(value)} at ${where()}`, expected: 'a number', received: describeValue(value), hint: `every path of ${field}() must return a number` });
  }
  return value;
}

/** Runs a body; what it throws comes back as BACKEND with the user's error as `cause`. */
function run(k: UserKernel, field: string, body: Body, args: readonly unknown[], where: () => string): unknown {
  try {
    return body.apply(undefined, args as unknown[]);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return fail({ code: 'BACKEND', kernel: k.name, problem: `${field}() threw at ${where()}`, expected: 'the reference body to return', received: message, hint: 'the original error is this error\'s `cause` (its stack points into your kernel)', cause: error });
  }
}

/** `element 5 (index [1, 2])`. */
function elementAt(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `element ${flat} (index [${index.join(', ')}])`;
}
