/**
 * The runtime's record of live tensors and storages, and of scopes. It is the TensorOwner every
 * tensor of one runtime reports to.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from '../tensor/dtype.js';
import type { Allocation, ReleaseNote, Storage, TensorOwner, TrackedTensor } from '../tensor/storage.js';
import type { Heap } from './heap.js';
import { zeroBytes } from '../tensor/bytes.js';

export interface MemoryInfo {
  /** Live tensor views (a base tensor and each of its views count once each). */
  readonly tensors: number;
  /** Live storages. */
  readonly storages: number;
  /** Bytes held by live storages. */
  readonly bytes: number;
}

/**
 * One runtime.scope() call: the tensors created inside it, and the scope it was opened in.
 * Frames form a tree, not a stack: two async scopes may be open at once, each in its own async
 * context, and each collects only the tensors created in its own context.
 */
export interface Frame {
  readonly tensors: Set<TrackedTensor>;
  readonly parent: Frame | undefined;
  closed: boolean;
}

export class TensorRegistry implements TensorOwner {
  readonly ownerId: string;
  /** Set by the runtime: its cast kernel, which `tensor.astype()` calls. */
  astype?: (tensor: TrackedTensor, dtype: DType) => TrackedTensor;
  private readonly counters = new Map<string, number>();
  /** Live views per live storage. */
  private readonly live = new Map<Storage, Set<TrackedTensor>>();
  /**
   * The innermost open scope of the current async context. AsyncLocalStorage follows awaits,
   * so overlapping `scope(async ...)` calls never see (or release) each other's tensors.
   */
  private readonly current = new AsyncLocalStorage<Frame>();
  /** Storages whose base tensor a scope released while views of it were returned. */
  private readonly orphans = new Set<Storage>();

  readonly heap: Heap;
  /** Keep the stack of every release for LIFETIME messages (debug option; ~1.4 us each). */
  private readonly releaseStacks: boolean;
  private releases = 0;

  constructor(ownerId: string, heap: Heap, releaseStacks = false) {
    this.ownerId = ownerId;
    this.heap = heap;
    this.releaseStacks = releaseStacks;
  }

  noteRelease(): ReleaseNote {
    this.releases++;
    return { seq: this.releases, stack: this.releaseStacks ? new Error('release') : undefined };
  }

  nextId(prefix: string): string {
    const next = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, next);
    return `${prefix}${next}`;
  }

  allocate(dtype: DType, length: number, zero: boolean): Allocation {
    if (!Number.isSafeInteger(length) || length < 0) {
      return fail({ code: 'ARGUMENT', kernel: 'runtime.allocate', problem: 'invalid element count', expected: 'a non-negative integer', received: String(length) });
    }
    return heapAllocation(this.heap, dtype, length, zero);
  }

  track(tensor: TrackedTensor): void {
    let views = this.live.get(tensor.storage);
    if (views === undefined) {
      views = new Set();
      this.live.set(tensor.storage, views);
    }
    views.add(tensor);
    openFrame(this.current.getStore())?.tensors.add(tensor);
  }

  untrack(tensor: TrackedTensor): void {
    const views = this.live.get(tensor.storage);
    views?.delete(tensor);
    // Views of a released storage are dead too: stop counting them.
    if (tensor.storage.released || views?.size === 0) {
      this.live.delete(tensor.storage);
    }
    // The last view of an orphaned storage frees it.
    if (views?.size === 0 && this.orphans.delete(tensor.storage)) {
      tensor.storage.release();
    }
  }

  memory(): MemoryInfo {
    let bytes = 0;
    let tensors = 0;
    for (const [storage, views] of this.live) {
      bytes += storage.bytes;
      tensors += views.size;
    }
    return { tensors, storages: this.live.size, bytes };
  }

  /** A new scope frame, a child of the current async context's innermost one. */
  openFrame(): Frame {
    return { tensors: new Set(), parent: this.current.getStore(), closed: false };
  }

  /** Runs `fn` with `frame` as the current frame (for fn and every async continuation of it). */
  within<T>(frame: Frame, fn: () => T): T {
    return this.current.run(frame, fn);
  }

  /**
   * Closes a frame: releases its tensors except `keep`, which move to the enclosing open frame
   * (or to nobody: the caller owns them). A base tensor whose storage a kept view still uses is
   * detached instead, and the storage is freed with its last view.
   */
  closeFrame(frame: Frame, keep: ReadonlySet<TrackedTensor>, release: (t: TrackedTensor) => void): void {
    if (frame.closed) {
      return;
    }
    frame.closed = true;
    const keptStorages = new Set([...keep].map((t) => t.storage));
    const parent = openFrame(frame.parent);
    for (const t of frame.tensors) {
      if (keep.has(t)) {
        parent?.tensors.add(t);
      } else if (t.isBase && keptStorages.has(t.storage)) {
        // Only views of this storage were returned: they own it now.
        this.orphans.add(t.storage);
        t.detach();
      } else {
        release(t);
      }
    }
    frame.tensors.clear();
  }
}

/**
 * The nearest frame that is still open: an async task started in a scope may outlive it, and
 * what it creates then belongs to the scope around that one (or to nobody).
 */
function openFrame(frame: Frame | undefined): Frame | undefined {
  let f = frame;
  while (f !== undefined && f.closed) {
    f = f.parent;
  }
  return f;
}

/** A heap block as an Allocation: caches its typed array until the heap's buffer changes. */
function heapAllocation(heap: Heap, dtype: DType, length: number, zero: boolean): Allocation {
  const byteOffset = heap.alloc(length * dtypeInfo(dtype).bytes);
  let cached = heap.view(dtype, byteOffset, length);
  if (zero) {
    zeroBytes(cached);
  }
  return {
    byteOffset,
    view(): TypedArray {
      if (cached.buffer.byteLength !== heap.capacityBytes) {
        cached = heap.view(dtype, byteOffset, length);
      }
      return cached;
    },
    free(): void {
      heap.release(byteOffset);
    },
  };
}
