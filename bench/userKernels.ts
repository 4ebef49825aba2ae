/**
 * userKernels benchmark: the four example hot paths of issue 9 (user kernels), each as the plain
 * TypeScript function a user starts from (the one its example in examples/ is ported from; the
 * baseline of every ratio), as the example's user kernel compiled by hotpath, and as gpu.js
 * kernels on gpu.js's fastest backend that runs here without a GPU, webasm
 * (bench/userKernels/gpujs.ts; f32x4 SIMD, on a pool of 2 workers in asyncMode, and on the
 * calling thread):
 *
 *   huber      Huber loss sum (delta 1) over n = 10^7 float32 pairs
 *   haversine  distance matrix (km) of 2000 x 5000 points (10^7 pairs), lat/lon in radians
 *   zscore     per-row z-score of float32 [10000, 1000]
 *   assign     k-means assignment by the Manhattan (L1) distance: [100000, 32], k = 64
 *
 * Every contender's first result (outside the timing) is held to the plain function's: the
 * note gives max |out - plain| / max |plain| (assign: how many labels differ). Times are
 * medians per call, inputs made once; each call allocates its output (as the plain functions
 * and gpu.js do). hotpath's contenders (hotpathContenders below) run the examples' user kernels
 * compiled to wasm, on 2 threads and 1.
 *
 *   npm run bench -- --only userKernels            (add --quick for a smoke run)
 */
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import { randomF32, type Contender, type Prepared, type Row } from './harness.js';
import type { Runtime, Tensor } from '../src/index.js';
import type { UserKernel } from '../src/user/kernel.js';
import { hotpathContender, WASM1, WASM2, type HotpathInput } from './hotpath.js';
import { GPUJS1, GPUJS2, NAIVE, type Loaded } from './peers.js';
import { measured, plainContender } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';
import { backendOf, gpuAssign, gpuHaversine, gpuHuber, gpuZScore, webasmGpu, type GpuJs, type GpuJsMode } from './userKernels/gpujs.js';
import { haversine, haversineMatrix } from '../examples/haversine.js';
import { huber, huberLoss } from '../examples/huber.js';
import { zScore, zScoreRows } from '../examples/robustScale.js';
import { assignManhattan, manhattan } from '../examples/kmeansManhattan.js';

/** gpu.js's kernels for one case, made on `gpu`: the kernels (for backendOf) and one call. */
interface GpuJsCase {
  readonly kernels: readonly IKernelRunShortcut[];
  call(): Promise<ArrayLike<number>>;
}

/** One example hot path at one size: its inputs, the plain function, its gpu.js port and how results are compared. */
interface UserCase {
  /** The example's name (issue 9's examples/): huber, haversine, zscore, assign. */
  readonly example: string;
  readonly size: string;
  /** The inputs, named and shaped as hotpath tensors would be, in the kernel's input order. */
  readonly inputs: Readonly<Record<string, HotpathInput>>;
  /** The example's user kernel, when there is one. */
  readonly kernel?: UserKernel;
  plain(): ArrayLike<number>;
  gpujs(gpu: GPU, mode: GpuJsMode): GpuJsCase;
  /** 'labels': count differing labels; 'values': max |out - plain| / max |plain|. */
  readonly compare: 'labels' | 'values';
}

/** gpu.js's pool size for the threaded contender: 2, as hotpath's 2t and this machine's cores. */
const GPUJS_WORKERS = 2;

/**
 * hotpath's compiled user kernels: the example's kernel (examples/*.ts) loaded into the
 * wasm-only runtimes (`require: 'wasm'`, so a kernel that fails to compile or is declined fails
 * its row instead of falling back) on 2 threads and on 1, over `c.inputs` as tensors. Loading
 * (compiling, or reading the compile cache) happens in setup, untimed. The issue's targets read
 * off the same table: vs baseline (the plain function) <= 0.1x on 2 threads and <= 0.25x on 1
 * thread, and half gpu.js webasm's time or less. The assign case runs the pairwise kernel's
 * `.nearest` companion, as hp.kmeans(x, { distance }) does every iteration.
 */
function hotpathContenders(c: UserCase, ctx: WorkloadContext): Contender[] {
  const kernel = c.kernel;
  if (kernel === undefined) {
    return [];
  }
  const inputs = Object.values(c.inputs);
  // The assign case runs the kernel's `.nearest` companion, counted in stats under that name.
  const counted = c.compare === 'labels' ? `${kernel.name}.nearest` : kernel.name;
  const contender = (name: string, note: string, hp: Runtime): Contender => {
    const inner = hotpathContender(name, note, hp, counted, inputs, (rt, tensors) => (c.compare === 'labels' ? nearestLabels(rt, kernel, tensors) : rt.run(kernel, tensors)[0]!));
    return {
      ...inner,
      async setup() {
        await hp.load(kernel);
        const prepared = inner.setup() as Prepared<unknown>;
        const before = threadCounts(hp, counted);
        // The thread counts of this contender's calls, so a 2t row that ran on one thread says so.
        return { ...prepared, ranOn: () => `${prepared.ranOn?.() ?? ''} (calls per thread count: ${threadsSince(hp, counted, before)})` };
      },
    };
  };
  return [
    contender(WASM2, `user kernel '${kernel.name}' (${kernel.kind}) compiled to wasm SIMD, runtime of 2 threads`, ctx.hp.wasm2),
    contender(WASM1, `user kernel '${kernel.name}' (${kernel.kind}) compiled to wasm SIMD, runtime of 1 thread`, ctx.hp.wasm1),
  ];
}

/** Each row's nearest row of y (first on ties), int32 [n]: the kernel's `.nearest` companion. */
function nearestLabels(rt: Runtime, kernel: UserKernel, tensors: readonly Tensor[]): Tensor {
  const [labels, distances] = rt.run(`${kernel.name}.nearest`, tensors);
  distances!.release();
  return labels!;
}

function threadCounts(hp: Runtime, kernel: string): Readonly<Record<string, number>> {
  return { ...(hp.stats().kernels[kernel]?.threads ?? {}) };
}

/** '1: 11' or '2: 11': calls per number of threads since `before`. */
function threadsSince(hp: Runtime, kernel: string, before: Readonly<Record<string, number>>): string {
  return Object.entries(threadCounts(hp, kernel))
    .map(([threads, calls]) => [threads, calls - (before[threads] ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .map(([threads, calls]) => `${threads}: ${calls}`)
    .join(', ');
}

function gpuJsContender(name: string, loaded: Loaded<GpuJs>, mode: GpuJsMode, c: UserCase): Contender {
  const where = mode.threaded ? `asyncMode on a pool of ${mode.poolSize} workers` : 'sync calls on the calling thread';
  return {
    name,
    note: loaded.ok ? `${loaded.note}, ${where}` : 'unavailable',
    ...(loaded.ok ? {} : { skip: `not loaded: ${loaded.reason}` }),
    setup(): Prepared<ArrayLike<number>> {
      const gpu = webasmGpu((loaded as { lib: GpuJs }).lib);
      const made = c.gpujs(gpu, mode);
      return {
        call: () => made.call(),
        output: (out) => out,
        release: () => undefined,
        ranOn: () => [...new Set(made.kernels.map(backendOf))].join(', '),
        dispose: () => gpu.destroy(),
      };
    },
  };
}

/** gpu.js's 2-D outputs (one Float32Array per row) as one row-major array, for the comparison. */
function flat(rows: readonly Float32Array[]): Float32Array {
  const cols = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => out.set(row, i * cols));
  return out;
}

/** max |out - ref| / max |ref|: infinite for NaN or a length mismatch. */
function relativeToLargest(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (out.length !== ref.length) {
    return Number.POSITIVE_INFINITY;
  }
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(out[i]! - ref[i]!);
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
    largest = Math.max(largest, Math.abs(ref[i]!));
  }
  return largest === 0 ? (worst === 0 ? 0 : Number.POSITIVE_INFINITY) : worst / largest;
}

function differingLabels(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let count = Math.abs(out.length - ref.length);
  for (let i = 0; i < Math.min(out.length, ref.length); i++) {
    count += out[i] === ref[i] ? 0 : 1;
  }
  return count;
}

/** Latitudes uniform over [-pi/2, pi/2) and longitudes over [-pi, pi), radians. */
function points(count: number, seed: number): { lat: Float32Array; lon: Float32Array } {
  return { lat: randomF32(count, seed, Math.PI / 2), lon: randomF32(count, seed + 1, Math.PI) };
}

function cases(quick: boolean): UserCase[] {
  const scale = quick ? 100 : 1;
  const n = 10_000_000 / scale;
  // Residuals spread over [-6, 6]: about a third in the quadratic branch, the rest linear.
  const pred = randomF32(n, 91, 3);
  const target = randomF32(n, 92, 3);
  const [na, mb] = [2000 / (quick ? 10 : 1), 5000 / (quick ? 10 : 1)];
  const a = points(na, 93);
  const b = points(mb, 95);
  const [rows, cols] = [10_000 / scale, 1000];
  // Rows with different offsets and spreads, as unscaled features are.
  const x = randomF32(rows * cols, 97, 10).map((v, i) => v * (1 + (Math.floor(i / cols) % 5)) + (Math.floor(i / cols) % 13) * 7);
  const [np, d, k] = [100_000 / scale, 32, 64];
  const pts = randomF32(np * d, 98);
  const centroids = randomF32(k * d, 99);
  return [
    {
      example: 'huber', size: `n=${n}`, compare: 'values', kernel: huber,
      inputs: { pred: { values: pred, shape: [n] }, target: { values: target, shape: [n] } },
      plain: () => [huberLoss(pred, target)],
      gpujs: (gpu, mode) => {
        const g = gpuHuber(gpu, mode, n);
        return { kernels: [g.kernel], call: async () => [await g.call(pred, target)] };
      },
    },
    {
      example: 'haversine', size: `[${na}] x [${mb}] points`, compare: 'values', kernel: haversine,
      // As examples/haversine.ts takes them: [n, 1] against [1, m], broadcast to [n, m].
      inputs: { lat1: { values: a.lat, shape: [na, 1] }, lon1: { values: a.lon, shape: [na, 1] }, lat2: { values: b.lat, shape: [1, mb] }, lon2: { values: b.lon, shape: [1, mb] } },
      plain: () => haversineMatrix(a.lat, a.lon, b.lat, b.lon),
      gpujs: (gpu, mode) => {
        const g = gpuHaversine(gpu, mode, na, mb);
        return { kernels: [g.kernel], call: async () => flat(await g.call(a.lat, a.lon, b.lat, b.lon)) };
      },
    },
    {
      example: 'zscore', size: `[${rows},${cols}]`, compare: 'values', kernel: zScore,
      inputs: { x: { values: x, shape: [rows, cols] } },
      plain: () => zScoreRows(x, rows, cols),
      gpujs: (gpu, mode) => {
        const g = gpuZScore(gpu, mode, rows, cols);
        return { kernels: g.kernels, call: async () => flat(await g.call(x)) };
      },
    },
    {
      example: 'assign', size: `[${np},${d}] k=${k}`, compare: 'labels', kernel: manhattan,
      inputs: { points: { values: pts, shape: [np, d] }, centroids: { values: centroids, shape: [k, d] } },
      plain: () => assignManhattan(pts, centroids, d),
      gpujs: (gpu, mode) => {
        const g = gpuAssign(gpu, mode, np, k, d);
        return { kernels: [g.kernel], call: () => g.call(pts, centroids) };
      },
    },
  ];
}

const PLAIN_NOTE: Readonly<Record<string, string>> = {
  huber: 'plain TypeScript huberLoss (examples/huber.ts), float64 sum',
  haversine: 'plain TypeScript haversineMatrix (examples/haversine.ts), float64 math, float32 out',
  zscore: 'plain TypeScript zScoreRows (examples/robustScale.ts), two passes in float64',
  assign: 'plain TypeScript assignManhattan (examples/kmeansManhattan.ts), float64 distances',
};

function errorNote(c: UserCase, error: number, n: number): string {
  if (c.compare === 'labels') {
    return `labels differing from plain: ${error} of ${n}`;
  }
  return `max |out - plain| / max |plain| ${error === 0 ? '0' : error.toExponential(1)}`;
}

export const userKernels: Workload = {
  name: 'userKernels',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const rows: Row[] = [];
    const gpujs = ctx.peers.gpujs;
    for (const c of cases(ctx.quick)) {
      ctx.log(`userKernels ${c.example} ${c.size}`);
      // The plain result once, untimed: what every contender's first result is compared with.
      const ref = Float64Array.from(c.plain());
      const errors = new Map<string, number>();
      const compare = (out: ArrayLike<number>): number => (c.compare === 'labels' ? differingLabels(out, ref) : relativeToLargest(out, ref));
      const contenders: Contender[] = [
        plainContender(NAIVE, PLAIN_NOTE[c.example]!, () => c.plain()),
        ...hotpathContenders(c, ctx),
        gpuJsContender(GPUJS2, gpujs, { threaded: true, poolSize: GPUJS_WORKERS }, c),
        gpuJsContender(GPUJS1, gpujs, { threaded: false, poolSize: 1 }, c),
      ];
      const { warmup, repeats } = ctx.quick ? { warmup: 1, repeats: 3 } : { warmup: 2, repeats: 9 };
      const caseRows = await runCase({
        workload: 'userKernels',
        size: `${c.example} ${c.size}`,
        work: {},
        baseline: [NAIVE],
        warmup,
        repeats,
        check: false,
        contenders: contenders.map((contender) => measured(contender, errors, compare)),
      }, ctx);
      rows.push(...caseRows.map((r) => {
        const error = errors.get(r.contender);
        return r.status !== 'ok' || error === undefined || r.contender === NAIVE ? r : { ...r, note: `${errorNote(c, error, ref.length)}; ${r.note}` };
      }));
    }
    return rows;
  },
};
