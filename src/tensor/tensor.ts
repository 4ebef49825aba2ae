/**
 * Tensor: a view (shape, element strides, element offset) over a Storage.
 *
 * Views share storage and never copy; `contiguous()` is the one method that copies (and says so
 * in its name). Every access checks that the view and its storage are still live, and throws
 * LIFETIME naming the tensor, its storage and where it was released.
 */
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from './dtype.js';
import {
  broadcastStrides,
  colStrides,
  forEachRow,
  lastStride,
  rowLength,
  formatShape,
  layoutOf,
  normalizeAxis,
  reshapeStrides,
  rowStrides,
  sizeOf,
  type Layout,
  type Shape,
} from './layout.js';
import { describeRelease, lifetimeError, Storage, type ReleaseNote, type TrackedTensor } from './storage.js';
import { resolveSlice, type SliceSpec } from './slice.js';
import { formatTensor } from './format.js';
import { copyBytes } from './bytes.js';
import { expandShape, flattenShape, squeezeView, unsqueezeView } from './views.js';

/** What `toNested()` returns: numbers (bigint for 64-bit integers, booleans for bool) in nested arrays, one level per dim. */
export type Nested = number | bigint | boolean | Nested[];

export interface ViewSpec {
  shape: Shape;
  strides: readonly number[];
  offset: number;
}

export class Tensor implements TrackedTensor {
  readonly storage: Storage;
  readonly name: string;
  /** True for the tensor that allocated its storage; releasing it releases the storage. */
  readonly isBase: boolean;
  private readonly view: ViewSpec;
  private readonly epoch: number;
  private viewReleasedBy: ReleaseNote | undefined;

  constructor(storage: Storage, view: ViewSpec, options: { name?: string; isBase: boolean }) {
    this.storage = storage;
    this.view = { shape: [...view.shape], strides: [...view.strides], offset: view.offset };
    this.epoch = storage.epoch;
    this.isBase = options.isBase;
    this.name = options.name ?? storage.owner.nextId('t');
    storage.owner.track(this);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }
  get shape(): readonly number[] {
    return this.view.shape;
  }
  /** Element strides, not bytes. */
  get strides(): readonly number[] {
    return this.view.strides;
  }
  /** Element offset into storage, not bytes. */
  get offset(): number {
    return this.view.offset;
  }
  get rank(): number {
    return this.view.shape.length;
  }
  get size(): number {
    return sizeOf(this.view.shape);
  }
  get layout(): Layout {
    return layoutOf(this.view.shape, this.view.strides);
  }
  get released(): boolean {
    return this.viewReleasedBy !== undefined || this.storage.epoch !== this.epoch;
  }

  /** Throws LIFETIME when this view or its storage has been released. */
  check(where: string): void {
    if (this.viewReleasedBy !== undefined && (!this.isBase || this.storage.epoch === this.epoch)) {
      lifetimeError(where, this.describe(), this.storage, describeRelease(this.viewReleasedBy));
    }
    if (this.storage.epoch !== this.epoch) {
      lifetimeError(where, this.describe(), this.storage);
    }
  }

  /** The storage's typed array, after a lifetime check. Index it with `offset` and `strides`. */
  data(where = 'tensor.data'): TypedArray {
    this.check(where);
    return this.storage.data;
  }

  /** `f32[64,32]`, with layout or strides when the view is not row-contiguous. */
  toString(): string {
    const base = `${dtypeInfo(this.dtype).short}${formatShape(this.shape)}`;
    const layout = this.layout;
    if (layout === 'row' && this.offset === 0) {
      return base;
    }
    if (layout === 'col' && this.offset === 0) {
      return `${base} col`;
    }
    const offset = this.offset === 0 ? '' : ` offset=${this.offset}`;
    return layout === 'row' ? `${base}${offset}` : `${base} strides=${formatShape(this.strides)}${offset}`;
  }

  /** `'name' f32[3,4]`, used in error messages. */
  describe(): string {
    return `'${this.name}' ${this.toString()}`;
  }

  /** Row-major copy of the elements, as a new typed array of this dtype. */
  toArray(): TypedArray {
    const src = this.data('tensor.toArray');
    const out = dtypeInfo(this.dtype).create(new ArrayBuffer(this.size * dtypeInfo(this.dtype).bytes), 0, this.size);
    const row = rowStrides(this.shape);
    if (this.view.strides.every((s, i) => s === row[i] || this.shape[i] === 1)) {
      // Row-contiguous: one block copy instead of a strided walk.
      copyBytes(out, src.subarray(this.view.offset, this.view.offset + this.size));
      return out;
    }
    copyStrided(src, this.view, out, { shape: this.shape, strides: row, offset: 0 });
    return out;
  }

  /**
   * The elements as nested arrays, one level per dim (numpy `tolist`); a rank-0 tensor gives its
   * element. 64-bit integers come as bigint, bool as true / false, every other dtype as numbers.
   * @example hp.tensor([[1, 2], [3, 4]]).toNested()   // [[1, 2], [3, 4]]
   * @throws LIFETIME
   */
  toNested(): Nested {
    const flat = this.toArray();
    const bool = this.dtype === 'bool';
    let next = 0;
    const leaf = (): Nested => (bool ? flat[next++] !== 0 : flat[next++]!);
    const build = (axis: number): Nested => (axis === this.rank ? leaf() : Array.from({ length: this.shape[axis]! }, () => build(axis + 1)));
    return build(0);
  }

  /** The single element of a size-1 tensor. */
  item(): number | bigint {
    this.check('tensor.item');
    if (this.size !== 1) {
      fail({ code: 'SHAPE', kernel: 'tensor.item', problem: `${this.describe()} has more than one element`, expected: 'size 1', received: `size ${this.size}` });
    }
    return this.data('tensor.item')[this.offset]!;
  }

  /** Element at a full index (negative indices count from the end). */
  get(...index: number[]): number | bigint {
    this.check('tensor.get');
    if (index.length !== this.rank) {
      fail({ code: 'ARGUMENT', kernel: 'tensor.get', problem: 'wrong number of indices', expected: `${this.rank}`, received: `${index.length}` });
    }
    let off = this.offset;
    index.forEach((i, axis) => {
      const d = this.shape[axis]!;
      if (!Number.isInteger(i) || i < -d || i >= d) {
        fail({ code: 'ARGUMENT', kernel: 'tensor.get', problem: `index out of range on axis ${axis}`, expected: `an integer in [${-d}, ${d - 1}]`, received: String(i) });
      }
      off += (i < 0 ? i + d : i) * this.strides[axis]!;
    });
    return this.data('tensor.get')[off]!;
  }

  /** A view with axes reordered; `perm` defaults to reversing them. */
  transpose(perm?: readonly number[]): Tensor {
    this.check('tensor.transpose');
    const order = perm ?? this.shape.map((_, i) => this.rank - 1 - i);
    checkPermutation(order, this.rank, 'tensor.transpose');
    return this.viewOf({
      shape: order.map((a) => this.shape[a]!),
      strides: order.map((a) => this.strides[a]!),
      offset: this.offset,
    });
  }

  /** Same as transpose(perm), with perm required. */
  permute(perm: readonly number[]): Tensor {
    return this.transpose(perm);
  }

  /**
   * A view of a sub-range. One spec per leading axis: a number picks an index and drops the
   * axis, `[start, end?, step?]` keeps it (numpy rules, negative values count from the end),
   * `null` keeps the whole axis.
   */
  slice(...specs: SliceSpec[]): Tensor {
    this.check('tensor.slice');
    return this.viewOf(resolveSlice(this.view, specs, this.describe()));
  }

  /**
   * A view with a new shape (one dim may be -1). Throws LAYOUT when the strides do not allow
   * a view; `contiguous().reshape(...)` copies first.
   */
  reshape(shape: readonly number[]): Tensor {
    this.check('tensor.reshape');
    const target = resolveReshape(shape, this.size, this.describe());
    const strides = reshapeStrides(this.shape, this.strides, target);
    if (strides === null) {
      return fail({
        code: 'LAYOUT',
        kernel: 'tensor.reshape',
        problem: `${this.describe()} cannot be viewed as ${formatShape(target)} without a copy`,
        expected: 'strides that merge into the new shape',
        received: `strides ${formatShape(this.strides)}`,
        hint: 'call contiguous() first, which copies',
      });
    }
    return this.viewOf({ shape: target, strides, offset: this.offset });
  }

  /** A view broadcast to `shape` with stride 0 on stretched dims (numpy rules). */
  broadcastTo(shape: readonly number[]): Tensor {
    this.check('tensor.broadcastTo');
    checkShape(shape, 'tensor.broadcastTo');
    const strides = broadcastStrides(this.shape, this.strides, shape);
    if (strides === null) {
      return fail({ code: 'SHAPE', kernel: 'tensor.broadcastTo', problem: `${this.describe()} does not broadcast`, expected: `a shape compatible with ${formatShape(shape)}`, received: formatShape(this.shape) });
    }
    return this.viewOf({ shape, strides, offset: this.offset });
  }

  /**
   * A view without the size-1 dims `axes` (every size-1 dim when absent), as numpy squeeze.
   * @example hp.zeros([1, 3, 1]).squeeze()   // [3]
   * @throws SHAPE (an axis is not of size 1), ARGUMENT (axis out of range or repeated), LIFETIME
   */
  squeeze(axes?: readonly number[]): Tensor {
    this.check('tensor.squeeze');
    return this.viewOf(squeezeView(this.view, axes, 'tensor.squeeze'));
  }

  /**
   * A view with size-1 dims inserted at `axes` (positions in the result), as numpy expand_dims.
   * @example hp.zeros([3]).unsqueeze([0])   // [1, 3]
   * @throws ARGUMENT (axis out of range or repeated), LIFETIME
   */
  unsqueeze(axes: readonly number[]): Tensor {
    this.check('tensor.unsqueeze');
    return this.viewOf(unsqueezeView(this.view, axes, 'tensor.unsqueeze'));
  }

  /**
   * Without `axis`: a 1-D view (numpy ravel without its copy). With `axis`: the 2-D view
   * [prod(dims before axis), prod(dims from axis)] of ONNX Flatten. Throws LAYOUT when the
   * strides do not allow a view (`contiguous().flatten()` copies first).
   * @example hp.zeros([2, 3, 4]).flatten(1)   // [2, 12]
   * @throws ARGUMENT (axis outside [-rank, rank]), LAYOUT, LIFETIME
   */
  flatten(axis?: number): Tensor {
    this.check('tensor.flatten');
    return this.reshape(axis === undefined ? [this.size] : flattenShape(this.shape, axis, 'tensor.flatten'));
  }

  /**
   * A view broadcast with `shape` both ways (ONNX Expand: a 1 in `shape` keeps this dim), with
   * stride 0 on stretched dims. `broadcastTo` is the one-way numpy form.
   * @example hp.zeros([3, 1]).expand([2, 1, 4])   // [2, 3, 4]
   * @throws SHAPE (shapes do not broadcast), LIFETIME
   */
  expand(shape: readonly number[]): Tensor {
    this.check('tensor.expand');
    return this.broadcastTo(expandShape(this.shape, shape, 'tensor.expand'));
  }

  /** Moves one axis to a new position; a view. */
  moveAxis(from: number, to: number): Tensor {
    this.check('tensor.moveAxis');
    const src = normalizeAxis(from, this.rank, 'tensor.moveAxis');
    const dst = normalizeAxis(to, this.rank, 'tensor.moveAxis');
    const order = this.shape.map((_, i) => i).filter((i) => i !== src);
    order.splice(dst, 0, src);
    return this.transpose(order);
  }

  /**
   * A copy in the given layout, in fresh storage owned by the same runtime; a new view of the
   * same storage when the tensor already has that layout and no offset.
   */
  contiguous(layout: 'row' | 'col' = 'row'): Tensor {
    this.check('tensor.contiguous');
    if (layout !== 'row' && layout !== 'col') {
      fail({ code: 'ARGUMENT', kernel: 'tensor.contiguous', problem: 'unknown layout', expected: "'row' or 'col'", received: String(layout) });
    }
    if (this.layout === layout && this.offset === 0 && this.storage.length === this.size) {
      return this.viewOf(this.view);
    }
    return this.clone(layout);
  }

  /** A copy in fresh storage (row-major unless `layout: 'col'`), always: it outlives this tensor. */
  clone(layout: 'row' | 'col' = 'row'): Tensor {
    this.check('tensor.clone');
    const owner = this.storage.owner;
    const out = new Storage(owner, this.dtype, this.size, false);
    const strides = layout === 'col' ? colStrides(this.shape) : rowStrides(this.shape);
    const target = new Tensor(out, { shape: this.shape, strides, offset: 0 }, { isBase: true });
    copyStrided(this.storage.data, this.view, out.data, target.view);
    return target;
  }

  /**
   * A new tensor holding these elements converted to `dtype`, as numpy's `astype` (the runtime's
   * cast kernel: float -> int truncates toward zero, anything -> bool is x != 0).
   * @example const y = x.astype('float64')
   * @throws DTYPE (unknown dtype), LIFETIME
   */
  astype(dtype: DType): Tensor {
    this.check('tensor.astype');
    const astype = this.storage.owner.astype;
    if (astype === undefined) {
      return fail({ code: 'BACKEND', kernel: 'tensor.astype', problem: 'this tensor has no runtime to run the cast', expected: 'a tensor made by a runtime', received: this.describe() });
    }
    return astype.call(this.storage.owner, this, dtype) as Tensor;
  }

  /** Ends this view; for the tensor that allocated the storage, also frees the storage. */
  release(): void {
    if (this.viewReleasedBy !== undefined) {
      return;
    }
    this.viewReleasedBy = this.storage.owner.noteRelease();
    if (this.isBase && this.storage.epoch === this.epoch) {
      this.storage.release(this.viewReleasedBy);
    }
    this.storage.owner.untrack(this);
  }

  detach(): void {
    if (this.viewReleasedBy === undefined) {
      this.viewReleasedBy = this.storage.owner.noteRelease();
      this.storage.owner.untrack(this);
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * What console.log and util.inspect print: the values like numpy's repr (elided with `...`
   * past 1000 elements), dtype, shape, layout and name; `<released>` for a released tensor.
   * @example console.log(hp.tensor([[1, 2], [3, 4]]))   // tensor([[1., 2.],\n        [3., 4.]], dtype=float32, shape=[2,2], layout=row, name='t1')
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }

  /**
   * What JSON.stringify writes: the description, not the values (a tensor may hold gigabytes,
   * and its storage links to the runtime's heap): `{ name, dtype, shape, layout }`. For the
   * values, serialise `Array.from(t.toArray())` (row-major) yourself.
   * @example JSON.stringify(t)   // {"name":"t1","dtype":"float32","shape":[2,2],"layout":"row"}
   */
  toJSON(): { name: string; dtype: DType; shape: number[]; layout: Layout } {
    return { name: this.name, dtype: this.dtype, shape: [...this.shape], layout: this.layout };
  }

  private viewOf(view: ViewSpec): Tensor {
    this.check('tensor.view');
    return new Tensor(this.storage, view, { isBase: false });
  }
}

/** Copies elements between two views of the same shape (logical C order on both sides). */
export function copyStrided(src: TypedArray, srcView: ViewSpec, dst: TypedArray, dstView: ViewSpec): void {
  const n = rowLength(srcView.shape);
  const ss = lastStride(srcView.strides);
  const ds = lastStride(dstView.strides);
  forEachRow(srcView.shape, [srcView.strides, dstView.strides], [srcView.offset, dstView.offset], ([s, d]) => {
    for (let j = 0; j < n; j++) {
      dst[d! + j * ds] = src[s! + j * ss]!;
    }
  });
}

function checkPermutation(perm: readonly number[], rank: number, where: string): void {
  if (!Array.isArray(perm)) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid permutation', expected: `an array, a permutation of 0..${rank - 1}`, received: String(perm) });
  }
  const seen = new Set(perm);
  const ok = perm.length === rank && seen.size === rank && perm.every((a) => Number.isInteger(a) && a >= 0 && a < rank);
  if (!ok) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid permutation', expected: `a permutation of 0..${rank - 1}`, received: formatShape(perm) });
  }
}

function resolveReshape(shape: readonly number[], size: number, text: string): number[] {
  if (!Array.isArray(shape)) {
    return fail({ code: 'SHAPE', kernel: 'tensor.reshape', problem: `${text} cannot be reshaped`, expected: 'an array of dims', received: String(shape) });
  }
  const unknown = shape.filter((d) => d === -1).length;
  const bad = shape.some((d) => !Number.isInteger(d) || d < -1);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (bad || unknown > 1 || (unknown === 1 && (known === 0 || size % known !== 0)) || (unknown === 0 && known !== size)) {
    return fail({
      code: 'SHAPE',
      kernel: 'tensor.reshape',
      problem: `${text} cannot be reshaped to ${formatShape(shape)}`,
      expected: `dims (at most one -1) whose product is ${size}`,
      received: formatShape(shape),
    });
  }
  return shape.map((d) => (d === -1 ? size / known : d));
}

/** Throws SHAPE unless `shape` is an array of non-negative integers. */
export function checkShape(shape: unknown, where: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail({ code: 'SHAPE', kernel: where, problem: 'invalid shape', expected: 'an array of non-negative integers', received: JSON.stringify(shape) ?? String(shape) });
  }
}
