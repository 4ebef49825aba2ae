/**
 * One `hotpath check` case through the runtime, as a user calls it: the same tensors (same
 * views: transposed, broadcast, sliced) on a runtime that requires wasm (2 threads, every call
 * split, so the thread split and the glue are checked too) and on a ref-only runtime, whose
 * reference runs the user's own function. The worst error in float32 ulps against the declared
 * tolerance:
 * - map, rows, reduce min/max: |got - ref| <= ulp * eps32 * max(|ref|, floor) per element;
 * - reduce sum: each term within that, summed: (ulp + 1) * eps32 * sum of max(|term|, floor);
 * - pairwise: ulp per distance, plus one per term of a sum (ulp + d).
 * NaN only matches NaN and an infinity only the same infinity (reported as an infinite error);
 * a call the wasm runtime refuses is reported with its error, as an infinite error.
 */
import { isHotpathError } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CheckCase, SpaceCase, View2 } from './checkCases.js';
import type { KernelLoader } from './obtain.js';
import { DEFAULT_TOLERANCE, isArg, type ReduceDecl, type UserKernel } from './kernel.js';

const EPS32 = 2 ** -23;

export interface CaseResult {
  readonly label: string;
  /** The worst error in ulps (Infinity for a NaN or infinity mismatch, or a refused call). */
  readonly worstUlp: number;
  /** What the tolerance allows for this case, in the same ulps. */
  readonly allowedUlp: number;
  /** Where the worst error is: the element, the compiled and the reference value. */
  readonly at: string;
}

/** The two runtimes a check compares. */
export interface CheckRuntimes {
  readonly wasm: Runtime;
  readonly ref: Runtime;
  close(): Promise<void>;
}

/** A wasm-only runtime whose kernels come from `loader`, and a ref-only one. @throws BACKEND without wasm */
export async function openCheckRuntimes(loader: KernelLoader): Promise<CheckRuntimes> {
  const { createRuntime } = await import('../runtime/runtime.js');
  const wasm = await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0, userCompiler: loader });
  const ref = await createRuntime({ backends: ['ref'] });
  return { wasm, ref, close: async () => void (await Promise.all([wasm.close(), ref.close()])) };
}

/** Error of `got` against `ref` in ulps of `scale` (an absolute magnitude). */
export function ulpsOff(got: number, ref: number, scale: number): number {
  if (Number.isNaN(got) || Number.isNaN(ref)) {
    return Number.isNaN(got) && Number.isNaN(ref) ? 0 : Number.POSITIVE_INFINITY;
  }
  if (!Number.isFinite(got) || !Number.isFinite(ref)) {
    return got === ref ? 0 : Number.POSITIVE_INFINITY;
  }
  return Math.abs(got - ref) / (EPS32 * scale);
}

/** The tensors of case `c` on `hp` (the same views on both runtimes). */
function tensorsOf(hp: Runtime, c: CheckCase): Tensor[] {
  switch (c.type) {
    case 'space':
      return c.inputs.map((v) => spaceTensor(hp, c, v));
    case 'rows':
      return c.inputs.map((input) => padded(hp, input.data, c.rows, input.rowStride, c.n));
    case 'pair':
      return [padded(hp, c.x.data, c.n, c.x.rowStride, c.d), padded(hp, c.y.data, c.m, c.y.rowStride, c.d)];
  }
}

function spaceTensor(hp: Runtime, c: SpaceCase, v: View2): Tensor {
  const rows = c.rows ?? 1;
  switch (v.layout) {
    case 'row':
      return hp.tensor(v.data, c.rows === null ? [c.cols] : [rows, c.cols]);
    case 'col':
      return hp.tensor(v.data, [c.cols, rows]).transpose();
    case 'broadcast':
      return hp.tensor(v.data, [c.cols]);
    case 'sliced':
      return hp.tensor(v.data, [2 * rows + 1, 2 * c.cols + 1]).slice([1, 2 * rows + 1, 2], [1, 2 * c.cols + 1, 2]);
  }
}

/** [rows, n] from a buffer of rows `stride` elements apart. */
function padded(hp: Runtime, data: Float32Array, rows: number, stride: number, n: number): Tensor {
  const t = hp.tensor(data, [rows, stride]);
  return stride === n ? t : t.slice(null, [0, n]);
}

/** Runs `c` on both runtimes (the kernel loaded on both); returns the worst error. */
export function runCase(rt: CheckRuntimes, kernel: UserKernel, c: CheckCase): CaseResult {
  const ulp = kernel.decl.tolerance?.ulp ?? DEFAULT_TOLERANCE.ulp;
  const floor = kernel.decl.tolerance?.floor ?? DEFAULT_TOLERANCE.floor;
  const sum = kernel.kind === 'reduce' ? (kernel.decl as ReduceDecl).combine === 'sum' : kernel.kind === 'pairwise' && (kernel.decl as { combine?: string }).combine !== 'max';
  const allowed = kernel.kind === 'reduce' && sum ? ulp + 1 : kernel.kind === 'pairwise' && sum && c.type === 'pair' ? ulp + c.d : ulp;
  let got: Float32Array;
  let ref: Float32Array;
  // argmin / argmax: the value found is checked (output 1); a near tie may pick another index.
  const which = kernel.kind === 'reduce' && isArg((kernel.decl as ReduceDecl).combine) ? 1 : 0;
  try {
    got = rt.wasm.scope(() => rt.wasm.run(kernel, tensorsOf(rt.wasm, c))[which]!.toArray() as Float32Array);
  } catch (error) {
    if (!isHotpathError(error)) {
      throw error;
    }
    return { label: c.label, worstUlp: Number.POSITIVE_INFINITY, allowedUlp: allowed, at: `the wasm call failed: error [${error.code}] ${error.message.split('\n')[0]}` };
  }
  ref = rt.ref.scope(() => rt.ref.run(kernel, tensorsOf(rt.ref, c))[which]!.toArray() as Float32Array);
  if (kernel.kind === 'reduce' && sum && c.type === 'space') {
    const scale = magnitude(kernel as UserKernel<ReduceDecl>, c, floor);
    return { label: c.label, worstUlp: ulpsOff(got[0]!, ref[0]!, scale), allowedUlp: allowed, at: `sum of ${(c.rows ?? 1) * c.cols} terms: ${got[0]}, reference ${ref[0]} (summed magnitude ${scale})` };
  }
  let worst = 0;
  let at = '-';
  for (let i = 0; i < ref.length; i++) {
    const e = ulpsOff(got[i]!, ref[i]!, Math.max(Math.abs(ref[i]!), floor));
    if (e > worst) {
      worst = e;
      at = `element ${i}${describe(c, i)}: ${got[i]}, reference ${ref[i]}`;
    }
  }
  return { label: c.label, worstUlp: worst, allowedUlp: allowed, at };
}

/** The terms' summed magnitude of a reduce sum: sum of max(|element(...)|, floor) over the space. */
function magnitude(kernel: UserKernel<ReduceDecl>, c: SpaceCase, floor: number): number {
  const params = kernel.params.map(([, v]) => v);
  let total = 0;
  for (let i = 0; i < (c.rows ?? 1); i++) {
    for (let j = 0; j < c.cols; j++) {
      const args = c.inputs.map((v) => v.data[v.offset + i * v.strides[0] + j * v.strides[1]]!);
      total += Math.max(Math.abs(kernel.decl.element(...args, ...params)), floor);
    }
  }
  return total;
}

/** " (i, j) of (inputs...)" for an element of a map case; nothing for the others. */
function describe(c: CheckCase, index: number): string {
  if (c.type !== 'space') {
    return '';
  }
  const i = Math.floor(index / c.cols);
  const j = index % c.cols;
  const args = c.inputs.map((v) => v.data[v.offset + i * v.strides[0] + j * v.strides[1]]!);
  return ` (${i},${j}) of (${args.join(', ')})`;
}
