/**
 * The model side of the API fuzzer: what should be live, what values each live tensor should
 * hold, and which scope frame owns what. It is written from the documented contract (a base
 * tensor owns its storage; views share it; release ends a view, and a base's release ends the
 * storage and every view of it; a scope releases what it created except what it returns, whose
 * storages stay alive until their last returned view is released), not from the runtime's code.
 */
import type { DType, MemoryInfo, Runtime, Tensor } from '../../src/index.js';
import { ModelViolation, type Tally } from './expect.js';

export interface View {
  readonly shape: readonly number[];
  /** Elements, not bytes. */
  readonly strides: readonly number[];
  /** Elements into the storage. */
  readonly offset: number;
}

export interface MStorage {
  readonly id: number;
  readonly dtype: DType;
  /** The storage's elements in memory order, as stored (already rounded to the dtype). */
  readonly values: readonly number[];
  readonly bytes: number;
  live: boolean;
  /** Its base was released by a scope that returned views of it: freed with the last view. */
  orphan: boolean;
  readonly handles: Handle[];
}

export interface Handle {
  readonly id: number;
  readonly real: Tensor;
  readonly storage: MStorage;
  readonly isBase: boolean;
  readonly view: View;
  viewReleased: boolean;
}

/** One runtime.scope() call in the model: the handles created in its async context. */
export interface MFrame {
  readonly parent: MFrame | undefined;
  closed: boolean;
  readonly handles: Set<Handle>;
}

/** Where a command runs: the driver's own context (no scope) or inside an open async scope. */
export interface Context {
  readonly name: string;
  readonly frame: MFrame | undefined;
  /** Runs fn synchronously in this context's async context; resolves with its result. */
  exec<T>(fn: () => T): Promise<T>;
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4 };

export const ROOT: Context = {
  name: 'root',
  frame: undefined,
  exec<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

export class World {
  readonly hp: Runtime;
  readonly tally: Tally;
  readonly handles: Handle[] = [];
  readonly storages: MStorage[] = [];
  /** Open async scopes, in opening order; each is also a context commands can run in. */
  readonly scopes: (Context & { close(value: () => unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> })[] = [];
  readonly baseline: MemoryInfo;
  /** A released tensor given a wrong argument must say LIFETIME (not the argument's code). */
  readonly lifetimeFirst: boolean;

  constructor(hp: Runtime, tally: Tally, lifetimeFirst = false) {
    this.hp = hp;
    this.tally = tally;
    this.lifetimeFirst = lifetimeFirst;
    this.baseline = hp.memory();
  }

  context(pick: number): Context {
    const all: Context[] = [ROOT, ...this.scopes];
    return all[pick % all.length]!;
  }

  handle(pick: number): Handle {
    return this.handles[pick % this.handles.length]!;
  }

  alive(h: Handle): boolean {
    return !h.viewReleased && h.storage.live;
  }

  /** A new base tensor over fresh storage holding `values` in memory order. */
  addBase(real: Tensor, dtype: DType, values: readonly number[], view: View, frame: MFrame | undefined): Handle {
    const storage: MStorage = { id: this.storages.length, dtype, values, bytes: values.length * BYTES[dtype]!, live: true, orphan: false, handles: [] };
    this.storages.push(storage);
    return this.attach({ id: this.handles.length, real, storage, isBase: true, view, viewReleased: false }, frame);
  }

  addView(real: Tensor, of: Handle, view: View, frame: MFrame | undefined): Handle {
    return this.attach({ id: this.handles.length, real, storage: of.storage, isBase: false, view, viewReleased: false }, frame);
  }

  private attach(h: Handle, frame: MFrame | undefined): Handle {
    this.handles.push(h);
    h.storage.handles.push(h);
    nearestOpen(frame)?.handles.add(h);
    return h;
  }

  /** The logical values of a view, row-major. */
  logical(h: Handle): number[] {
    return gather(h.storage.values, h.view);
  }

  /** tensor.release(): ends the view; a base also ends its storage (and so every view of it). */
  release(h: Handle): void {
    if (h.viewReleased) {
      return;
    }
    h.viewReleased = true;
    if (h.isBase) {
      h.storage.live = false;
    }
    this.freeOrphan(h.storage);
  }

  private freeOrphan(s: MStorage): void {
    if (s.orphan && s.live && !s.handles.some((x) => !x.viewReleased)) {
      s.live = false;
    }
  }

  /**
   * A scope ends: what it returned moves to the nearest open enclosing scope; a base whose
   * storage a returned view uses ends as a view only (the storage lives on); the rest is released.
   */
  closeFrame(frame: MFrame, keep: ReadonlySet<Handle>): void {
    frame.closed = true;
    const keptStorages = new Set([...keep].map((h) => h.storage));
    const parent = nearestOpen(frame.parent);
    for (const h of frame.handles) {
      if (keep.has(h)) {
        parent?.handles.add(h);
      } else if (h.isBase && keptStorages.has(h.storage) && h.storage.live && !h.viewReleased) {
        h.storage.orphan = true;
        h.viewReleased = true;
        this.freeOrphan(h.storage);
      } else {
        this.release(h);
      }
    }
    frame.handles.clear();
  }

  expectedMemory(): MemoryInfo {
    const live = this.storages.filter((s) => s.live);
    return {
      tensors: this.baseline.tensors + this.handles.filter((h) => this.alive(h)).length,
      storages: this.baseline.storages + live.length,
      bytes: this.baseline.bytes + live.reduce((sum, s) => sum + s.bytes, 0),
    };
  }

  /** After every command: each tensor's `released` and the runtime's memory() agree with the model. */
  verify(after: string | { toString(): string }): void {
    for (const h of this.handles) {
      if (h.real.released === this.alive(h)) {
        throw new ModelViolation(`after ${String(after)}: handle #${h.id} (${h.real.name}) released=${h.real.released}, model says ${this.alive(h) ? 'live' : 'released'}`);
      }
    }
    const got = this.hp.memory();
    const want = this.expectedMemory();
    if (got.tensors !== want.tensors || got.storages !== want.storages || got.bytes !== want.bytes) {
      throw new ModelViolation(`after ${String(after)}: memory() ${JSON.stringify(got)}, model expects ${JSON.stringify(want)}`);
    }
  }
}

function nearestOpen(frame: MFrame | undefined): MFrame | undefined {
  let f = frame;
  while (f !== undefined && f.closed) {
    f = f.parent;
  }
  return f;
}

/** Row-major walk over a view's elements. */
export function gather(values: readonly number[], view: View): number[] {
  const out: number[] = [];
  const size = view.shape.reduce((p, d) => p * d, 1);
  const index = view.shape.map(() => 0);
  for (let n = 0; n < size; n++) {
    let off = view.offset;
    index.forEach((i, axis) => {
      off += i * view.strides[axis]!;
    });
    out.push(values[off]!);
    for (let axis = view.shape.length - 1; axis >= 0; axis--) {
      index[axis]!++;
      if (index[axis]! < view.shape[axis]!) {
        break;
      }
      index[axis] = 0;
    }
  }
  return out;
}

export function rowStridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) {
    strides[i] = strides[i + 1]! * shape[i + 1]!;
  }
  return strides;
}

export function colStridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let i = 1; i < shape.length; i++) {
    strides[i] = strides[i - 1]! * shape[i - 1]!;
  }
  return strides;
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
