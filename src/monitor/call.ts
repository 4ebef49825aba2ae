/**
 * One kernel call as the runtime saw it: the event every observer of the call chain receives
 * (stats(), tracing, OpenTelemetry, user hooks; see Runtime.observe). Built once per call from
 * values the runtime already holds, so observing costs well under a microsecond.
 */

export interface KernelCall {
  /** The kernel's id (a built-in, a user kernel's name, or `<name>.nearest`). */
  readonly kernel: string;
  /** The backend that ran it. */
  readonly backend: string;
  /** dtype of the first input tensor ('none' for kernels without tensor inputs). */
  readonly dtype: string;
  /** Shapes of the tensor inputs, in order (the tensors' own arrays: do not modify). */
  readonly shapes: readonly (readonly number[])[];
  /** Start as epoch milliseconds (performance.timeOrigin + performance.now()): comparable across threads. */
  readonly startMs: number;
  /** Wall time of the backend call, in ms (validation and output allocation not included). */
  readonly durationMs: number;
  /** Threads the call ran on, the caller's included. */
  readonly threads: number;
  /** Work and traffic of the call from the kernel's cost(): flops and bytes. */
  readonly flops: number;
  readonly bytes: number;
  /** Backends passed over before this one, as `backend: reason`. */
  readonly fallbacks: readonly string[];
  /** Implicit copies made for this call (layout conversions), with their reasons. */
  readonly copies: readonly string[];
  /** Whether the call was checked against the reference (verify mode) and how it went. */
  readonly verify: 'passed' | 'failed' | 'skipped';
  /**
   * Each thread's share of the call's parallel jobs (thread 0: the caller), only while a trace
   * asked for them (hp.trace.start()) and the backend has a pool; otherwise undefined.
   */
  readonly threadSpans?: readonly ThreadSpan[] | undefined;
}

/** One thread's part of one parallel job of a kernel call. */
export interface ThreadSpan {
  /** 0 = the calling thread, k = pool worker k. */
  readonly thread: number;
  /** Epoch ms, as KernelCall.startMs. */
  readonly startMs: number;
  readonly durationMs: number;
}

/** Receives every kernel call of a runtime, after it ran. An observer that throws is removed. */
export type CallObserver = (call: KernelCall) => void;

/**
 * A coarse class of the call's shapes for metric attributes: each dimension rounded up to a
 * power of two, so a service sees a handful of classes, not one per batch size.
 * @example shapeClassOf([[1000, 33]]) // '1024x64'
 */
export function shapeClassOf(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => (s.length === 0 ? 'scalar' : s.map((d) => (d <= 1 ? d : 2 ** Math.ceil(Math.log2(d)))).join('x'))).join(',');
}
