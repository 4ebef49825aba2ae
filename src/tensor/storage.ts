/**
 * Storage: the bytes behind one or more tensor views, with an owner and an epoch.
 *
 * The epoch changes when the storage is released (and, once storage is pooled, when it is
 * reused), so a view made before that can tell its bytes are no longer its own. Views compare
 * the epoch they were made at with the current one on every access.
 */
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from './dtype.js';

/** What tensors report to: counts, scopes and ids. A Runtime implements it. */
export interface TensorOwner {
  readonly ownerId: string;
  nextId(prefix: string): string;
  track(tensor: TrackedTensor): void;
  untrack(tensor: TrackedTensor): void;
  /** Room for `length` elements in the CPU heap; zero-filled when `zero`. */
  allocate(dtype: DType, length: number, zero: boolean): Allocation;
  /** Records one release: its number, and its stack when the runtime keeps release stacks. */
  noteRelease(): ReleaseNote;
  /** The runtime's cast kernel, for `tensor.astype()`: a new tensor of `dtype`. */
  astype?(tensor: TrackedTensor, dtype: DType): TrackedTensor;
}

/**
 * Which release ended a storage or view: the runtime's running count of releases (cheap, always
 * kept) and, with `createRuntime({ debug: { releaseStacks: true } })`, the stack of the call
 * (about 1.4 us per release, so off by default).
 */
export interface ReleaseNote {
  readonly seq: number;
  readonly stack: Error | undefined;
}

/** `release #12 at file:line:col`, or `release #12` and how to see where. */
export function describeRelease(note: ReleaseNote): string {
  if (note.stack !== undefined) {
    return `at ${callSite(note.stack)} (release #${note.seq})`;
  }
  return `by release #${note.seq} (createRuntime({ debug: { releaseStacks: true } }) records where)`;
}

/** A block of the CPU heap. */
export interface Allocation {
  /** Byte offset in the heap's memory, for backends that address it directly. */
  readonly byteOffset: number;
  /** A typed array over the elements; re-made when the heap has grown since the last call. */
  view(): TypedArray;
  free(): void;
}

/** The part of a tensor the owner needs. */
export interface TrackedTensor {
  readonly name: string;
  readonly storage: Storage;
  readonly isBase: boolean;
  /** Ends this view without releasing its storage (the runtime then frees the storage with its last view). */
  detach(): void;
}

export class Storage {
  readonly id: string;
  readonly dtype: DType;
  /** Elements, not bytes. */
  readonly length: number;
  readonly owner: TensorOwner;
  private readonly allocation: Allocation;
  private epochValue = 0;
  private releasedBy: ReleaseNote | undefined;

  /** New storage of `length` elements from the owner's heap (zero-filled unless told not to). */
  constructor(owner: TensorOwner, dtype: DType, length: number, zero = true) {
    this.owner = owner;
    this.id = owner.nextId('s');
    this.dtype = dtype;
    this.length = length;
    this.allocation = owner.allocate(dtype, length, zero);
  }

  /** Byte offset of element 0 in the CPU heap. */
  get byteOffset(): number {
    return this.allocation.byteOffset;
  }

  get bytes(): number {
    return this.length * dtypeInfo(this.dtype).bytes;
  }

  get epoch(): number {
    return this.epochValue;
  }

  get released(): boolean {
    return this.releasedBy !== undefined;
  }

  /** Which release ended it (and where, with release stacks on); undefined while live. */
  get releasedAt(): string | undefined {
    return this.releasedBy === undefined ? undefined : describeRelease(this.releasedBy);
  }

  /** The typed array over this storage's elements. Callers check liveness first (Tensor does). */
  get data(): TypedArray {
    if (this.releasedBy !== undefined) {
      return lifetimeError('storage.data', `of storage ${this.id}`, this);
    }
    return this.allocation.view();
  }

  /** Frees the bytes; `note` is the release of the base tensor that ends it, when one does. */
  release(note?: ReleaseNote): void {
    if (this.releasedBy !== undefined) {
      return;
    }
    this.releasedBy = note ?? this.owner.noteRelease();
    this.epochValue++;
    this.allocation.free();
  }
}

/** The first stack frame outside hotpath's own tensor code: where the user called release(). */
export function callSite(error: Error): string {
  const lines = (error.stack ?? '').split('\n').slice(1);
  const outside = lines.find((line) => !/[/\\](src|dist)[/\\](tensor|runtime)[/\\]|node:internal/.test(line));
  return (outside ?? lines[0] ?? 'unknown').trim().replace(/^at /, '');
}

/** Throws LIFETIME for a tensor whose storage or view is gone. */
export function lifetimeError(where: string, tensorText: string, storage: Storage, viewReleasedAt?: string): never {
  const released = viewReleasedAt !== undefined ? `view released ${viewReleasedAt}` : `storage ${storage.id} released ${storage.releasedAt ?? 'earlier'}`;
  return fail({
    code: 'LIFETIME',
    kernel: where,
    problem: `tensor ${tensorText} is used after release`,
    expected: 'a live tensor',
    received: released,
    hint: 'keep the tensor (and the tensor its view was made from) alive until its last use, or return it from runtime.scope()',
  });
}
