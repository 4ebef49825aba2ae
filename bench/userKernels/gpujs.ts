/**
 * The example user kernels of issue 9 written for gpu.js (2.24: `mode: 'webasm'`, kernels
 * compiled to WebAssembly with an f32x4 body, threaded over shared memory on a worker pool when
 * the kernel is in `asyncMode`), the peer hotpath's compiled user kernels must beat. gpu.js runs
 * one thread per output cell and returns a fresh output per call; what it cannot express
 * (a reduction, a row's statistics) is written the way its README teaches: partial results per
 * cell, combined in JS, or one kernel per pass. Arithmetic is float32 inside the kernels (wasm
 * f32), so results differ from the float64 plain functions by float32 rounding.
 *
 * The plain functions they are measured against are the ones issue 9's examples are ported
 * from (examples/*.ts).
 *
 * Sin, cos and asin have no wasm opcode: gpu.js imports them from JS (float64, demoted to f32),
 * so the haversine kernel calls out of wasm three times per pair.
 */
import { createRequire } from 'node:module';
import type { GPU, IKernelFunctionThis, IKernelRunShortcut, KernelOutput } from 'gpu.js';
import { fail } from '../../src/errors.js';

export type GpuJs = typeof import('gpu.js');

/** How gpu.js runs a kernel: its webasm backend on one thread (sync calls) or on its worker pool (asyncMode). */
export interface GpuJsMode {
  /** asyncMode: calls return promises and split over `poolSize` workers (outputs of >= 4096 cells). */
  readonly threaded: boolean;
  /** Workers for threaded calls. */
  readonly poolSize: number;
}

/** Elements one Huber cell sums: 10^7 / 1000 = 10^4 cells, enough for the pool to split. */
export const HUBER_BLOCK = 1000;

/** gpu.js loaded, with the facts of its webasm backend, or an error saying why it cannot run here. */
export async function loadGpuJs(): Promise<{ lib: GpuJs; note: string }> {
  const lib = await import('gpu.js');
  const version = (createRequire(import.meta.url)('gpu.js/package.json') as { version: string }).version;
  const wasm = lib.WebAssemblyKernel as unknown as { isSupported: boolean; isSIMDSupported: boolean; isThreadsSupported: boolean };
  if (!wasm.isSupported) {
    throw new Error(`gpu.js ${version}: its webasm backend reports WebAssembly unsupported`);
  }
  return { lib, note: `gpu.js ${version}, webasm backend, ${wasm.isSIMDSupported ? 'f32x4 SIMD' : 'no SIMD'}, threads ${wasm.isThreadsSupported ? 'supported' : 'unsupported'}` };
}

/** A GPU instance on gpu.js's webasm backend; destroy() it (it owns the worker pool). */
export function webasmGpu(lib: GpuJs): GPU {
  return new lib.GPU({ mode: 'webasm' });
}

function settings(mode: GpuJsMode, output: number[], constants?: Record<string, number>) {
  return { output, asyncMode: mode.threaded, poolSize: mode.poolSize, ...(constants === undefined ? {} : { constants }) };
}

/** A kernel call that settles to a value whether the kernel is sync or async. */
async function run(kernel: IKernelRunShortcut, ...args: Float32Array[]): Promise<KernelOutput> {
  return await (kernel(...args) as KernelOutput | Promise<KernelOutput>);
}

/** The backend that ran a kernel ('webasm', or 'cpu' after gpu.js degraded it, with the reason). */
export function backendOf(kernel: IKernelRunShortcut): string {
  const inner = kernel.kernel as unknown as { constructor: { mode: string }; fallbackReason?: string | null; _lastRunPath?: string };
  const path = inner._lastRunPath === undefined ? '' : ` ${inner._lastRunPath}`;
  const why = inner.fallbackReason ? ` (fallback: ${inner.fallbackReason})` : '';
  return `${inner.constructor.mode}${path}${why}`;
}

/**
 * Huber loss sum (delta 1) of n = pred.length elements: each cell sums HUBER_BLOCK elements in
 * float32, JS adds the n / HUBER_BLOCK partial sums in float64.
 *
 * @throws HotpathError ARGUMENT when n is not a multiple of HUBER_BLOCK.
 */
export function gpuHuber(gpu: GPU, mode: GpuJsMode, n: number): { kernel: IKernelRunShortcut; call: (pred: Float32Array, target: Float32Array) => Promise<number> } {
  if (n % HUBER_BLOCK !== 0 || n === 0) {
    fail({ code: 'ARGUMENT', kernel: 'gpuHuber', problem: 'n is not a positive multiple of the block size', expected: `a multiple of ${HUBER_BLOCK}`, received: String(n) });
  }
  const kernel = gpu.createKernel(function (this: IKernelFunctionThis<{ block: number }>, pred: Float32Array, target: Float32Array) {
    const start = this.thread.x * this.constants.block;
    let sum = 0;
    for (let j = 0; j < this.constants.block; j++) {
      const r = pred[start + j]! - target[start + j]!;
      const a = Math.abs(r);
      if (a <= 1) {
        sum += 0.5 * r * r;
      } else {
        sum += a - 0.5;
      }
    }
    return sum;
  }, settings(mode, [n / HUBER_BLOCK], { block: HUBER_BLOCK }));
  return {
    kernel,
    call: async (pred, target) => {
      const partial = (await run(kernel, pred, target)) as Float32Array;
      let sum = 0;
      for (let i = 0; i < partial.length; i++) {
        sum += partial[i]!;
      }
      return sum;
    },
  };
}

/**
 * Haversine distances between n points (lat1, lon1) and m points (lat2, lon2), latitude and
 * longitude in radians, as examples/haversine.ts takes them: out rows [n][m], in the unit of
 * `radius` (km by default, Earth's mean radius).
 */
export function gpuHaversine(gpu: GPU, mode: GpuJsMode, n: number, m: number, radius = 6371): { kernel: IKernelRunShortcut; call: (lat1: Float32Array, lon1: Float32Array, lat2: Float32Array, lon2: Float32Array) => Promise<Float32Array[]> } {
  const kernel = gpu.createKernel(function (this: IKernelFunctionThis<{ radius: number }>, lat1: Float32Array, lon1: Float32Array, lat2: Float32Array, lon2: Float32Array) {
    const a1 = lat1[this.thread.y]!;
    const a2 = lat2[this.thread.x]!;
    const sLat = Math.sin((a2 - a1) / 2);
    const sLon = Math.sin((lon2[this.thread.x]! - lon1[this.thread.y]!) / 2);
    const h = sLat * sLat + Math.cos(a1) * Math.cos(a2) * sLon * sLon;
    return 2 * this.constants.radius * Math.asin(Math.min(1, Math.sqrt(h)));
  }, settings(mode, [m, n], { radius }));
  return { kernel, call: async (lat1, lon1, lat2, lon2) => (await run(kernel, lat1, lon1, lat2, lon2)) as Float32Array[] };
}

/**
 * Per-row z-score of a row-major [rows, cols] matrix in three kernels (one pass each): row
 * means, row scales 1 / sqrt(var + eps), then the scaled matrix as rows [rows][cols].
 */
export function gpuZScore(gpu: GPU, mode: GpuJsMode, rows: number, cols: number, eps = 1e-6): { kernels: IKernelRunShortcut[]; call: (x: Float32Array) => Promise<Float32Array[]> } {
  const mean = gpu.createKernel(function (this: IKernelFunctionThis<{ cols: number }>, x: Float32Array) {
    const start = this.thread.x * this.constants.cols;
    let sum = 0;
    for (let c = 0; c < this.constants.cols; c++) {
      sum += x[start + c]!;
    }
    return sum / this.constants.cols;
  }, settings(mode, [rows], { cols }));
  const scale = gpu.createKernel(function (this: IKernelFunctionThis<{ cols: number; epsilon: number }>, x: Float32Array, means: Float32Array) {
    const start = this.thread.x * this.constants.cols;
    const mu = means[this.thread.x]!;
    let squares = 0;
    for (let c = 0; c < this.constants.cols; c++) {
      const d = x[start + c]! - mu;
      squares += d * d;
    }
    return 1 / Math.sqrt(squares / this.constants.cols + this.constants.epsilon);
  }, settings(mode, [rows], { cols, epsilon: eps }));
  const apply = gpu.createKernel(function (this: IKernelFunctionThis<{ cols: number }>, x: Float32Array, means: Float32Array, scales: Float32Array) {
    return (x[this.thread.y * this.constants.cols + this.thread.x]! - means[this.thread.y]!) * scales[this.thread.y]!;
  }, settings(mode, [cols, rows], { cols }));
  return {
    kernels: [mean, scale, apply],
    call: async (x) => {
      const means = (await run(mean, x)) as Float32Array;
      const scales = (await run(scale, x, means)) as Float32Array;
      return (await run(apply, x, means, scales)) as Float32Array[];
    },
  };
}

/**
 * Nearest of k centroids ([k, d] row-major) for each of n points ([n, d]) by weighted squared
 * Euclidean distance; the index comes back as a float per point (gpu.js outputs are float32).
 */
export function gpuAssign(gpu: GPU, mode: GpuJsMode, n: number, k: number, d: number): { kernel: IKernelRunShortcut; call: (points: Float32Array, centroids: Float32Array) => Promise<Float32Array> } {
  const kernel = gpu.createKernel(function (this: IKernelFunctionThis<{ k: number; d: number }>, points: Float32Array, centroids: Float32Array) {
    const p = this.thread.x * this.constants.d;
    let best = 3.4e38;
    let bestJ = 0;
    for (let j = 0; j < this.constants.k; j++) {
      let dist = 0;
      for (let f = 0; f < this.constants.d; f++) {
        dist += Math.abs(points[p + f]! - centroids[j * this.constants.d + f]!);
      }
      if (dist < best) {
        best = dist;
        bestJ = j;
      }
    }
    return bestJ;
  }, settings(mode, [n], { k, d }));
  return { kernel, call: async (points, centroids) => (await run(kernel, points, centroids)) as Float32Array };
}
