/**
 * The CPU heap's allocator (TLSF) against a plain model of what is allocated (fast-check, fixed
 * seed): random sequences of allocations and releases on a small heap that grows and runs out.
 * After every step: blocks are 64-byte aligned, inside the memory, never overlap; the stats
 * add up; every free byte is in one free block and free blocks never touch (merged); MEMORY
 * comes only when no free gap of the model (with the room left to grow) holds the request, and
 * its message names the model's largest gap. Releasing everything leaves one free block.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HotpathError } from '../../src/index.js';
import { Heap, PAGE_BYTES, RESERVED_BYTES } from '../../src/runtime/heap.js';

type Op = { kind: 'alloc'; bytes: number } | { kind: 'release'; pick: number } | { kind: 'stale'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 1_500_000 })).map((bytes) => ({ kind: 'alloc' as const, bytes })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'release' as const, pick })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'stale' as const, pick })) },
);

const LIMIT = 4 << 20;

/** The largest gap between live blocks in [RESERVED_BYTES, LIMIT): what one alloc can get at best. */
function largestGap(live: ReadonlyMap<number, number>): number {
  const blocks = [...live].sort((a, b) => a[0] - b[0]);
  let best = 0;
  let at = RESERVED_BYTES;
  for (const [offset, size] of blocks) {
    best = Math.max(best, offset - at);
    at = offset + size;
  }
  return Math.max(best, LIMIT - at);
}

function checkInvariants(heap: Heap, live: ReadonlyMap<number, number>): void {
  const capacity = heap.capacityBytes;
  const stats = heap.stats();
  const usedBytes = [...live.values()].reduce((p, s) => p + s, 0);
  assert.equal(stats.blocks, live.size);
  assert.equal(stats.usedBytes, usedBytes);
  assert.equal(stats.freeBytes, capacity - RESERVED_BYTES - usedBytes, 'every byte is either used or free');
  const free = heap.freeList();
  assert.equal(stats.freeBlocks, free.length);
  const all = [...[...live].map(([o, s]) => ({ o, s, free: false })), ...free.map(([o, s]) => ({ o, s, free: true }))].sort((a, b) => a.o - b.o);
  let at = RESERVED_BYTES;
  let previousFree = false;
  for (const b of all) {
    assert.equal(b.o, at, 'used and free blocks tile the memory without gaps or overlaps');
    assert.equal(b.o % 64, 0);
    assert.ok(b.s > 0 && b.s % 64 === 0);
    assert.ok(!(previousFree && b.free), 'two free blocks next to each other were not merged');
    previousFree = b.free;
    at += b.s;
  }
  assert.equal(at, capacity);
}

test('TLSF heap against a model: alignment, no overlap, merging, stats, MEMORY only when nothing fits', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), (ops) => {
      const heap = new Heap({ initialBytes: 0, maximumBytes: LIMIT });
      const live = new Map<number, number>();
      const released: number[] = [];
      for (const op of ops) {
        if (op.kind === 'stale') {
          // Releasing an offset that is not a used block's start (freed, merged away, or inside
          // a block) is refused and changes nothing.
          const candidates = [...released.filter((o) => !live.has(o)), ...[...live.keys()].map((o) => o + 64)];
          if (candidates.length > 0) {
            const offset = candidates[op.pick % candidates.length]!;
            if (!live.has(offset)) {
              assert.throws(() => heap.release(offset), /not allocated/);
            }
          }
        } else if (op.kind === 'release') {
          if (live.size > 0) {
            const offset = [...live.keys()][op.pick % live.size]!;
            heap.release(offset);
            live.delete(offset);
            released.push(offset);
          }
        } else {
          const rounded = Math.max(64, Math.ceil(op.bytes / 64) * 64);
          const gap = largestGap(live);
          try {
            const offset = heap.alloc(op.bytes);
            assert.ok(rounded <= gap, 'an allocation succeeded where the model has no room');
            assert.ok(offset + rounded <= heap.capacityBytes);
            live.set(offset, rounded);
          } catch (error) {
            assert.ok(error instanceof HotpathError && error.code === 'MEMORY', String(error));
            assert.ok(rounded > gap, `MEMORY for ${rounded} bytes while a gap of ${gap} bytes exists`);
            assert.ok(error.message.includes(`at most ${gap} bytes in one block`), error.message);
          }
        }
        checkInvariants(heap, live);
      }
      for (const offset of live.keys()) {
        heap.release(offset);
      }
      live.clear();
      checkInvariants(heap, live);
      assert.deepEqual(heap.freeList(), [[RESERVED_BYTES, heap.capacityBytes - RESERVED_BYTES]], 'everything released merges into one block');
    }),
    { seed: 8, numRuns: 300 },
  );
});

test('TLSF heap: a block of the request\'s own size class that fits is found before MEMORY', () => {
  // A hole of 1088 bytes (17 units: class 16..17) among used blocks at the limit: a request of
  // 1088 rounds up past that class in the O(1) search, and must still be served from the hole.
  const heap = new Heap({ initialBytes: 0, maximumBytes: RESERVED_BYTES + PAGE_BYTES });
  const a = heap.alloc(1088);
  heap.alloc(PAGE_BYTES - 1088);
  heap.release(a);
  assert.equal(heap.alloc(1088), a);
});

test('TLSF heap: long churn over many distinct offsets keeps the block index right (it is rebuilt when stale)', () => {
  const heap = new Heap({ initialBytes: 64 << 20, maximumBytes: 64 << 20 });
  const live = new Map<number, number>();
  let s = 1;
  const next = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
  for (let i = 0; i < 20_000; i++) {
    // Few blocks live at a time, of many sizes: their starts wander over many offsets.
    if (live.size > 24 || (live.size > 0 && next() % 2 === 0)) {
      const offset = [...live.keys()][next() % live.size]!;
      heap.release(offset);
      live.delete(offset);
      assert.throws(() => heap.release(offset), /not allocated/);
    } else {
      const bytes = 64 * (1 + (next() % 997));
      live.set(heap.alloc(bytes), bytes);
    }
  }
  checkInvariants(heap, live);
  for (const offset of live.keys()) {
    heap.release(offset);
  }
  assert.deepEqual(heap.freeList(), [[RESERVED_BYTES, heap.capacityBytes - RESERVED_BYTES]]);
});
