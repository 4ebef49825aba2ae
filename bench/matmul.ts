/**
 * matmul benchmark: C = A B for square float32 n x n, n = 256, 512, 1024, 2048, rated in
 * GFLOP/s (2 n^3 per call), then float64 at n = 1024 and 2048 (hotpath wasm and native against
 * numpy). Plain-loop contenders (naive loops, hotpath ref) run up to n = 512;
 * any contender whose time projected from the previous size (cubic) is over the per-call
 * budget is skipped with the estimate. Outputs are cross-checked at the smallest size. numpy
 * (`a @ b`, OpenBLAS) runs in /usr/bin/python3 after the Node contenders of each case, timed
 * inside Python (bench/sklearnPeer.ts).
 */
import type { Matrix } from 'ml-matrix';
import type { Runtime, Tensor } from '../src/index.js';
import { randomF32, type Contender, type Prepared, type Row } from './harness.js';
import { hotpathContender, nativeContender, NATIVE1, NATIVE2, REF, WASM1, WASM2, type HotpathInput } from './hotpath.js';
import { ML_MATRIX, NAIVE, ORT, ortContender, TF_CPU, TF_WASM, tfContender, type Loaded, type MlMatrix, type PeerInput } from './peers.js';
import { plainContender, Projector } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';
import { runSklearn, sklearnRow } from './sklearnPeer.js';

const NUMPY = 'numpy';
/** float64 sizes (hotpath wasm and native, numpy). */
const SIZES_F64 = [1024, 2048];
const QUICK_SIZES_F64 = [128];

const SIZES = [256, 512, 1024, 2048];
const QUICK_SIZES = [64, 128];
/** Largest n for the plain-loop contenders (naive loops, ref). */
const LOOPS_MAX = 512;

/** Warm-up calls and timed repeats per size: fewer for the big, slow sizes. */
function schedule(n: number, quick: boolean): { warmup: number; repeats: number } {
  if (quick) {
    return { warmup: 1, repeats: 3 };
  }
  if (n <= 256) {
    return { warmup: 2, repeats: 15 };
  }
  if (n <= 512) {
    return { warmup: 2, repeats: 9 };
  }
  return n <= 1024 ? { warmup: 1, repeats: 5 } : { warmup: 1, repeats: 3 };
}

/** The plain triple loop a TypeScript user writes first, in i-k-j order for row-major access. */
export function naiveMatmul(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k]!;
      const bRow = k * n;
      for (let j = 0; j < n; j++) {
        c[row + j] = c[row + j]! + aik * b[bRow + j]!;
      }
    }
  }
  return c;
}


function mlMatrixContender(loaded: Loaded<MlMatrix>, a: Float32Array, b: Float32Array, n: number, skip: string | undefined): Contender {
  const why = skip ?? (loaded.ok ? undefined : `not loaded: ${loaded.reason}`);
  return {
    name: ML_MATRIX,
    note: loaded.ok ? loaded.note : 'unavailable',
    ...(why === undefined ? {} : { skip: why }),
    setup(): Prepared<Matrix> {
      const { Matrix } = (loaded as { lib: MlMatrix }).lib;
      const left = Matrix.from1DArray(n, n, a);
      const right = Matrix.from1DArray(n, n, b);
      return {
        call: () => left.mmul(right),
        output: (out) => out.to1DArray(),
        release: () => undefined,
        dispose: () => undefined,
      };
    },
  };
}

export const matmul: Workload = {
  name: 'matmul',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const rows: Row[] = [];
    const projector = new Projector(ctx.budgetMs, (n) => n ** 3, (n) => `n=${n}`);
    const sizes = ctx.quick ? QUICK_SIZES : SIZES;
    for (const [index, n] of sizes.entries()) {
      ctx.log(`matmul n=${n}`);
      const a = randomF32(n * n, 11);
      const b = randomF32(n * n, 12);
      const overBudget = (name: string): string | undefined => projector.skip(name, n);
      const loopsOnly = (name: string): string | undefined => (!ctx.quick && n > LOOPS_MAX ? `plain loops are measured up to n=${LOOPS_MAX} only` : overBudget(name));
      const hpInputs = [{ values: a, shape: [n, n] }, { values: b, shape: [n, n] }];
      const peerInputs: PeerInput[] = [{ name: 'a', values: a, shape: [n, n] }, { name: 'b', values: b, shape: [n, n] }];
      const contenders: Contender[] = [
        hotpathContender(WASM2, 'wasm SIMD micro-kernel, 2 threads', ctx.hp.wasm2, 'matmul', hpInputs, (hp, [x, y]) => hp.matmul(x!, y!), overBudget(WASM2)),
        nativeContender(ctx.hp, 2, 'packed GEMM micro-kernel', 'matmul', hpInputs, (hp, [x, y]) => hp.matmul(x!, y!), overBudget(NATIVE2)),
        nativeContender(ctx.hp, 1, 'packed GEMM micro-kernel', 'matmul', hpInputs, (hp, [x, y]) => hp.matmul(x!, y!), overBudget(NATIVE1)),
        hotpathContender(WASM1, 'wasm SIMD micro-kernel, 1 thread', ctx.hp.wasm1, 'matmul', hpInputs, (hp, [x, y]) => hp.matmul(x!, y!), overBudget(WASM1)),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'matmul', hpInputs, (hp, [x, y]) => hp.matmul(x!, y!), loopsOnly(REF)),
        plainContender(NAIVE, 'plain TypeScript triple loop over Float32Array (i-k-j order)', () => naiveMatmul(a, b, n), loopsOnly(NAIVE)),
        mlMatrixContender(ctx.peers.mlMatrix, a, b, n, overBudget(ML_MATRIX)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [x, y]) => tf.matMul(x!, y!), undefined, overBudget(TF_CPU)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [x, y]) => tf.matMul(x!, y!), undefined, overBudget(TF_WASM)),
        ortContender(ctx.peers.ort, { op: 'MatMul', opset: 13, inputs: [{ name: 'a', dims: [n, n] }, { name: 'b', dims: [n, n] }], nodeInputs: ['a', 'b'], output: { name: 'y', dims: [n, n] } }, peerInputs, overBudget(ORT)),
      ];
      const { warmup, repeats } = schedule(n, ctx.quick);
      const caseRows = await runCase({ workload: 'matmul', size: `n=${n}`, work: { flops: 2 * n ** 3 }, baseline: [WASM2], warmup, repeats, check: index === 0, contenders }, ctx);
      projector.record(caseRows, n);
      rows.push(...caseRows, await numpyRow(caseRows, a, b, n, warmup, repeats, ctx));
    }
    rows.push(...(await float64Cases(ctx)));
    return rows;
  },
};

/** numpy's `a @ b` on the case's inputs, as a row of the case. */
async function numpyRow(caseRows: readonly Row[], a: Float32Array | Float64Array, b: Float32Array | Float64Array, n: number, warmup: number, repeats: number, ctx: WorkloadContext): Promise<Row> {
  const outcome = await runSklearn('matmul', { x: { values: a, shape: [n, n] }, y: { values: b, shape: [n, n] } }, ['--sample-rows', '16'], warmup, repeats);
  const dtype = a instanceof Float64Array ? 'float64' : 'float32';
  return sklearnRow(caseRows, { flops: 2 * n ** 3 }, outcome, `a @ b (${dtype})`, ctx.log, NUMPY);
}

/** float64 n x n: hotpath wasm (the baseline) and native against numpy. */
async function float64Cases(ctx: WorkloadContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of ctx.quick ? QUICK_SIZES_F64 : SIZES_F64) {
    ctx.log(`matmul float64 n=${n}`);
    const a = Float64Array.from(randomF32(n * n, 21));
    const b = Float64Array.from(randomF32(n * n, 22));
    const inputs: HotpathInput[] = [{ values: a, shape: [n, n] }, { values: b, shape: [n, n] }];
    const call = (hp: Runtime, [x, y]: readonly Tensor[]): Tensor => hp.matmul(x!, y!);
    const contenders: Contender[] = [
      hotpathContender(WASM2, 'wasm SIMD micro-kernel (f64x2), 2 threads', ctx.hp.wasm2, 'matmul', inputs, call),
      hotpathContender(WASM1, 'wasm SIMD micro-kernel (f64x2), 1 thread', ctx.hp.wasm1, 'matmul', inputs, call),
      nativeContender(ctx.hp, 2, 'packed GEMM micro-kernel', 'matmul', inputs, call),
      nativeContender(ctx.hp, 1, 'packed GEMM micro-kernel', 'matmul', inputs, call),
    ];
    const { warmup, repeats } = schedule(n, ctx.quick);
    const caseRows = await runCase({ workload: 'matmul', size: `n=${n} float64`, work: { flops: 2 * n ** 3 }, baseline: [WASM2], warmup, repeats, check: true, contenders }, ctx);
    rows.push(...caseRows, await numpyRow(caseRows, a, b, n, warmup, repeats, ctx));
  }
  return rows;
}
