/**
 * Checks what users hand to `runtime.tensor()` (typed arrays, flat or nested number arrays) and
 * writes it into a tensor's storage in one dtype, with every mismatch reported. Checking comes
 * first and converting last, straight into the heap: a request the heap cannot hold fails
 * before any element is converted or copied.
 */
import { fail } from '../errors.js';
import { dtypeInfo, dtypeOfArray, isTypedArray, parseDType, type DType, type TypedArray } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/layout.js';
import { copyBytes } from '../tensor/bytes.js';

export type NestedNumbers = number | bigint | boolean | readonly NestedNumbers[];
export type TensorData = TypedArray | readonly NestedNumbers[] | number | bigint | boolean;

export interface TensorOptions {
  /** Element type; defaults to the typed array's own, bool for booleans, or float32 for plain numbers. */
  readonly dtype?: DType;
  /**
   * Memory order of the new tensor: `row` (C order, default) or `col` (Fortran order, numpy's
   * `order='F'`). Nested arrays keep their values either way (`[[1, 2], [3, 4]]` has 2 at
   * [0, 1] in both); flat data (a typed array or a flat array with a `shape`) is taken as the
   * elements in that memory order, so a Fortran-ordered buffer becomes a `col` tensor as it is.
   */
  readonly layout?: 'row' | 'col';
  readonly name?: string;
}

export interface Elements {
  /** The elements, not yet converted: in C order of `shape` when `nested`, else in memory order. */
  readonly flat: ArrayLike<number | bigint>;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Whether the data was a nested array (its values are by index, whatever the layout). */
  readonly nested: boolean;
}

const WHERE = 'runtime.tensor';

export function toElements(data: TensorData, shape: readonly number[] | undefined, options: TensorOptions): Elements {
  const dtype = options.dtype === undefined ? defaultDType(data) : parseDType(options.dtype, WHERE);
  if (options.layout !== undefined && options.layout !== 'row' && options.layout !== 'col') {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'unknown layout', expected: "'row' or 'col'", received: String(options.layout) });
  }
  const { flat, nestedShape } = flatten(data);
  const resolved = shape ?? nestedShape;
  if (!Array.isArray(resolved) || resolved.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: 'invalid shape', expected: 'an array of non-negative integers', received: JSON.stringify(resolved) });
  }
  if (sizeOf(resolved) !== flat.length) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: 'data length does not match the shape', expected: `${sizeOf(resolved)} elements for ${formatShape(resolved)}`, received: `${flat.length} elements` });
  }
  const nested = Array.isArray(data) && Array.isArray(data[0]);
  return { flat, shape: resolved, dtype, nested };
}

function defaultDType(data: TensorData): DType {
  if (isTypedArray(data)) {
    return dtypeOfArray(data);
  }
  const first = firstScalar(data);
  return typeof first === 'bigint' ? 'int64' : typeof first === 'boolean' ? 'bool' : 'float32';
}

function firstScalar(data: TensorData | NestedNumbers): number | bigint | boolean | undefined {
  if (typeof data === 'number' || typeof data === 'bigint' || typeof data === 'boolean') {
    return data;
  }
  if (isTypedArray(data)) {
    return data[0];
  }
  return Array.isArray(data) && data.length > 0 ? firstScalar(data[0] as NestedNumbers) : undefined;
}

function flatten(data: TensorData): { flat: ArrayLike<number | bigint>; nestedShape: number[] } {
  if (typeof data === 'number' || typeof data === 'bigint' || typeof data === 'boolean') {
    return { flat: [scalarOf(data)], nestedShape: [] };
  }
  if (isTypedArray(data)) {
    return { flat: data, nestedShape: [data.length] };
  }
  if (!Array.isArray(data)) {
    return fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'unsupported data', expected: 'a typed array, a number or a (nested) array of numbers', received: typeof data });
  }
  const nestedShape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) {
    nestedShape.push(level.length);
    if (level.length === 0) {
      break;
    }
  }
  const flat: (number | bigint)[] = [];
  walk(data, 0, nestedShape, flat);
  return { flat, nestedShape };
}

function walk(node: unknown, depth: number, shape: readonly number[], out: (number | bigint)[]): void {
  if (depth === shape.length) {
    if (typeof node !== 'number' && typeof node !== 'bigint' && typeof node !== 'boolean') {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'non-numeric element', expected: 'numbers, bigints or booleans', received: Array.isArray(node) ? 'a deeper array (ragged data)' : typeof node });
    }
    out.push(scalarOf(node));
    return;
  }
  if (!Array.isArray(node) || node.length !== shape[depth]) {
    fail({ code: 'SHAPE', kernel: WHERE, problem: `ragged nested array at depth ${depth}`, expected: `length ${shape[depth]}`, received: Array.isArray(node) ? `length ${node.length}` : typeof node });
  }
  for (const child of node) {
    walk(child, depth + 1, shape, out);
  }
}

/** true/false become 1/0, as numpy's bool does in arithmetic. */
function scalarOf(v: number | bigint | boolean): number | bigint {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** Inclusive value range of each integer dtype (and of bool, whose elements are 0 or 1). */
const INT_RANGE: Partial<Record<DType, readonly [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  bool: [0n, 1n],
};

/** A new array of the dtype holding `flat` converted (see writeElements). */
export function convert(flat: ArrayLike<number | bigint>, dtype: DType): TypedArray {
  const info = dtypeInfo(dtype);
  const out = info.create(new ArrayBuffer(flat.length * info.bytes), 0, flat.length);
  writeElements(flat, dtype, out);
  return out;
}

/**
 * Writes `flat` into `out` (an array of `dtype`, as long as flat); integer dtypes take only
 * integers in range (no silent wrap or truncation).
 */
export function writeElements(flat: ArrayLike<number | bigint>, dtype: DType, out: TypedArray): TypedArray {
  const info = dtypeInfo(dtype);
  if (isTypedArray(flat) && dtypeOfArray(flat) === dtype) {
    // Same element type: every value fits; copy as is.
    copyBytes(out, flat);
    return out;
  }
  const range = INT_RANGE[dtype];
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (range !== undefined) {
      const integral = typeof v === 'bigint' || Number.isInteger(v);
      if (!integral || BigInt(v) < range[0] || BigInt(v) > range[1]) {
        fail({ code: 'DTYPE', kernel: WHERE, problem: `element ${i} does not fit ${dtype}`, expected: `an integer in [${range[0]}, ${range[1]}]`, received: String(v) });
      }
    }
    out[i] = (info.bigint ? BigInt(v) : Number(v)) as never;
  }
  return out;
}
