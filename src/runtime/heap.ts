/**
 * The CPU heap: one shared WebAssembly.Memory that holds every CPU tensor, so the ref backend,
 * the wasm kernels and their worker threads read the same bytes without copies.
 *
 * Blocks are kept by Tlsf (two-level segregated fit: segregated size classes, O(1) allocation and
 * release with neighbours merged on release, whatever the number of holes); blocks are 64-byte
 * aligned (a cache line, and more than SIMD needs). When nothing fits, the memory grows;
 * typed-array views are re-made after growth (`view()` checks).
 */
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from '../tensor/dtype.js';
import { Tlsf, UNIT } from './tlsf.js';

export const PAGE_BYTES = 65536;
/** wasm32 memories address at most 4 GiB. */
export const MAX_PAGES = 65536;
/** Bytes below this are left to the wasm modules' own static data. */
export const RESERVED_BYTES = 1 << 20;
export const ALIGN = UNIT;

export interface HeapOptions {
  /** Initial size in bytes (rounded up to pages). */
  readonly initialBytes?: number;
  /** Upper bound in bytes (rounded up to pages, at most 4 GiB). */
  readonly maximumBytes?: number;
}

export interface HeapStats {
  readonly capacityBytes: number;
  /** Bytes in allocated blocks (each rounded up to 64). */
  readonly usedBytes: number;
  /** Allocated blocks. */
  readonly blocks: number;
  readonly grows: number;
  /** Bytes in free blocks below the current capacity. */
  readonly freeBytes: number;
  /** Free blocks (holes and the free tail). */
  readonly freeBlocks: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly maximumBytes: number;
  private readonly blocks: Tlsf;
  private usedBytes = 0;
  private usedCount = 0;
  private grows = 0;
  private buffer: ArrayBuffer | SharedArrayBuffer;

  constructor(options: HeapOptions = {}) {
    const maxPages = Math.min(MAX_PAGES, Math.ceil((options.maximumBytes ?? MAX_PAGES * PAGE_BYTES) / PAGE_BYTES));
    const initialPages = Math.min(maxPages, Math.max(Math.ceil(RESERVED_BYTES / PAGE_BYTES) + 1, Math.ceil((options.initialBytes ?? 16 << 20) / PAGE_BYTES)));
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: maxPages, shared: true });
    this.maximumBytes = maxPages * PAGE_BYTES;
    this.buffer = this.memory.buffer;
    this.blocks = new Tlsf(RESERVED_BYTES, initialPages * PAGE_BYTES);
  }

  /** Current bytes of the memory. */
  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  stats(): HeapStats {
    return { capacityBytes: this.capacityBytes, usedBytes: this.usedBytes, blocks: this.usedCount, grows: this.grows, freeBytes: this.blocks.bytes, freeBlocks: this.blocks.freeBlocks };
  }

  /** Free blocks as [offset, bytes] by offset (for tests; O(n log n)). */
  freeList(): [number, number][] {
    return this.blocks.freeList();
  }

  /**
   * The largest block one alloc() could return now: the largest free block, or the free tail
   * plus what the memory may still grow by, whichever is larger. O(blocks of the largest class).
   */
  largestBlock(): number {
    const capacity = this.capacityBytes;
    return Math.max(this.blocks.largest(), this.blocks.freeTail + (this.maximumBytes - capacity));
  }

  /**
   * Reserves `bytes` (rounded up to a multiple of 64) and returns the byte offset.
   * @example const offset = heap.alloc(4096, 'kernel scratch')
   * @throws MEMORY when no block that large is free and the heap cannot grow to make one
   */
  alloc(bytes: number, purpose = 'tensor'): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    if (!(size <= this.maximumBytes)) {
      return this.outOfMemory(bytes, purpose);
    }
    const offset = this.blocks.take(size) ?? (this.grow(size) ? this.blocks.take(size) : undefined) ?? this.blocks.takeScanning(size);
    if (offset === undefined) {
      return this.outOfMemory(bytes, purpose);
    }
    this.usedBytes += size;
    this.usedCount++;
    return offset;
  }

  /** Returns a block to the free blocks, merging it with free neighbours. */
  release(offset: number): void {
    const size = this.blocks.release(offset);
    if (size === undefined) {
      throw new Error(`internal: heap block at ${offset} is not allocated`);
    }
    this.usedBytes -= size;
    this.usedCount--;
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

  /** Grows the memory so that its free tail holds `size` bytes; false when the limit forbids it. */
  private grow(size: number): boolean {
    const current = this.capacityBytes;
    const neededPages = Math.ceil((size - this.blocks.freeTail) / PAGE_BYTES);
    const room = (this.maximumBytes - current) / PAGE_BYTES;
    if (neededPages > room) {
      return false;
    }
    // Grow by at least half the current size, so n allocations cost O(log n) grows.
    const pages = Math.min(room, Math.max(neededPages, Math.ceil(current / PAGE_BYTES / 2)));
    try {
      this.memory.grow(pages);
    } catch {
      // The system refused the pages (RangeError): as good as the limit.
      return false;
    }
    this.grows++;
    this.blocks.extend(this.capacityBytes - current);
    this.refresh();
    return true;
  }

  private outOfMemory(bytes: number, purpose: string): never {
    const largest = this.largestBlock();
    return fail({
      code: 'MEMORY',
      kernel: 'heap',
      problem: `the CPU heap cannot hold this ${purpose}`,
      expected: `at most ${largest} bytes in one block, the largest it can provide (limit ${this.maximumBytes} bytes: ${RESERVED_BYTES} reserved for the wasm modules, ${this.usedBytes} in use, ${this.blocks.bytes} free in ${this.blocks.freeBlocks} blocks, ${this.maximumBytes - this.capacityBytes} not yet grown)`,
      received: `a request for ${bytes} bytes`,
      hint: 'release tensors you no longer need, or process the data in chunks',
    });
  }
}
