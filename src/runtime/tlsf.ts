/**
 * The CPU heap's block bookkeeping, as TLSF (two-level segregated fit: Masmano et al., "TLSF: a
 * new dynamic memory allocator for real-time systems", ECRTS 2004). Free blocks sit in size
 * classes (a first level per power of two, 16 linear classes inside each, a bitmap per level),
 * so taking and returning a block are O(1) whatever the number of holes. Every block, used or
 * free, is linked to its physical neighbours, so a released block merges with free neighbours
 * at once.
 *
 * Sizes and offsets are bytes, multiples of UNIT. The bookkeeping lives in JS objects, never in
 * the memory it describes: the memory holds tensors.
 */

/** Bytes per allocation unit (the heap's alignment). */
export const UNIT = 64;
const SL_BITS = 4;
/** Second-level classes per first-level class. */
const SL_COUNT = 1 << SL_BITS;
/** First-level classes: units up to 2^32 / 64 = 2^26 need 26 - SL_BITS + 2 = 24; a few spare. */
const FL_COUNT = 28;
/** Requests of this many units or more are beyond any class (and any wasm32 memory). */
const MAX_UNITS = 2 ** 30;

interface Block {
  readonly offset: number;
  /** Bytes. */
  size: number;
  free: boolean;
  /** Merged into the block before it: no longer a block (its entry in `starts` is stale). */
  merged: boolean;
  /** Physical neighbours (the block ending where this starts, the one starting where this ends). */
  before: Block | undefined;
  after: Block | undefined;
  /** Neighbours in this block's free class list (free blocks only). */
  prevFree: Block | undefined;
  nextFree: Block | undefined;
}

/** First-level class of a size of `units` (rounded down). */
function firstLevel(units: number): number {
  return units < SL_COUNT ? 0 : 31 - Math.clz32(units) - SL_BITS + 1;
}

/** Second-level class of a size of `units` within its first level. */
function secondLevel(units: number): number {
  return units < SL_COUNT ? units : (units >>> (31 - Math.clz32(units) - SL_BITS)) - SL_COUNT;
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

export class Tlsf {
  private firstMap = 0;
  private readonly secondMaps = new Uint32Array(FL_COUNT);
  private readonly heads: (Block | undefined)[] = [];
  /**
   * Blocks by start offset, for release(offset). Entries are overwritten, never deleted: V8's
   * Map leaves a tombstone per delete and rehashes all entries once they pile up, which made a
   * release cost ~1.2 us with 10 000 blocks (measured). Stale entries (blocks merged away, or
   * free) are told apart by the block's flags, and the map is rebuilt from the blocks when it
   * holds more than twice as many entries as there are blocks (amortised O(1)).
   */
  private starts = new Map<number, Block>();
  /** Blocks, used and free. */
  private blockCount = 1;
  private first: Block;
  /** The block that ends at the end of the managed range. */
  private last: Block;
  private freeBytes = 0;
  private freeCount = 0;

  /** Manages [start, end), all free. */
  constructor(start: number, end: number) {
    for (let i = 0; i < FL_COUNT * SL_COUNT; i++) {
      this.heads.push(undefined);
    }
    const block: Block = { offset: start, size: end - start, free: true, merged: false, before: undefined, after: undefined, prevFree: undefined, nextFree: undefined };
    this.first = block;
    this.last = block;
    this.link(block);
  }

  /** Number of free blocks. */
  get freeBlocks(): number {
    return this.freeCount;
  }

  /** Bytes in free blocks. */
  get bytes(): number {
    return this.freeBytes;
  }

  /** Bytes of the free block at the end of the range (0 when the last block is used). */
  get freeTail(): number {
    return this.last.free ? this.last.size : 0;
  }

  /** Extends the range at its end by `bytes` (the memory grew), merged with a free last block. */
  extend(bytes: number): void {
    const last = this.last;
    if (last.free) {
      this.unlink(last);
      last.size += bytes;
      this.link(last);
      return;
    }
    const block: Block = { offset: last.offset + last.size, size: bytes, free: true, merged: false, before: last, after: undefined, prevFree: undefined, nextFree: undefined };
    this.blockCount++;
    last.after = block;
    this.last = block;
    this.link(block);
  }

  /**
   * Takes `size` bytes (a multiple of UNIT) and returns their offset, or undefined. O(1): looks
   * only in classes whose every block is large enough (good fit), so a block of the request's
   * own class that would fit may be passed over; `takeScanning` finds it.
   */
  take(size: number): number | undefined {
    let units = size / UNIT;
    if (!(units < MAX_UNITS)) {
      return undefined;
    }
    if (units >= SL_COUNT) {
      // Round up to the next class boundary: any block in that class or above fits.
      units += (1 << (31 - Math.clz32(units) - SL_BITS)) - 1;
    }
    let fl = firstLevel(units);
    if (fl >= FL_COUNT) {
      return undefined;
    }
    let secondMap = this.secondMaps[fl]! & (~0 << secondLevel(units));
    if (secondMap === 0) {
      const firstMap = this.firstMap & (~0 << (fl + 1));
      if (firstMap === 0) {
        return undefined;
      }
      fl = lowestBit(firstMap);
      secondMap = this.secondMaps[fl]!;
    }
    return this.use(this.heads[fl * SL_COUNT + lowestBit(secondMap)]!, size);
  }

  /**
   * Takes `size` bytes from any free block that fits, including one in the request's own class
   * that take() passes over. O(blocks in that class): the last attempt before MEMORY.
   */
  takeScanning(size: number): number | undefined {
    const fast = this.take(size);
    if (fast !== undefined || !(size / UNIT < MAX_UNITS)) {
      return fast;
    }
    const units = size / UNIT;
    for (let b = this.heads[firstLevel(units) * SL_COUNT + secondLevel(units)]; b !== undefined; b = b.nextFree) {
      if (b.size >= size) {
        return this.use(b, size);
      }
    }
    return undefined;
  }

  /** Frees the used block at `offset`, merged with free neighbours; its size, or undefined when none is used there. */
  release(offset: number): number | undefined {
    const block = this.starts.get(offset);
    if (block === undefined || block.free || block.merged || block.offset !== offset) {
      return undefined;
    }
    const size = block.size;
    let merged = block;
    const after = block.after;
    if (after !== undefined && after.free) {
      this.unlink(after);
      this.absorb(block, after);
    }
    const before = block.before;
    if (before !== undefined && before.free) {
      this.unlink(before);
      this.absorb(before, block);
      merged = before;
    }
    merged.free = true;
    this.link(merged);
    return size;
  }

  /** Bytes of the largest free block (0 when none). O(blocks in the highest non-empty class): for messages. */
  largest(): number {
    if (this.firstMap === 0) {
      return 0;
    }
    const fl = 31 - Math.clz32(this.firstMap);
    const sl = 31 - Math.clz32(this.secondMaps[fl]!);
    let best = 0;
    for (let b = this.heads[fl * SL_COUNT + sl]; b !== undefined; b = b.nextFree) {
      best = Math.max(best, b.size);
    }
    return best;
  }

  /** Every free block as [offset, bytes], by offset (for tests; O(blocks)). */
  freeList(): [number, number][] {
    const out: [number, number][] = [];
    for (let b: Block | undefined = this.first; b !== undefined; b = b.after) {
      if (b.free) {
        out.push([b.offset, b.size]);
      }
    }
    return out;
  }

  /** Marks the first `size` bytes of free `block` used; the rest becomes a free block after it. */
  private use(block: Block, size: number): number {
    this.unlink(block);
    if (block.size > size) {
      // The rest: its physical neighbours are the used part and what followed the block, which
      // is not free (free neighbours are always merged), so it merges with nothing.
      const rest: Block = { offset: block.offset + size, size: block.size - size, free: true, merged: false, before: block, after: block.after, prevFree: undefined, nextFree: undefined };
      this.blockCount++;
      if (block.after !== undefined) {
        block.after.before = rest;
      } else {
        this.last = rest;
      }
      block.after = rest;
      block.size = size;
      this.link(rest);
    }
    block.free = false;
    this.starts.set(block.offset, block);
    if (this.starts.size > 2 * this.blockCount + 1024) {
      this.rebuildStarts();
    }
    return block.offset;
  }

  /** Appends physical neighbour `next` (unlinked from its class) to `block`. */
  private absorb(block: Block, next: Block): void {
    next.merged = true;
    this.blockCount--;
    block.size += next.size;
    block.after = next.after;
    if (next.after !== undefined) {
      next.after.before = block;
    } else {
      this.last = block;
    }
  }

  /** A fresh `starts` holding only the used blocks. O(blocks), once per as many allocations. */
  private rebuildStarts(): void {
    const starts = new Map<number, Block>();
    for (let b: Block | undefined = this.first; b !== undefined; b = b.after) {
      if (!b.free) {
        starts.set(b.offset, b);
      }
    }
    this.starts = starts;
  }

  /** Puts a free block into its class list. */
  private link(block: Block): void {
    const units = block.size / UNIT;
    const fl = firstLevel(units);
    const sl = secondLevel(units);
    const index = fl * SL_COUNT + sl;
    const head = this.heads[index];
    block.prevFree = undefined;
    block.nextFree = head;
    if (head !== undefined) {
      head.prevFree = block;
    }
    this.heads[index] = block;
    this.firstMap |= 1 << fl;
    this.secondMaps[fl] = this.secondMaps[fl]! | (1 << sl);
    block.free = true;
    this.freeBytes += block.size;
    this.freeCount++;
  }

  /** Takes a free block out of its class list. */
  private unlink(block: Block): void {
    const units = block.size / UNIT;
    const fl = firstLevel(units);
    const sl = secondLevel(units);
    const index = fl * SL_COUNT + sl;
    if (block.prevFree !== undefined) {
      block.prevFree.nextFree = block.nextFree;
    } else {
      this.heads[index] = block.nextFree;
    }
    if (block.nextFree !== undefined) {
      block.nextFree.prevFree = block.prevFree;
    }
    block.prevFree = undefined;
    block.nextFree = undefined;
    if (this.heads[index] === undefined) {
      this.secondMaps[fl] = this.secondMaps[fl]! & ~(1 << sl);
      if (this.secondMaps[fl] === 0) {
        this.firstMap &= ~(1 << fl);
      }
    }
    block.free = false;
    this.freeBytes -= block.size;
    this.freeCount--;
  }
}
