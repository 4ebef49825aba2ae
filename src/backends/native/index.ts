/**
 * The native backend: an optional N-API addon (native/src, C with GCC vector extensions) that
 * runs GEMM-class and row kernels at the CPU's full vector width (AVX-512F, AVX2+FMA, NEON, or
 * the portable scalar path), on its own thread pool of the runtime's `threads`, in place on the
 * runtime's CPU heap (no copies). The path is the widest the CPU and OS can run (CPUID and
 * XGETBV, native/src/cpu.c) unless `createRuntime({ native: { isa } })` asks for a narrower one.
 * Without a built addon (no compiler at install) the backend is unavailable with that reason,
 * and every kernel runs on wasm as before. Kernels it has no implementation for are declined
 * with the reason, so dispatch picks the next backend.
 */
import type { KernelName, ParamsOf } from '../../kernels/index.js';
import type { AnyKernelDef, Plan } from '../../kernels/kernel.js';
import type { Backend, BackendFactory } from '../backend.js';
import { loadAddon, NATIVE_ISAS, type NativeIsa } from './addon.js';
import { NativeContext, type NativeImpl } from './context.js';
import { expNative } from './exp.js';
import { gemmNative } from './gemm.js';
import { matmulNative } from './matmul.js';
import { hamerlyNative } from './hamerly.js';
import { lloydNative } from './lloyd.js';
import { pairwiseDistancesNative } from './pairwiseDistances.js';
import { layerNormImpl } from './layerNorm.js';
import { logSoftmaxImpl } from './logSoftmax.js';
import { sigmoidNative } from './sigmoid.js';
import { softmaxImpl } from './softmax.js';

type NativeImpls = { readonly [K in KernelName]?: NativeImpl<ParamsOf<K>> };

const IMPLS: NativeImpls = {
  matmul: matmulNative,
  gemm: gemmNative,
  lloyd: lloydNative,
  hamerly: hamerlyNative,
  pairwiseDistances: pairwiseDistancesNative,
  softmax: softmaxImpl,
  logSoftmax: logSoftmaxImpl,
  layerNorm: layerNormImpl,
  exp: expNative,
  sigmoid: sigmoidNative,
};

function implOf(kernel: AnyKernelDef): NativeImpl<unknown> | undefined {
  return Object.hasOwn(IMPLS, kernel.name) ? (IMPLS as Record<string, NativeImpl<unknown>>)[kernel.name] : undefined;
}

/**
 * Flops per byte moved at or below which a kernel is memory-bound: element-wise arithmetic,
 * comparisons, reductions, copies (layerNorm, with 1, is one; its native kernel pays through the
 * wider float64 statistics, not bandwidth).
 */
const MEMORY_BOUND_FLOPS_PER_BYTE = 1;

/**
 * Why native declines a kernel it has no implementation of. A memory-bound one says so: the wasm
 * kernels already run those at copy bandwidth (npm run bench -- --only add,elementwise,reduceMax,
 * 2026-11-28: add, sub, div, max, clip, where at 93-140% of a one-thread copy, reduceMax at 77%
 * reading only), so a native one would not pay. The transcendental ones (exp, tanh, sigmoid:
 * 61-81% there, compute-bound in 128-bit lanes) are not memory-bound by this measure (exp and
 * sigmoid have native kernels, map.ts).
 */
function withoutImpl(kernel: AnyKernelDef, plan: Plan<unknown>, reasons: Map<string, Map<number, string>>): string {
  const { flops, bytes } = kernel.cost(plan);
  const ratio = bytes > 0 ? Math.round((flops / bytes) * 100) / 100 : -1;
  // Dispatch asks on every call of every kernel native lacks: the text is made once per kernel and ratio.
  let byRatio = reasons.get(kernel.name);
  if (byRatio === undefined) {
    byRatio = new Map();
    reasons.set(kernel.name, byRatio);
  }
  let reason = byRatio.get(ratio);
  if (reason === undefined) {
    reason = ratio >= 0 && ratio <= MEMORY_BOUND_FLOPS_PER_BYTE ? `native has no ${kernel.name} kernel: memory-bound (${ratio.toFixed(2)} flops per byte), wasm runs it at copy bandwidth` : `native has no ${kernel.name} kernel`;
    byRatio.set(ratio, reason);
  }
  return reason;
}

/** The path to use: the one asked for when the CPU runs it, else the widest it runs. @throws Error with the reason */
export function choosePath(asked: NativeIsa | undefined, supported: readonly NativeIsa[], built: readonly NativeIsa[]): NativeIsa {
  const usable = NATIVE_ISAS.filter((isa) => supported.includes(isa) && built.includes(isa));
  if (asked !== undefined) {
    if (!usable.includes(asked)) {
      throw new Error(`the ${asked} path was asked for (native.isa) but ${!built.includes(asked) ? 'is not built for this architecture' : 'this CPU or OS cannot run it'}; usable here: ${usable.join(', ')}`);
    }
    return asked;
  }
  const widest = usable[0];
  if (widest === undefined) {
    throw new Error('no native path is both built and supported here');
  }
  return widest;
}

export const nativeBackend: BackendFactory = {
  name: 'native',
  async create({ threads, threadsNote, heap, parallelThreshold, nativeIsa }) {
    const loaded = loadAddon();
    if (!('addon' in loaded)) {
      throw new Error(loaded.reason);
    }
    const { addon, info } = loaded;
    const isa = choosePath(nativeIsa, info.supported, info.built);
    const handle = addon.create(new Uint8Array(heap.memory.buffer), threads, isa);
    const ctx = new NativeContext(addon, handle, heap, threads, isa, parallelThreshold);
    const why = nativeIsa === undefined ? 'the widest path this CPU runs' : 'asked for with native.isa';
    const note = `${isa} (${why}); CPU ${info.features}; paths built: ${info.built.join(', ')}`;
    const reasons = new Map<string, Map<number, string>>();
    const backend: Backend = {
      name: 'native',
      info: { threads, simd: isa, note: threadsNote === undefined ? note : `${note}; ${threadsNote}` },
      supports(kernel, plan, inputs) {
        const impl = implOf(kernel);
        return impl === undefined ? withoutImpl(kernel, plan, reasons) : impl.supports(plan, inputs);
      },
      run(kernel, plan, inputs, outputs) {
        ctx.lastThreads = 1;
        implOf(kernel)!.run(ctx, plan, inputs, outputs);
      },
      threadsOfLastRun: () => ctx.lastThreads,
      close: () => addon.close(handle),
    };
    return backend;
  },
};
