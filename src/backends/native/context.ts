/**
 * What a native kernel implementation gets: the addon, its context on this runtime's heap and
 * the heap's current size (every offset handed to the addon is checked against it there).
 */
import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { Heap } from '../../runtime/heap.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Support } from '../backend.js';
import type { Addon, AddonContext, NativeIsa } from './addon.js';

export interface NativeImpl<P> {
  /** true, or why the addon does not run this call (dtype, layout, a kernel that does not pay). */
  supports(plan: Plan<P>, inputs: Inputs): Support;
  run(ctx: NativeContext, plan: Plan<P>, inputs: Inputs, outputs: readonly Tensor[]): void;
}

/** A kernel function of the addon: (context, heapBytes, ...numbers). */
export type AddonKernel = (ctx: AddonContext, heapBytes: number, ...args: number[]) => unknown;

export class NativeContext {
  /** Threads of the addon's pool (the runtime's `threads`). */
  readonly threads: number;
  readonly isa: NativeIsa;
  /** Work below which a call stays on the calling thread (runtime option parallelThreshold). */
  readonly parallelThreshold: number;
  private readonly addon: Addon;
  private readonly handle: AddonContext;
  private readonly heap: Heap;

  constructor(addon: Addon, handle: AddonContext, heap: Heap, threads: number, isa: NativeIsa, parallelThreshold: number) {
    this.addon = addon;
    this.handle = handle;
    this.heap = heap;
    this.threads = threads;
    this.isa = isa;
    this.parallelThreshold = parallelThreshold;
  }

  /** Threads the current call uses (threadsFor's last answer; stats read it). */
  lastThreads = 1;

  /** Threads worth using for `work` units (elements, or multiply-adds / 1024 for GEMM-class kernels); recorded for stats. */
  threadsFor(work: number): number {
    this.lastThreads = work < this.parallelThreshold ? 1 : this.threads;
    return this.lastThreads;
  }

  /**
   * Calls the addon's kernel function `name` with byte offsets, sizes and scalars.
   * @example ctx.call('dotF32', a, b, n)
   */
  call(name: string, ...args: number[]): unknown {
    const fn = this.addon[name] as AddonKernel | undefined;
    if (typeof fn !== 'function') {
      throw new Error(`internal: the native addon has no function ${name} (rebuild with npm run build:native)`);
    }
    return fn(this.handle, this.heap.capacityBytes, ...args);
  }

  /** True when the addon exports `name` (an older build may lack a newer kernel). */
  has(name: string): boolean {
    return typeof this.addon[name] === 'function';
  }
}
