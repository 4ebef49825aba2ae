/**
 * What a wasm kernel implementation gets: the pool, how many threads this call should use, and
 * per-thread scratch from the heap (owned by the backend, grown on demand, never per call).
 */
import type { Inputs, Plan } from '../../kernels/kernel.js';
import type { Heap } from '../../runtime/heap.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Support } from '../backend.js';
import type { Pool } from './pool.js';
import type { UserModule } from './userModule.js';

/** A decline a row-major copy of the inputs would cure (the runtime may make it, counted). */
export function layoutDecline(reason: string): Support {
  return { reason, contiguous: true };
}

export interface WasmImpl<P> {
  /** true, or why this build cannot run the call (dtype, layout). */
  supports(plan: Plan<P>, inputs: Inputs): Support;
  run(ctx: WasmContext, plan: Plan<P>, inputs: Inputs, outputs: readonly Tensor[]): void;
  /** Readies what run() needs before the first call (a user kernel's module on the pool). */
  prepare?(ctx: WasmContext): void;
}

/** Constant tables a backend keeps (see WasmContext.table): a few configurations in use at once. */
const TABLES_KEPT = 16;

export class WasmContext {
  readonly pool: Pool;
  private readonly heap: Heap;
  private scratchOffset = 0;
  private scratchSize = 0;
  /** Work units below which a call stays on the calling thread (runtime option). */
  private readonly threshold: number;
  /** User kernels' modules instantiated on this backend, by content hash (userModule.ts). */
  readonly userModules = new Map<string, UserModule>();
  /** Constant tables in the heap (FFT twiddles, filter banks), by key: see table(). */
  private readonly tables = new Map<string, { offset: number; layout: unknown }>();
  /** See recent(). */
  private readonly recents = new Map<string, unknown>();

  constructor(pool: Pool, heap: Heap, threshold: number) {
    this.pool = pool;
    this.heap = heap;
    this.threshold = threshold;
  }

  /** The shared heap memory every module of this backend runs on. */
  /** Threads worth using for `work` units (elements, or multiply-adds / 1024 for matmul). */
  threadsFor(work: number): number {
    return work < this.threshold ? 1 : this.pool.threads;
  }

  /**
   * Base of a scratch area of `bytesPerThread` for each of `threads` threads; thread t uses
   * base + t * bytesPerThread. Grows (never per call) and keeps the old block until the new
   * one is allocated, so a failed growth leaves the old scratch intact.
   * @throws MEMORY when the heap cannot hold it
   */
  scratch(bytesPerThread: number, threads: number): number {
    const per = Math.ceil(bytesPerThread / 64) * 64;
    const bytes = per * threads;
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new Error(`internal: scratch size ${bytes}`);
    }
    if (bytes > this.scratchSize) {
      const offset = this.heap.alloc(bytes, 'kernel scratch');
      if (this.scratchSize > 0) {
        this.heap.release(this.scratchOffset);
      }
      this.scratchOffset = offset;
      this.scratchSize = bytes;
    }
    return this.scratchOffset;
  }

  /**
   * A heap block of `bytes` for the duration of one call, for buffers that must outlive a
   * nested `scratch()` (which may move); the caller frees it with `release()` in a finally.
   * @throws MEMORY when the heap cannot hold it
   */
  temp(bytes: number, purpose: string): number {
    return this.heap.alloc(Math.max(bytes, 64), purpose);
  }

  release(offset: number): void {
    this.heap.release(offset);
  }

  /**
   * The value last remembered under `slot` (a kernel's most recent table lookup, so a stream of
   * identical calls skips building the key), or undefined.
   */
  recent<T>(slot: string): T | undefined {
    return this.recents.get(slot) as T | undefined;
  }

  remember(slot: string, value: unknown): void {
    this.recents.set(slot, value);
  }

  /** The layout of the table kept under `key`, or undefined (not made yet, or dropped). */
  tableLayout<T>(key: string): T | undefined {
    return this.tables.get(key)?.layout as T | undefined;
  }

  /**
   * A constant table in the heap, made once by `make()` (its size and how to fill it) and kept
   * for the backend's life under `key` (FFT twiddles and filter banks: built once per size,
   * never per call), with `layout(offset)` (where each part of it lies) made once too, so a call
   * that finds the table allocates nothing. At most TABLES_KEPT are kept; the least recently
   * built goes first.
   * @example const t = ctx.table(`fft ${n}`, () => ({ bytes, fill }), (at) => ({ twiddles: at }))
   * @throws MEMORY when the heap cannot hold it
   */
  table<T>(key: string, make: () => { bytes: number; fill(offset: number): void }, layout: (offset: number) => T): T {
    const known = this.tables.get(key);
    if (known !== undefined) {
      return known.layout as T;
    }
    const { bytes, fill } = make();
    const offset = this.heap.alloc(Math.max(bytes, 64), 'kernel tables');
    let made: T;
    try {
      fill(offset);
      made = layout(offset);
    } catch (error) {
      this.heap.release(offset);
      throw error;
    }
    if (this.tables.size >= TABLES_KEPT) {
      const [oldKey, old] = this.tables.entries().next().value as [string, { offset: number }];
      this.tables.delete(oldKey);
      this.heap.release(old.offset);
    }
    this.tables.set(key, { offset, layout: made });
    return made;
  }

  /** int32 elements of the heap at a byte offset (e.g. a counter the threads share). */
  heapI32(byteOffset: number, length: number): Int32Array {
    return this.heap.view('int32', byteOffset, length) as Int32Array;
  }

  /** float32 elements of the heap at a byte offset, for small host-side writes (e.g. a mean). */
  f32(byteOffset: number, length: number): Float32Array {
    return this.heap.view('float32', byteOffset, length) as Float32Array;
  }

  /** float64 elements of the heap at a byte offset, for small host-side reads (e.g. norms). */
  f64(byteOffset: number, length: number): Float64Array {
    return this.heap.view('float64', byteOffset, length) as Float64Array;
  }
}

/** Float32 is what the wasm kernels compute in; other dtypes stay on ref. */
export function float32Only(inputs: Inputs): true | string {
  const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32');
  return other === undefined ? true : `wasm kernels are float32; ${other.describe()} runs on ref`;
}

/** float32 or float64: the kernels with both builds (matmul, gemm). */
export function floatOnly(inputs: Inputs): true | string {
  const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32' && t.dtype !== 'float64');
  return other === undefined ? true : `wasm ${other.dtype} is not supported here; ${other.describe()} runs on ref`;
}
