/**
 * Kernel calls for the API fuzzer: add, relu, matmul, softmax and reduceSum on wasm, on ref, or
 * through the public method (dispatch picks). Inputs are any handles, live or released, of any
 * dtype, shape and layout; the model predicts the outcome (LIFETIME first, then DTYPE/SHAPE) and
 * the values, computed here with plain float64 loops over the model's logical values. The
 * data are small integers, so add, relu, matmul and reduceSum are exact in every dtype.
 */
import type { DType, ErrorCode, Tensor } from '../../src/index.js';
import { attempt, ModelViolation, oneOf, rng, sameValues, type Expect } from './expect.js';
import { rowStridesOf, sizeOfShape, type Handle, type MFrame, type World } from './world.js';

export const KERNEL_NAMES = ['add', 'relu', 'matmul', 'softmax', 'reduceSum'] as const;
const FLOATS: readonly DType[] = ['float32', 'float64'];

interface Prediction {
  readonly codes: ErrorCode[];
  readonly shape?: number[];
  readonly values?: number[];
  /** Relative tolerance of the values (0: exact). */
  readonly tolerance?: number;
  /** Success is allowed though the contract leaves it open (rank-0 softmax). */
  readonly lenient?: boolean;
}

function round(dtype: DType, v: number): number {
  if (dtype === 'float32') {
    return Math.fround(v);
  }
  return dtype === 'int32' ? v | 0 : v;
}

/** numpy broadcasting of two shapes; undefined when they do not broadcast. */
function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      return undefined;
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Row-major flat index into `shape` of a (broadcast) output index. */
function indexInto(shape: readonly number[], outIndex: readonly number[]): number {
  const strides = rowStridesOf(shape);
  let flat = 0;
  shape.forEach((d, i) => {
    const oi = outIndex[outIndex.length - shape.length + i]!;
    flat += (d === 1 ? 0 : oi) * strides[i]!;
  });
  return flat;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = shape.map(() => 0);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return index;
}

function predictAdd(a: Handle, b: Handle, av: number[], bv: number[]): Prediction {
  const shape = broadcastShapes(a.view.shape, b.view.shape);
  const codes: ErrorCode[] = [];
  if (a.storage.dtype !== b.storage.dtype) {
    codes.push('DTYPE');
  }
  if (shape === undefined) {
    codes.push('SHAPE');
  }
  if (codes.length > 0) {
    return { codes };
  }
  const values = Array.from({ length: sizeOfShape(shape!) }, (_, n) => {
    const index = unravel(n, shape!);
    return round(a.storage.dtype, av[indexInto(a.view.shape, index)]! + bv[indexInto(b.view.shape, index)]!);
  });
  return { codes, shape, values };
}

function predictMatmul(a: Handle, b: Handle, av: number[], bv: number[]): Prediction {
  const dtype = a.storage.dtype;
  const codes: ErrorCode[] = [];
  if (!FLOATS.includes(dtype) || !FLOATS.includes(b.storage.dtype) || dtype !== b.storage.dtype) {
    codes.push('DTYPE');
  }
  const as = a.view.shape;
  const bs = b.view.shape;
  if (as.length === 0 || bs.length === 0) {
    return { codes: [...codes, 'SHAPE'] };
  }
  // numpy: a 1-D a is [1, k] and a 1-D b is [k, 1], the added dim dropped from the result.
  const a2 = as.length === 1 ? [1, as[0]!] : [...as];
  const b2 = bs.length === 1 ? [bs[0]!, 1] : [...bs];
  const [m, k] = a2.slice(-2) as [number, number];
  const [k2, n] = b2.slice(-2) as [number, number];
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
  if (k !== k2 || batch === undefined) {
    return { codes: [...codes, 'SHAPE'] };
  }
  if (codes.length > 0) {
    return { codes };
  }
  const shape = [...batch, ...(as.length === 1 ? [] : [m]), ...(bs.length === 1 ? [] : [n])];
  const values: number[] = [];
  const aBatch = a2.slice(0, -2);
  const bBatch = b2.slice(0, -2);
  for (let p = 0; p < sizeOfShape(batch); p++) {
    const bi = unravel(p, batch);
    const aBase = indexInto(aBatch, bi) * m * k;
    const bBase = indexInto(bBatch, bi) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let q = 0; q < k; q++) {
          sum += av[aBase + i * k + q]! * bv[bBase + q * n + j]!;
        }
        values.push(round(dtype, sum));
      }
    }
  }
  return { codes, shape, values };
}

function predictSoftmax(a: Handle, av: number[]): Prediction {
  const dtype = a.storage.dtype;
  if (!FLOATS.includes(dtype)) {
    return { codes: ['DTYPE'] };
  }
  const shape = [...a.view.shape];
  if (shape.length === 0) {
    // A scalar has no axis -1: the contract allows a refusal or the softmax of one element.
    return { codes: ['ARGUMENT', 'SHAPE'], shape, values: [1], lenient: true };
  }
  const n = shape[shape.length - 1]!;
  const values: number[] = [];
  for (let row = 0; row * n < av.length; row++) {
    const xs = av.slice(row * n, row * n + n);
    const max = Math.max(...xs);
    const e = xs.map((x) => Math.exp(x - max));
    const sum = e.reduce((p, x) => p + x, 0);
    values.push(...e.map((x) => x / sum));
  }
  return { codes: [], shape, values, tolerance: dtype === 'float32' ? 1e-6 : 1e-14 };
}

function predictReduceSum(a: Handle, av: number[], axis: number | undefined, keepdims: boolean | undefined): Prediction {
  const dtype = a.storage.dtype;
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    return { codes: ['DTYPE'] };
  }
  const shape = a.view.shape;
  const rank = shape.length;
  const reduced = shape.map((_, i) => axis === undefined || i === (axis < 0 ? axis + rank : axis));
  const keep = keepdims ?? true;
  const outFull = shape.map((d, i) => (reduced[i] ? 1 : d));
  const out = keep ? outFull : shape.filter((_, i) => !reduced[i]);
  const sums = new Array<number>(sizeOfShape(outFull)).fill(0);
  av.forEach((v, n) => {
    const index = unravel(n, shape).map((x, i) => (reduced[i] ? 0 : x));
    const flat = index.reduce((p, x, i) => p * outFull[i]! + x, 0);
    sums[flat] = sums[flat]! + v;
  });
  return { codes: [], shape: out, values: sums.map((s) => round(dtype, s)) };
}

/** One kernel call on one or two handles; the result joins the model. */
export function kernel(w: World, frame: MFrame | undefined, name: (typeof KERNEL_NAMES)[number], picks: readonly [number, number], seed: number): void {
  const r = rng(seed);
  const backend = oneOf(r, ['wasm', 'ref', 'auto'] as const);
  const a = w.handle(picks[0]);
  const b = w.handle(picks[1]);
  const inputs = name === 'add' || name === 'matmul' ? [a, b] : [a];
  const axis = a.view.shape.length > 0 && r() < 0.5 ? Math.floor(r() * a.view.shape.length * 2) - a.view.shape.length : undefined;
  const keepdims = oneOf(r, [undefined, true, false]);
  const operation = `${name}@${backend}`;
  let expected: Expect;
  let prediction: Prediction | undefined;
  if (inputs.some((h) => !w.alive(h))) {
    // Lifetimes are checked before anything else about the inputs.
    expected = { ok: false, codes: ['LIFETIME'] };
  } else {
    const av = w.logical(a);
    const bv = w.logical(b);
    prediction =
      name === 'add' ? predictAdd(a, b, av, bv)
      : name === 'matmul' ? predictMatmul(a, b, av, bv)
      : name === 'relu' ? { codes: [], shape: [...a.view.shape], values: av.map((x) => Math.max(x, 0)) }
      : name === 'softmax' ? predictSoftmax(a, av)
      : predictReduceSum(a, av, axis, keepdims);
    const ok = prediction.codes.length === 0 || prediction.lenient === true;
    // Forcing wasm may be declined with BACKEND (a dtype or case it does not take); counted.
    const codes: ErrorCode[] = [...prediction.codes, ...(ok && backend === 'wasm' ? (['BACKEND'] as const) : [])];
    expected = { ok, codes };
  }
  const attrs = name === 'reduceSum' ? { ...(axis === undefined ? {} : { axes: [axis] }), ...(keepdims === undefined ? {} : { keepdims }) } : {};
  const args = inputs.map((h) => h.real);
  const out = attempt(w.tally, operation, expected, (): Tensor => {
    if (backend === 'auto') {
      const hp = w.hp;
      return name === 'add' ? hp.add(args[0]!, args[1]!) : name === 'matmul' ? hp.matmul(args[0]!, args[1]!) : name === 'relu' ? hp.relu(args[0]!) : name === 'softmax' ? hp.softmax(args[0]!) : hp.reduceSum(args[0]!, attrs);
    }
    return w.hp.run(name, args, attrs as never, { backend })[0]!;
  });
  if (out === undefined) {
    return;
  }
  // Sums of non-integers round differently by summation order: within a tolerance then.
  const inexact = (name === 'matmul' || name === 'reduceSum') && inputs.some((h) => !h.storage.values.every(Number.isInteger));
  const p = inexact && !prediction!.tolerance ? { ...prediction!, tolerance: a.storage.dtype === 'float32' ? 1e-5 : 1e-12 } : prediction!;
  // Values checked within a tolerance enter the model as computed (each later use is exact).
  const stored = p.tolerance ? Array.from(out.toArray() as ArrayLike<number>) : p.values!;
  w.addBase(out, a.storage.dtype, stored, { shape: p.shape!, strides: rowStridesOf(p.shape!), offset: 0 }, frame);
  if (JSON.stringify(out.shape) !== JSON.stringify(p.shape)) {
    throw new ModelViolation(`${operation}(${args.map((t) => t.describe()).join(', ')}): shape ${JSON.stringify(out.shape)}, expected ${JSON.stringify(p.shape)}`);
  }
  if (out.dtype !== a.storage.dtype) {
    throw new ModelViolation(`${operation}(${args.map((t) => t.describe()).join(', ')}): dtype ${out.dtype}, expected ${a.storage.dtype}`);
  }
  const problem = sameValues(out.toArray() as ArrayLike<number>, p.values!, p.tolerance ?? 0);
  if (problem !== undefined) {
    throw new ModelViolation(`${operation}(${args.map((t) => t.describe()).join(', ')}): ${problem}`);
  }
}
