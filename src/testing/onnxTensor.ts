/**
 * Decodes one serialized `onnx.TensorProto` (an ONNX node test's `input_N.pb` / `output_N.pb`)
 * into a dtype, dims and a typed array in fresh memory. The bytes are parsed by onnx-proto
 * (protobufjs with the ONNX schema); this file only checks and converts what it returns.
 */
import onnxProto from 'onnx-proto';
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/layout.js';

const { onnx } = onnxProto;

/** A decoded tensor, row-major (C order) as ONNX stores it. */
export interface OnnxTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

/** protobufjs gives 64-bit integers as `Long` objects when the `long` package is present, else numbers. */
export type LongLike = number | { toNumber(): number; toString(): string };

/** ONNX `TensorProto.DataType` codes that map to a hotpath dtype. */
const DTYPE_OF_CODE: Readonly<Record<number, DType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

/** Names of every ONNX data type code, for error messages. */
const CODE_NAMES: readonly string[] = [
  'UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL',
  'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16',
];

const SUPPORTED = Object.entries(DTYPE_OF_CODE).map(([code, dtype]) => `${CODE_NAMES[Number(code)]} (${dtype})`).join(', ');

/**
 * The hotpath dtype of an ONNX data type code (e.g. the `output_datatype` attribute).
 * @example dtypeOfOnnxCode(1, 'model.onnx') // 'float32'
 * @throws FORMAT for codes hotpath has no dtype for (BOOL, FLOAT16, STRING, ...)
 */
export function dtypeOfOnnxCode(code: number, where: string): DType {
  const dtype = DTYPE_OF_CODE[code];
  if (dtype === undefined) {
    const name = CODE_NAMES[code] ?? 'unknown';
    return fail({ code: 'FORMAT', kernel: where, problem: 'unsupported data_type', expected: `one of ${SUPPORTED}`, received: `${name} (${code})`, hint: 'hotpath reads float32/float64, bool and the 8- to 64-bit integer types only' });
  }
  return dtype;
}

/** A protobuf int64 as a safe JS integer. Throws FORMAT when it does not fit. */
export function longToNumber(value: LongLike, where: string, what: string): number {
  const n = typeof value === 'number' ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) {
    return fail({ code: 'FORMAT', kernel: where, problem: `${what} is out of range`, expected: 'a safe integer (|n| < 2^53)', received: String(value) });
  }
  return n;
}

function longToBigInt(value: LongLike): bigint {
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toString());
}

/**
 * Decodes a serialized TensorProto. `where` names the file in error messages.
 * @example const t = decodeTensor(readFileSync('input_0.pb'), 'input_0.pb'); t.dims // [3, 4, 5]
 * @throws FORMAT for bytes that do not decode, negative dims, unsupported data types,
 *   external data, and data whose length does not match the dims
 */
export function decodeTensor(bytes: Uint8Array, where: string): OnnxTensor {
  let proto: InstanceType<typeof onnx.TensorProto>;
  try {
    proto = onnx.TensorProto.decode(bytes);
  } catch (error) {
    return fail({ code: 'FORMAT', kernel: where, problem: 'not a valid TensorProto', expected: 'a serialized onnx.TensorProto', received: `${bytes.length} bytes that do not decode (${error instanceof Error ? error.message : String(error)})`, hint: 'the file is truncated or corrupt' });
  }
  if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || proto.externalData.length > 0) {
    fail({ code: 'FORMAT', kernel: where, problem: 'tensor data is stored externally', expected: 'data inside the .pb file', received: 'external_data / data_location=EXTERNAL', hint: 'load the model with its data files and save it with all tensors inline' });
  }
  const dims = proto.dims.map((d, i) => longToNumber(d, where, `dims[${i}]`));
  if (dims.some((d) => d < 0)) {
    fail({ code: 'FORMAT', kernel: where, problem: 'negative dimension', expected: 'dims >= 0', received: formatShape(dims), hint: 'the file is corrupt' });
  }
  const dtype = dtypeOfOnnxCode(proto.dataType, where);
  const count = dims.reduce((p, d) => p * d, 1);
  if (!Number.isSafeInteger(count)) {
    fail({ code: 'FORMAT', kernel: where, problem: 'element count is too large', expected: 'a product of dims below 2^53', received: formatShape(dims) });
  }
  const data = proto.rawData.length > 0 ? fromRaw(proto.rawData, dtype, dims, count, where) : fromFields(proto, dtype, dims, count, where);
  return { name: proto.name, dtype, dims, data };
}

/**
 * raw_data is the little-endian byte image; it can start at any offset inside the file, so it is
 * copied into a fresh ArrayBuffer before it is viewed as a typed array. (Every platform Node
 * runs hotpath on is little-endian, so the bytes are used as they are.)
 */
function fromRaw(raw: Uint8Array, dtype: DType, dims: readonly number[], count: number, where: string): TypedArray {
  const info = dtypeInfo(dtype);
  const expectedBytes = count * info.bytes;
  if (raw.length !== expectedBytes) {
    fail({ code: 'FORMAT', kernel: where, problem: 'raw_data length does not match dims', expected: `${expectedBytes} bytes (${count} x ${dtype} for ${formatShape(dims)})`, received: `${raw.length} bytes`, hint: 'the file is truncated or corrupt' });
  }
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  if (dtype === 'bool') {
    // A hostile file may hold any byte in a BOOL tensor; read non-zero as true, as numpy does.
    copy.forEach((v, i) => {
      copy[i] = v === 0 ? 0 : 1;
    });
  }
  return info.create(copy.buffer, 0, count);
}

/** The typed repeated fields ONNX uses when raw_data is absent. */
function fromFields(proto: InstanceType<typeof onnx.TensorProto>, dtype: DType, dims: readonly number[], count: number, where: string): TypedArray {
  const info = dtypeInfo(dtype);
  const field = fieldFor(dtype);
  const values: readonly LongLike[] = proto[field];
  // Checked before allocating: dims alone (a few bytes) can promise any element count.
  if (values.length !== count) {
    fail({ code: 'FORMAT', kernel: where, problem: `${FIELD_NAMES[field]} length does not match dims`, expected: `${count} elements for ${formatShape(dims)}`, received: `${values.length} elements`, hint: 'the file is truncated or corrupt' });
  }
  const out = info.create(new ArrayBuffer(count * info.bytes), 0, count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    const n = info.bigint ? longToBigInt(v) : typeof v === 'number' ? v : v.toNumber();
    out[i] = dtype === 'bool' ? (n === 0 ? 0 : 1) : n;
  }
  return out;
}

type DataField = 'floatData' | 'doubleData' | 'int32Data' | 'int64Data' | 'uint64Data';

/** Which repeated field holds each dtype (int32_data also carries bool and the 8- and 16-bit types). */
function fieldFor(dtype: DType): DataField {
  switch (dtype) {
    case 'float32':
      return 'floatData';
    case 'float64':
      return 'doubleData';
    case 'int64':
      return 'int64Data';
    case 'uint32':
    case 'uint64':
      return 'uint64Data';
    default:
      return 'int32Data';
  }
}

const FIELD_NAMES: Readonly<Record<DataField, string>> = {
  floatData: 'float_data',
  doubleData: 'double_data',
  int32Data: 'int32_data',
  int64Data: 'int64_data',
  uint64Data: 'uint64_data',
};
