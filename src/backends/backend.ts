/**
 * The contract every backend meets. A backend is a small driver: it says whether it can run a
 * planned call (`supports`, true or a reason) and runs it into outputs the runtime allocated.
 * Adding a backend means adding a factory; no other backend changes.
 */
import type { AnyKernelDef, Inputs, Plan } from '../kernels/kernel.js';
import type { Heap } from '../runtime/heap.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ThreadSpan } from '../monitor/call.js';

import type { NativeIsa } from './native/addon.js';

export interface BackendInfo {
  readonly threads?: number;
  readonly simd?: string;
  /** Why this configuration (e.g. which SIMD build and why). */
  readonly note?: string;
}

export interface Backend {
  readonly name: string;
  readonly info: BackendInfo;
  /** true, or the reason this backend cannot run this call. Pure; never throws. */
  supports(kernel: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs): Support;
  /** Runs a call that `supports` accepted, writing every output. */
  run(kernel: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs, outputs: readonly Tensor[]): void;
  /**
   * Readies a kernel loaded at run time (a user kernel's module on the worker pool), so that a
   * problem shows when it is loaded rather than at its first call. @throws like run()
   */
  prepare?(kernel: AnyKernelDef): void;
  /** Threads the last run() used (caller included), for stats; absent: one. */
  threadsOfLastRun?(): number;
  /** Starts or stops timing each thread's share of a run (tracing); off by default. */
  timeThreads?(on: boolean): void;
  /** While timing: each thread's share of the last run()'s parallel jobs (see KernelCall.threadSpans). */
  threadSpansOfLastRun?(): readonly ThreadSpan[];
  close?(): void | Promise<void>;
}

/**
 * A backend's answer to one call: true, the reason it cannot run it, or a layout decline: it
 * could run the call were its inputs row-major, and the runtime may copy them (counted).
 */
export type Support = true | string | LayoutDecline;

export interface LayoutDecline {
  readonly reason: string;
  readonly contiguous: true;
}

export interface BackendContext {
  /** Worker threads the user allows (runtime option `threads`, at most the machine's parallelism). */
  readonly threads: number;
  /** Why `threads` is lower than the user asked, for the backend's note (doctor shows it). */
  readonly threadsNote?: string;
  /** The runtime's CPU heap: one shared WebAssembly.Memory holding every CPU tensor. */
  readonly heap: Heap;
  /** Work below which a parallel backend stays on the calling thread (runtime option). */
  readonly parallelThreshold: number;
  /** The native backend's instruction-set path when the user forces one (runtime option native.isa). */
  readonly nativeIsa?: NativeIsa;
}

/** Creates a backend, or throws with the reason it is unavailable on this machine. */
export interface BackendFactory {
  readonly name: string;
  create(context: BackendContext): Promise<Backend>;
}

/** One implementation of one kernel on one backend. */
export type KernelImpl<P> = (plan: Plan<P>, inputs: Inputs, outputs: readonly Tensor[]) => void;
