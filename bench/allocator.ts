/**
 * allocator benchmark (issue 8): the CPU heap's TLSF allocator against the first-fit allocator
 * it replaced (bench/baselines/firstFitHeap.ts, the named baseline), in the same run.
 *
 * - alloc/free mix: a heap holding H free holes of 64 bytes (each between two used blocks,
 *   so nothing merges them), then 2000 operations per timed call: allocations of 128..4096
 *   bytes (larger than every hole, so first-fit walks past all of them) and releases, FIFO,
 *   ending with the heap as it started. H = 0, 1e3, 1e4, 1e5.
 * - tiny add: 1000 calls of hp.add on float32 [4] + [4] on the ref backend, whose cost is
 *   the runtime's per-call overhead and one allocation and release, with 0 and 1e4 holes; the
 *   same runtime code over either heap.
 */
import { createRefBackend } from '../src/backends/ref/index.js';
import type { Heap } from '../src/runtime/heap.js';
import { Heap as TlsfHeap } from '../src/runtime/heap.js';
import { Runtime } from '../src/runtime/runtime.js';
import { FirstFitHeap } from './baselines/firstFitHeap.js';
import type { Contender, Prepared, Row } from './harness.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

const TLSF = 'hotpath heap (TLSF)';
const FIRST_FIT = 'first-fit heap (before issue 8)';

interface Allocator {
  alloc(bytes: number, purpose?: string): number;
  release(offset: number): void;
}

function makeHeap(kind: 'tlsf' | 'firstFit'): Allocator {
  // 1 GiB limit, 256 MiB to start: room for 1e5 holes and the mix without growing in the loop.
  const options = { initialBytes: 256 << 20, maximumBytes: 1 << 30 };
  return kind === 'tlsf' ? new TlsfHeap(options) : new FirstFitHeap(options);
}

/** Makes `holes` free 64-byte holes, each between used blocks; returns the used blocks (kept). */
function punchHoles(heap: Allocator, holes: number): number[] {
  const blocks: number[] = [];
  for (let i = 0; i < 2 * holes + 1; i++) {
    blocks.push(heap.alloc(64));
  }
  for (let i = 1; i < blocks.length; i += 2) {
    heap.release(blocks[i]!);
  }
  return blocks.filter((_, i) => i % 2 === 0);
}

const OPS = 2000;

/** Deterministic sizes 128..4096 bytes. */
function sizes(count: number): Int32Array {
  let s = 12345;
  return Int32Array.from({ length: count }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return 128 + (s % 3969);
  });
}

function mixContender(name: string, note: string, kind: 'tlsf' | 'firstFit', holes: number): Contender {
  return {
    name,
    note,
    setup: (): Prepared<Float32Array> => {
      const heap = makeHeap(kind);
      punchHoles(heap, holes);
      const want = sizes(OPS / 2);
      // A ring of at most 64 live blocks: allocate and release in an interleaved FIFO.
      const live = new Float64Array(65);
      return {
        call: () => {
          let head = 0;
          let count = 0;
          for (let i = 0; i < want.length; i++) {
            live[(head + count) % live.length] = heap.alloc(want[i]!);
            count++;
            if (count > 64) {
              heap.release(live[head]!);
              head = (head + 1) % live.length;
              count--;
            }
          }
          for (; count > 0; count--) {
            heap.release(live[head]!);
            head = (head + 1) % live.length;
          }
          return new Float32Array(1);
        },
        output: (out) => out,
        release: () => undefined,
        dispose: () => undefined,
      };
    },
  };
}

/** 1000 calls of hp.add on float32 [4] + [4] (each output released): the per-call cost of the runtime. */
export function tinyAdds(hp: Runtime): { call: () => Float32Array } {
  const a = hp.tensor(Float32Array.from([1, 2, 3, 4]));
  const b = hp.tensor(Float32Array.from([5, 6, 7, 8]));
  return {
    call: () => {
      let last = 0;
      for (let i = 0; i < 1000; i++) {
        const y = hp.add(a, b);
        last = y.get(3) as number;
        y.release();
      }
      return Float32Array.of(last);
    },
  };
}

function tinyAddContender(name: string, note: string, kind: 'tlsf' | 'firstFit', holes: number): Contender {
  return {
    name,
    note,
    setup: (): Prepared<Float32Array> => {
      const heap = makeHeap(kind);
      const ref = createRefBackend();
      // The runtime as createRuntime makes it, but over the chosen heap (the first-fit heap has
      // the same methods; the cast only crosses the nominal class type).
      const hp = new Runtime({ id: `bench-${kind}`, backends: [ref], unavailable: [], ref, require: undefined, verifyRate: 0, factories: [], heap: heap as unknown as Heap });
      punchHoles(heap, holes);
      return {
        call: tinyAdds(hp).call,
        output: (out) => out,
        release: () => undefined,
        dispose: () => hp.close(),
      };
    },
  };
}

export const allocator: Workload = {
  name: 'allocator',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const rows: Row[] = [];
    const repeats = ctx.quick ? { warmup: 1, repeats: 3 } : { warmup: 2, repeats: 9 };
    for (const holes of ctx.quick ? [0, 1000] : [0, 1000, 10_000, 100_000]) {
      ctx.log(`allocator: ${OPS} alloc/free operations with ${holes} holes`);
      rows.push(
        ...(await runCase({
          workload: 'allocator',
          size: `alloc/free x${OPS}, ${holes} holes`,
          work: {},
          baseline: [FIRST_FIT],
          ...repeats,
          check: false,
          contenders: [mixContender(TLSF, 'segregated fit, O(1)', 'tlsf', holes), mixContender(FIRST_FIT, 'first fit over a sorted list', 'firstFit', holes)],
        }, ctx)),
      );
    }
    for (const holes of ctx.quick ? [0] : [0, 10_000]) {
      ctx.log(`allocator: 1000 tiny adds with ${holes} holes`);
      rows.push(
        ...(await runCase({
          workload: 'allocator',
          size: `add f32[4] x1000, ${holes} holes`,
          work: {},
          baseline: [FIRST_FIT],
          ...repeats,
          check: true,
          contenders: [tinyAddContender(TLSF, 'ref backend, TLSF heap', 'tlsf', holes), tinyAddContender(FIRST_FIT, 'ref backend, first-fit heap', 'firstFit', holes)],
        }, ctx)),
      );
    }
    return rows;
  },
};
