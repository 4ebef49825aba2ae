/**
 * BENCHMARK BASELINE ONLY: hotpath's CPU heap allocator as it was before TLSF (issue 8), kept
 * unchanged (but for the class name and imports) so that `npm run bench` measures the new
 * allocator against it in the same run. Not used by the library.
 *
 * The CPU heap: one shared WebAssembly.Memory that holds every CPU tensor, so the ref backend,
 * the wasm kernels and their worker threads read the same bytes without copies.
 *
 * Allocation is first-fit over a free list kept sorted by offset, with neighbours merged on
 * free; blocks are 64-byte aligned (a cache line, and more than SIMD needs). When nothing fits,
 * the memory grows; typed-array views are re-made after growth (`view()` checks).
 */
import { fail } from '../../src/errors.js';
import { dtypeInfo, type DType, type TypedArray } from '../../src/tensor/dtype.js';

export const PAGE_BYTES = 65536;
/** wasm32 memories address at most 4 GiB. */
export const MAX_PAGES = 65536;
/** Bytes below this are left to the wasm modules' own static data. */
export const RESERVED_BYTES = 1 << 20;
export const ALIGN = 64;

export interface HeapOptions {
  /** Initial size in bytes (rounded up to pages). */
  readonly initialBytes?: number;
  /** Upper bound in bytes (rounded up to pages, at most 4 GiB). */
  readonly maximumBytes?: number;
}

export interface HeapStats {
  readonly capacityBytes: number;
  readonly usedBytes: number;
  readonly blocks: number;
  readonly grows: number;
}

interface FreeBlock {
  offset: number;
  size: number;
}

export class FirstFitHeap {
  readonly memory: WebAssembly.Memory;
  readonly maximumBytes: number;
  private readonly free: FreeBlock[] = [];
  private readonly used = new Map<number, number>();
  private usedBytes = 0;
  private grows = 0;
  private buffer: ArrayBuffer | SharedArrayBuffer;

  constructor(options: HeapOptions = {}) {
    const maxPages = Math.min(MAX_PAGES, Math.ceil((options.maximumBytes ?? MAX_PAGES * PAGE_BYTES) / PAGE_BYTES));
    const initialPages = Math.min(maxPages, Math.max(Math.ceil(RESERVED_BYTES / PAGE_BYTES) + 1, Math.ceil((options.initialBytes ?? 16 << 20) / PAGE_BYTES)));
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: maxPages, shared: true });
    this.maximumBytes = maxPages * PAGE_BYTES;
    this.buffer = this.memory.buffer;
    this.free.push({ offset: RESERVED_BYTES, size: initialPages * PAGE_BYTES - RESERVED_BYTES });
  }

  /** Current bytes of the memory. */
  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  stats(): HeapStats {
    return { capacityBytes: this.capacityBytes, usedBytes: this.usedBytes, blocks: this.used.size, grows: this.grows };
  }

  /**
   * Reserves `bytes` (aligned to 64) and returns the byte offset. Throws MEMORY when the heap
   * cannot grow that far.
   */
  alloc(bytes: number, purpose = 'tensor'): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let index = this.free.findIndex((b) => b.size >= size);
    if (index < 0) {
      this.grow(size, purpose);
      index = this.free.findIndex((b) => b.size >= size);
    }
    const block = this.free[index]!;
    const offset = block.offset;
    if (block.size === size) {
      this.free.splice(index, 1);
    } else {
      block.offset += size;
      block.size -= size;
    }
    this.used.set(offset, size);
    this.usedBytes += size;
    return offset;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  release(offset: number): void {
    const size = this.used.get(offset);
    if (size === undefined) {
      throw new Error(`internal: heap block at ${offset} is not allocated`);
    }
    this.used.delete(offset);
    this.usedBytes -= size;
    let index = this.free.findIndex((b) => b.offset > offset);
    if (index < 0) {
      index = this.free.length;
    }
    this.free.splice(index, 0, { offset, size });
    this.mergeAround(index);
  }

  /** A typed array over `length` elements at `byteOffset`, over the current buffer. */
  view(dtype: DType, byteOffset: number, length: number): TypedArray {
    this.refresh();
    return dtypeInfo(dtype).create(this.buffer, byteOffset, length);
  }

  private refresh(): void {
    if (this.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.buffer = this.memory.buffer;
    }
  }

  private grow(size: number, purpose: string): void {
    const current = this.capacityBytes;
    const last = this.free[this.free.length - 1];
    const tailFree = last !== undefined && last.offset + last.size === current ? last.size : 0;
    const neededPages = Math.ceil((size - tailFree) / PAGE_BYTES);
    // Grow by at least half the current size, so n allocations cost O(log n) grows.
    const pages = Math.max(neededPages, Math.ceil(current / PAGE_BYTES / 2));
    const room = this.maximumBytes / PAGE_BYTES - current / PAGE_BYTES;
    if (neededPages > room) {
      fail({
        code: 'MEMORY',
        kernel: 'heap',
        problem: `the CPU heap cannot hold this ${purpose}`,
        expected: `at most ${this.maximumBytes - this.usedBytes} more bytes (heap limit ${this.maximumBytes} bytes, ${this.usedBytes} in use)`,
        received: `a request for ${size} bytes`,
        hint: 'release tensors you no longer need, or process the data in chunks',
      });
    }
    this.memory.grow(Math.min(pages, room));
    this.grows++;
    const added = this.capacityBytes - current;
    if (tailFree > 0) {
      last!.size += added;
    } else {
      this.free.push({ offset: current, size: added });
    }
    this.refresh();
  }

  private mergeAround(index: number): void {
    const block = this.free[index]!;
    const next = this.free[index + 1];
    if (next !== undefined && block.offset + block.size === next.offset) {
      block.size += next.size;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev !== undefined && prev.offset + prev.size === block.offset) {
      prev.size += block.size;
      this.free.splice(index, 1);
    }
  }
}
