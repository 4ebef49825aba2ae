/**
 * The .npy header: the 6-byte magic, a version, a little-endian header length (u16 for 1.0,
 * u32 for 2.0 and 3.0) and a Python dict literal with exactly 'descr', 'fortran_order' and
 * 'shape', padded with spaces and a final '\n'. Everything here works on bytes already read;
 * nothing touches files or tensors.
 */
import { fail } from '../errors.js';
import { formatShape } from '../tensor/layout.js';
import { dtypeInfo, type DType } from '../tensor/dtype.js';
import { describeLiteral, parsePyDict, type PyLiteral } from './pyLiteral.js';

const VERSIONS = ['1.0', '2.0', '3.0'] as const;
export type NpyVersion = (typeof VERSIONS)[number];

export interface NpyHeader {
  readonly version: NpyVersion;
  /** The descr as written, e.g. `<f4` or `|b1`. */
  readonly descr: string;
  readonly dtype: DType;
  /** The file's byte order differs from this machine's: swap each element after reading. */
  readonly swap: boolean;
  /** The descr is `b1`: one byte per boolean, read as dtype bool (0/1), numpy's meaning. */
  readonly bool: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Bytes from the start of the file to the first data byte. */
  readonly dataOffset: number;
  /** Elements, the product of the shape. */
  readonly size: number;
  /** Bytes of data the header promises: size * element bytes. */
  readonly dataBytes: number;
}

export interface HeaderOptions {
  /** Names the file in error messages. */
  readonly source?: string;
  /** The API name errors are reported under, e.g. `loadNpy`. */
  readonly where?: string;
  /** Longest header accepted, in bytes (numpy's own default limit is 10 000). */
  readonly maxHeaderBytes?: number;
}

export const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59);
/** Magic (6) + version (2) + the longest length field (4): enough to find the header's end. */
export const PREAMBLE_BYTES = 12;
export const DEFAULT_MAX_HEADER_BYTES = 10_000;
/** numpy >= 1.9 pads so data starts at a multiple of 64 bytes; older files used 16. */
const ALIGN = 64;

/** True on little-endian machines (every platform Node runs on today, but say why we swap). */
export const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const KINDS: Readonly<Record<string, DType>> = {
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};
const DESCR_NAMES: Readonly<Record<DType, string>> = {
  float32: 'f4',
  float64: 'f8',
  int8: 'i1',
  uint8: 'u1',
  int16: 'i2',
  uint16: 'u2',
  int32: 'i4',
  uint32: 'u4',
  int64: 'i8',
  uint64: 'u8',
  bool: 'b1',
};
const SUPPORTED = Object.keys(KINDS).join(', ');

export interface Preamble {
  readonly version: NpyVersion;
  /** Byte index where the dict text starts (10 for 1.0, 12 for 2.0 and 3.0). */
  readonly headerStart: number;
  /** Bytes of dict text, padding included. */
  readonly headerLength: number;
}

/**
 * Reads magic, version and header length from the first bytes of a file (at least 10 or 12).
 * @throws FORMAT for a bad magic, an unknown version, or a header longer than allowed
 */
export function parseNpyPreamble(bytes: Uint8Array, options: HeaderOptions = {}): Preamble {
  const bad: BadWithHint = (problem, expected, received, hint) =>
    fail({ code: 'FORMAT', kernel: options.where ?? 'parseNpyHeader', problem: `${quote(options.source)}${problem}`, expected, received, ...(hint === undefined ? {} : { hint }) });
  const head = bytes.subarray(0, MAGIC.length);
  if (head.length < MAGIC.length || !head.every((b, i) => b === MAGIC[i])) {
    // 'PK\x03\x04' starts every zip archive, and so every .npz (np.savez).
    const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
    const hint = zip ? 'this is a zip archive, as np.savez writes: read it with loadNpz() (hotpath kmeans: the .npz with --key NAME)' : 'a .npy file starts with \\x93NUMPY; was it written by numpy.save?';
    bad('is not a .npy file (bad magic)', 'the bytes \\x93NUMPY', showBytes(bytes.subarray(0, 8)), hint);
  }
  if (bytes.length < 8) {
    bad('ends inside the header', 'at least 10 bytes', `${bytes.length} bytes`);
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (minor !== 0 || major < 1 || major > 3) {
    bad('has an unsupported format version', 'version 1.0, 2.0 or 3.0', `${major}.${minor}`);
  }
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) {
    bad('ends inside the header', `at least ${headerStart} bytes`, `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerStart);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const limit = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (headerLength > limit) {
    bad('declares a header longer than allowed', `at most ${limit} bytes`, `${headerLength} bytes`, 'pass { maxHeaderBytes } if you trust this file');
  }
  return { version: VERSIONS[major - 1]!, headerStart, headerLength };
}

/**
 * Parses a complete .npy header (the bytes from the start of the file to at least the end of
 * the header). Never evaluates anything: the dict is read by a strict literal grammar.
 * @example parseNpyHeader(readFileSync('x.npy')).shape // [3, 4]
 * @throws FORMAT for anything numpy would not have written (see the checks below)
 */
export function parseNpyHeader(bytes: Uint8Array, options: HeaderOptions = {}): NpyHeader {
  const where = options.where ?? 'parseNpyHeader';
  const bad: Bad = (problem, expected, received) =>
    fail({ code: 'FORMAT', kernel: where, problem: `${quote(options.source)}${problem}`, expected, received });
  const { version, headerStart, headerLength } = parseNpyPreamble(bytes, options);
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    bad('ends inside the header', `at least ${dataOffset} bytes`, `${bytes.length} bytes`);
  }
  const text = decodeHeader(bytes.subarray(headerStart, dataOffset), version);
  if (text === undefined) {
    return bad('has a header that is not valid UTF-8', 'UTF-8 text (version 3.0)', 'invalid byte sequences');
  }
  const parsed = parsePyDict(text);
  if (!parsed.ok) {
    return bad('has a header that is not a Python dict literal', "{'descr': ..., 'fortran_order': ..., 'shape': (...)}", `${parsed.problem} at character ${parsed.at}`);
  }
  const entries = parsed.entries;
  const keys = [...entries.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    bad('has the wrong header keys', "exactly 'descr', 'fortran_order', 'shape'", keys.length === 0 ? 'none' : keys.map((k) => `'${k}'`).join(', '));
  }
  const order = entries.get('fortran_order')!;
  if (order.kind !== 'bool') {
    return bad("has a bad 'fortran_order'", 'True or False', describeLiteral(order));
  }
  const { descr, dtype, swap, bool } = resolveDescr(entries.get('descr')!, bad);
  const shape = resolveShape(entries.get('shape')!, bad);
  const size = checkedProduct(shape, bad);
  const dataBytes = checkedProduct([size, dtypeInfo(dtype).bytes], bad);
  return { version, descr, dtype, swap, bool, fortranOrder: order.value, shape, dataOffset, size, dataBytes };
}

/**
 * Checks the bytes after the header against what the header promises.
 * @throws FORMAT for truncated data (fewer bytes) and for trailing bytes (more)
 */
export function checkDataBytes(header: NpyHeader, available: number, options: HeaderOptions = {}): void {
  if (available === header.dataBytes) {
    return;
  }
  const shape = `${header.descr} ${formatShape(header.shape)}`;
  const short = available < header.dataBytes;
  const problem = short ? `has truncated data for ${shape}` : `has trailing bytes after the data of ${shape}`;
  const hint = short ? 'the file was cut short (an interrupted write or download?); write it again' : 'the header does not describe all of the file; it was not written by numpy.save';
  fail({ code: 'FORMAT', kernel: options.where ?? 'parseNpyHeader', problem: `${quote(options.source)}${problem}`, expected: `${header.dataBytes} bytes of data`, received: `${available} bytes`, hint });
}

/**
 * A little-endian (machine order) header for `dtype`/`shape`, padded so the data starts at a
 * multiple of 64 bytes: version 1.0, or 2.0 when the text needs more than 65535 bytes.
 * @example encodeNpyHeader('float32', [3, 4], false) // 128 bytes: \x93NUMPY\x01\x00v\x00{'descr': '<f4', ...
 */
export function encodeNpyHeader(dtype: DType, shape: readonly number[], fortranOrder: boolean): Uint8Array {
  const name = DESCR_NAMES[dtype];
  const order = dtypeInfo(dtype).bytes === 1 ? '|' : LITTLE_ENDIAN ? '<' : '>';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${order}${name}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${dims}, }`;
  let start = 10;
  let padded = pad(dict, start);
  if (padded.length > 0xffff) {
    start = 12;
    padded = pad(dict, start);
  }
  const out = new Uint8Array(start + padded.length);
  out.set(MAGIC, 0);
  out[6] = start === 10 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (start === 10) {
    view.setUint16(8, padded.length, true);
  } else {
    view.setUint32(8, padded.length, true);
  }
  // The header text is ASCII (descr names and digits), so one byte per character.
  for (let i = 0; i < padded.length; i++) {
    out[start + i] = padded.charCodeAt(i);
  }
  return out;
}

function pad(dict: string, start: number): string {
  const used = start + dict.length + 1;
  return dict + ' '.repeat((ALIGN - (used % ALIGN)) % ALIGN) + '\n';
}

type Bad = (problem: string, expected: string, received: string) => never;
type BadWithHint = (problem: string, expected: string, received: string, hint?: string) => never;

function resolveDescr(descr: PyLiteral, bad: Bad): { descr: string; dtype: DType; swap: boolean; bool: boolean } {
  if (descr.kind === 'list') {
    return bad('has a structured descr', `a simple descr: one of ${SUPPORTED}`, 'a list of fields (structured arrays are not supported)');
  }
  if (descr.kind !== 'str') {
    return bad("has a bad 'descr'", 'a string such as <f4', describeLiteral(descr));
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr.value);
  const code = m === null ? '' : `${m[2]}${m[3]}`;
  if (m?.[2] === 'O') {
    return bad('holds Python objects: pickled object arrays are refused', `a numeric descr: one of ${SUPPORTED}`, `'${descr.value}'`);
  }
  const dtype = KINDS[code];
  if (m === null || dtype === undefined) {
    return bad('has an unsupported descr', `one of ${SUPPORTED} (complex, string, datetime and float16 are not supported)`, `'${descr.value}'`);
  }
  const width = dtypeInfo(dtype).bytes;
  // '|' means "not applicable" and '=' native; both read as this machine's order.
  const little = m[1] === '<' || (m[1] !== '>' && LITTLE_ENDIAN);
  return { descr: descr.value, dtype, swap: width > 1 && little !== LITTLE_ENDIAN, bool: code === 'b1' };
}

function resolveShape(shape: PyLiteral, bad: Bad): number[] {
  if (shape.kind !== 'tuple') {
    return bad("has a bad 'shape'", 'a tuple of non-negative integers such as (3, 4)', describeLiteral(shape));
  }
  return shape.items.map((dim, axis) => {
    const n = dim.kind === 'number' && /^[0-9]+$/.test(dim.text) ? Number(dim.text) : -1;
    if (!Number.isSafeInteger(n) || n < 0) {
      bad(`has a bad dim ${axis} in shape ${describeLiteral(shape)}`, 'non-negative integers', describeLiteral(dim));
    }
    return n;
  });
}

/** Product of non-negative integers, refusing anything past 2^53 where doubles stop counting. */
function checkedProduct(factors: readonly number[], bad: Bad): number {
  let exact = 1n;
  for (const f of factors) {
    exact *= BigInt(f);
  }
  if (exact > BigInt(Number.MAX_SAFE_INTEGER)) {
    bad('has a shape whose size overflows', `a product of dims (times the element bytes) of at most 2^53 - 1`, `${factors.join(' * ')} = ${exact}`);
  }
  return Number(exact);
}

function decodeHeader(bytes: Uint8Array, version: NpyVersion): string | undefined {
  if (version !== '3.0') {
    // Versions 1.0 and 2.0 are latin1: one character per byte.
    let text = '';
    for (const b of bytes) {
      text += String.fromCharCode(b);
    }
    return text;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** `'path' ` for messages, or nothing when there is no file name. */
function quote(source: string | undefined): string {
  return source === undefined ? 'the data ' : `'${source}' `;
}

function showBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    return 'an empty file';
  }
  return `${[...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')} (${bytes.length === 8 ? 'first 8 bytes' : `${bytes.length} bytes`})`;
}
