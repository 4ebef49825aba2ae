/**
 * Element types. The four main dtypes are float32, float64, int32 and int64; the small and
 * unsigned integer types exist so that elementwise kernels (add, mul) and file readers can carry
 * them without a conversion. int64 and uint64 are stored as BigInt64Array / BigUint64Array.
 * `bool` (numpy's bool, ONNX BOOL) is one byte per element, 0 or 1, seen as a Uint8Array.
 */
import { fail } from '../errors.js';

export type DType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

export type NumberArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;
export type BigIntArray = BigInt64Array | BigUint64Array;
export type TypedArray = NumberArray | BigIntArray;

export interface DTypeInfo {
  readonly name: DType;
  /** Short name used when printing tensors: `f32[64,32]`. */
  readonly short: string;
  readonly bytes: number;
  readonly float: boolean;
  /** Elements are BigInt (int64, uint64). */
  readonly bigint: boolean;
  /** Machine epsilon for floats (spacing of 1.0), 0 for integers. */
  readonly eps: number;
  readonly create: (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;
}

function info(
  name: DType,
  short: string,
  bytes: number,
  float: boolean,
  bigint: boolean,
  eps: number,
  create: (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray,
): DTypeInfo {
  return { name, short, bytes, float, bigint, eps, create };
}

const TABLE: Readonly<Record<DType, DTypeInfo>> = {
  float32: info('float32', 'f32', 4, true, false, 2 ** -23, (b, o, n) => new Float32Array(b, o, n)),
  float64: info('float64', 'f64', 8, true, false, 2 ** -52, (b, o, n) => new Float64Array(b, o, n)),
  int8: info('int8', 'i8', 1, false, false, 0, (b, o, n) => new Int8Array(b, o, n)),
  uint8: info('uint8', 'u8', 1, false, false, 0, (b, o, n) => new Uint8Array(b, o, n)),
  int16: info('int16', 'i16', 2, false, false, 0, (b, o, n) => new Int16Array(b, o, n)),
  uint16: info('uint16', 'u16', 2, false, false, 0, (b, o, n) => new Uint16Array(b, o, n)),
  int32: info('int32', 'i32', 4, false, false, 0, (b, o, n) => new Int32Array(b, o, n)),
  uint32: info('uint32', 'u32', 4, false, false, 0, (b, o, n) => new Uint32Array(b, o, n)),
  int64: info('int64', 'i64', 8, false, true, 0, (b, o, n) => new BigInt64Array(b, o, n)),
  uint64: info('uint64', 'u64', 8, false, true, 0, (b, o, n) => new BigUint64Array(b, o, n)),
  // numpy's bool: one byte per element holding exactly 0 or 1 (kernels write nothing else).
  bool: info('bool', 'bool', 1, false, false, 0, (b, o, n) => new Uint8Array(b, o, n)),
};

export const DTYPES: readonly DType[] = Object.keys(TABLE) as DType[];
export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TABLE, value);
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  return TABLE[dtype];
}

/** Validates a user-supplied dtype name. Throws DTYPE. */
export function parseDType(value: unknown, where: string): DType {
  if (isDType(value)) {
    return value;
  }
  return fail({
    code: 'DTYPE',
    kernel: where,
    problem: 'unknown dtype',
    expected: `one of ${DTYPES.join(', ')}`,
    received: String(value),
  });
}

/** The dtype of a typed array, by its constructor (a Uint8Array is uint8; bool is never inferred). */
export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Uint16Array) return 'uint16';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint32Array) return 'uint32';
  if (array instanceof BigInt64Array) return 'int64';
  return 'uint64';
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof Uint8ClampedArray);
}
