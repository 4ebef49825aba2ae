/**
 * One `hotpath check` case: the compiled module run on one thread over a fresh shared memory
 * (its calling convention from abi.ts, arguments by name), the user's own function run as plain
 * JavaScript in float64 as the reference, and the worst error in float32 ulps against the
 * declared tolerance:
 * - map, rows, reduce min/max: |got - ref| <= ulp * eps32 * max(|ref|, floor) per element;
 * - reduce sum: each term within that, summed: (ulp + 1) * eps32 * sum of max(|term|, floor);
 * - pairwise: ulp per distance, plus one per term of a sum (ulp + d); `assign` must pick a row
 *   whose reference distance is within that of the nearest.
 * NaN only matches NaN and an infinity only the same infinity (reported as an infinite error).
 */
import { argumentsOf, type CompiledKernel } from './abi.js';
import type { CheckCase, PairCase, RowsCase, SpaceCase } from './checkCases.js';
import type { MapDecl, PairwiseDecl, ReduceDecl, RowsDecl, UserKernel } from './kernel.js';

/** The tolerance of a kernel that declares none (the runtime's verify uses the same). */
export const DEFAULT_TOLERANCE = { ulp: 8, floor: 1 } as const;

const EPS32 = 2 ** -23;

export interface CaseResult {
  readonly label: string;
  /** The worst error in ulps (Infinity for a NaN or infinity mismatch). */
  readonly worstUlp: number;
  /** What the tolerance allows for this case, in the same ulps. */
  readonly allowedUlp: number;
  /** Where the worst error is: the element, the compiled and the reference value. */
  readonly at: string;
}

/** Error of `got` against `ref` in ulps of max(|ref|, scale floor) (`scale` given: absolute units). */
export function ulpsOff(got: number, ref: number, scale: number): number {
  if (Number.isNaN(got) || Number.isNaN(ref)) {
    return Number.isNaN(got) && Number.isNaN(ref) ? 0 : Number.POSITIVE_INFINITY;
  }
  if (!Number.isFinite(got) || !Number.isFinite(ref)) {
    return got === ref ? 0 : Number.POSITIVE_INFINITY;
  }
  return Math.abs(got - ref) / (EPS32 * scale);
}

/** A fresh shared memory with the module instantiated on it and a bump allocator (bytes). */
class Bench {
  readonly memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  private readonly exports: WebAssembly.Instance['exports'];
  private next = 4096;
  readonly desc = 1024;

  constructor(private readonly compiled: CompiledKernel, params: readonly number[]) {
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(compiled.wasm), { env: { memory: this.memory } }).exports;
    new Float32Array(this.memory.buffer, this.desc, params.length).set(params);
    new Int32Array(this.memory.buffer, this.desc + 4 * params.length, compiled.constants.length).set(compiled.constants);
  }

  /** Copies `data` in (or reserves `bytes`); returns its byte offset (16-byte aligned). */
  place(data: Float32Array | number): number {
    const bytes = typeof data === 'number' ? data : data.byteLength;
    const at = this.next;
    this.next = (at + bytes + 15) & ~15;
    if (this.next > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((this.next - this.memory.buffer.byteLength) / 65536));
    }
    if (typeof data !== 'number') {
      new Float32Array(this.memory.buffer, at, data.length).set(data);
    }
    return at;
  }

  call(name: string, values: Record<string, number>): void {
    const signature = this.compiled.exports.find((s) => s.name === name)!;
    (this.exports[name] as (...args: number[]) => void)(...argumentsOf(signature, { desc: this.desc, ...values }));
  }

  f32(at: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, count).slice();
  }
}

/** Runs `c` compiled and as the reference; returns the worst error. */
export function runCase(kernel: UserKernel, compiled: CompiledKernel, c: CheckCase): CaseResult {
  const params = kernel.params.map(([, v]) => v);
  const ulp = kernel.decl.tolerance?.ulp ?? DEFAULT_TOLERANCE.ulp;
  const floor = kernel.decl.tolerance?.floor ?? DEFAULT_TOLERANCE.floor;
  const bench = new Bench(compiled, params);
  switch (c.type) {
    case 'space':
      return kernel.kind === 'reduce' ? reduceCase(kernel as UserKernel<ReduceDecl>, bench, c, params, ulp, floor) : mapCase(kernel as UserKernel<MapDecl>, bench, c, params, ulp, floor);
    case 'rows':
      return rowsCase(kernel as UserKernel<RowsDecl>, bench, c, params, ulp, floor);
    case 'pair':
      return pairCase(kernel as UserKernel<PairwiseDecl>, bench, c, params, ulp, floor);
  }
}

/** The worst of per-element comparisons. */
class Worst {
  ulps = 0;
  at = '-';
  see(ulps: number, at: () => string): void {
    if (ulps > this.ulps || (Number.isNaN(ulps) && !Number.isNaN(this.ulps))) {
      this.ulps = ulps;
      this.at = at();
    }
  }
}

function spaceArgs(bench: Bench, c: SpaceCase): Record<string, number> {
  const values: Record<string, number> = { d1: 1, d2: c.rows, d3: c.cols, rowStart: 0, rowEnd: c.rows };
  c.inputs.forEach((v, k) => {
    values[`p${k}`] = bench.place(v.data) + 4 * v.offset;
    Object.assign(values, { [`s${k}_0`]: 0, [`s${k}_1`]: 0, [`s${k}_2`]: v.strides[0], [`s${k}_3`]: v.strides[1] });
  });
  return values;
}

const at2 = (c: SpaceCase, i: number, j: number): number[] => c.inputs.map((v) => v.data[v.offset + i * v.strides[0] + j * v.strides[1]]!);

function mapCase(kernel: UserKernel<MapDecl>, bench: Bench, c: SpaceCase, params: number[], ulp: number, floor: number): CaseResult {
  const out = bench.place(4 * c.rows * c.cols);
  bench.call('run', { ...spaceArgs(bench, c), out });
  const got = bench.f32(out, c.rows * c.cols);
  const worst = new Worst();
  for (let i = 0; i < c.rows; i++) {
    for (let j = 0; j < c.cols; j++) {
      const args = at2(c, i, j);
      const ref = Math.fround(kernel.decl.element(...args, ...params));
      const g = got[i * c.cols + j]!;
      worst.see(ulpsOff(g, ref, Math.max(Math.abs(ref), floor)), () => `(${i},${j}) of (${args.join(', ')}): ${g}, reference ${ref}`);
    }
  }
  return { label: c.label, worstUlp: worst.ulps, allowedUlp: ulp, at: worst.at };
}

function reduceCase(kernel: UserKernel<ReduceDecl>, bench: Bench, c: SpaceCase, params: number[], ulp: number, floor: number): CaseResult {
  const chunkRows = 2;
  const chunks = Math.ceil(c.rows / chunkRows);
  const partials = bench.place(8 * chunks);
  bench.call('run', { ...spaceArgs(bench, c), partials, chunkRows });
  const parts = Array.from(new Float64Array(bench.memory.buffer, partials, chunks));
  const combine = kernel.decl.combine;
  const pick = (a: number, b: number): number => (combine === 'sum' ? a + b : combine === 'min' ? Math.min(a, b) : Math.max(a, b));
  const got = Math.fround(parts.reduce(pick));
  let ref = combine === 'sum' ? 0 : combine === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let magnitude = 0;
  for (let i = 0; i < c.rows; i++) {
    for (let j = 0; j < c.cols; j++) {
      const term = kernel.decl.element(...at2(c, i, j), ...params);
      ref = pick(ref, term);
      magnitude += Math.max(Math.abs(term), floor);
    }
  }
  const sum = combine === 'sum';
  const ulps = ulpsOff(got, sum ? ref : Math.fround(ref), sum ? magnitude : Math.max(Math.abs(ref), floor));
  return { label: c.label, worstUlp: ulps, allowedUlp: sum ? ulp + 1 : ulp, at: `${combine} of ${c.rows * c.cols}: ${got}, reference ${ref}` };
}

function rowsCase(kernel: UserKernel<RowsDecl>, bench: Bench, c: RowsCase, params: number[], ulp: number, floor: number): CaseResult {
  const values: Record<string, number> = { n: c.n, ors: c.n, rowStart: 0, rowEnd: c.rows };
  c.inputs.forEach((input, k) => {
    values[`x${k}`] = bench.place(input.data);
    values[`rs${k}`] = input.rowStride;
  });
  const out = bench.place(4 * c.rows * c.n);
  bench.call('run', { ...values, out });
  const got = bench.f32(out, c.rows * c.n);
  const worst = new Worst();
  const row = kernel.decl.row as unknown as (...args: (Float32Array | number)[]) => void;
  for (let r = 0; r < c.rows; r++) {
    const ins = c.inputs.map((input) => input.data.slice(r * input.rowStride, r * input.rowStride + c.n));
    const ref = new Float32Array(c.n);
    row(...ins, ref, c.n, ...params);
    for (let j = 0; j < c.n; j++) {
      const g = got[r * c.n + j]!;
      worst.see(ulpsOff(g, ref[j]!, Math.max(Math.abs(ref[j]!), floor)), () => `row ${r} element ${j}: ${g}, reference ${ref[j]}`);
    }
  }
  return { label: c.label, worstUlp: worst.ulps, allowedUlp: ulp, at: worst.at };
}

function pairCase(kernel: UserKernel<PairwiseDecl>, bench: Bench, c: PairCase, params: number[], ulp: number, floor: number): CaseResult {
  const decl = kernel.decl;
  const common = { x: bench.place(c.x.data), xrs: c.x.rowStride, y: bench.place(c.y.data), yrs: c.y.rowStride, d: c.d, m: c.m, rowStart: 0, rowEnd: c.n };
  const out = bench.place(4 * c.n * c.m);
  const labels = bench.place(4 * c.n);
  const best = bench.place(4 * c.n);
  bench.call('run', { ...common, out });
  bench.call('assign', { ...common, labels, best });
  const got = bench.f32(out, c.n * c.m);
  const chosen = new Int32Array(bench.memory.buffer, labels, c.n).slice();
  const max = decl.combine === 'max';
  const allowed = max ? ulp : ulp + c.d;
  const worst = new Worst();
  for (let i = 0; i < c.n; i++) {
    const refs: number[] = [];
    for (let j = 0; j < c.m; j++) {
      let acc = max ? Number.NEGATIVE_INFINITY : 0;
      for (let k = 0; k < c.d; k++) {
        const term = decl.term(c.x.data[i * c.x.rowStride + k]!, c.y.data[j * c.y.rowStride + k]!, ...params);
        acc = max ? Math.max(acc, term) : acc + term;
      }
      const ref = Math.fround(decl.finish === undefined ? acc : decl.finish(acc, ...params));
      refs.push(ref);
      const g = got[i * c.m + j]!;
      worst.see(ulpsOff(g, ref, Math.max(Math.abs(ref), floor)), () => `run (${i},${j}): ${g}, reference ${ref}`);
    }
    if (refs.some((r) => Number.isNaN(r))) {
      continue; // the nearest of a row with a NaN distance is not defined by the reference
    }
    const nearest = Math.min(...refs);
    const label = chosen[i]!;
    const ulps = label >= 0 && label < c.m ? ulpsOff(refs[label]!, nearest, Math.max(Math.abs(nearest), floor)) : Number.POSITIVE_INFINITY;
    worst.see(ulps, () => `assign row ${i}: picked ${label} (reference distance ${refs[label]}), the nearest is ${refs.indexOf(nearest)} (${nearest})`);
  }
  return { label: c.label, worstUlp: worst.ulps, allowedUlp: allowed, at: worst.at };
}
