/** Helpers for the .npy/.npz tests: fixtures written by numpy, temp files, hand-built headers. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, HotpathError, type DType, type Runtime } from '../src/index.js';

export const FIXTURES = new URL('./fixtures/npy/', import.meta.url).pathname;

/** numpy's view of one fixture, as scripts/make-npy-fixtures.py wrote it. */
export interface Expected {
  readonly descr: string;
  readonly shape: number[];
  readonly fortran_order: boolean;
  readonly values: (number | string)[];
}

export const DESCR_DTYPES: Readonly<Record<string, DType>> = {
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

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as Expected;
}

/** The JSON values as the elements a tensor of `dtype` holds: BigInt for 64-bit ints, specials decoded. */
export function elementsOf(values: readonly (number | string)[], dtype: DType): (number | bigint)[] {
  if (dtype === 'int64' || dtype === 'uint64') {
    return values.map((v) => BigInt(v));
  }
  return values.map((v) => (typeof v === 'number' ? v : Number(v)));
}

/** A fresh directory for files written by one test file. */
export function tempDir(): { path(name: string): string; write(name: string, bytes: Uint8Array): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-npy-'));
  return {
    path: (name) => join(dir, name),
    write(name, bytes) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface BuildOptions {
  readonly major?: number;
  readonly minor?: number;
  readonly magic?: readonly number[];
  /** Written in the length field instead of the real header length. */
  readonly headerLength?: number;
  /** Raw header bytes instead of the text (for invalid UTF-8). */
  readonly rawHeader?: Uint8Array;
}

/** The bytes of a .npy file with a hand-written header text, padded as numpy pads it. */
export function buildNpy(dict: string, data: Uint8Array = new Uint8Array(0), options: BuildOptions = {}): Uint8Array {
  const major = options.major ?? 1;
  const start = major === 1 ? 10 : 12;
  const text = dict + ' '.repeat((64 - ((start + dict.length + 1) % 64)) % 64) + '\n';
  const header = options.rawHeader ?? Buffer.from(text, major === 3 ? 'utf8' : 'latin1');
  const out = new Uint8Array(start + header.length + data.length);
  out.set(options.magic ?? [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 0);
  out[6] = major;
  out[7] = options.minor ?? 0;
  const view = new DataView(out.buffer);
  const length = options.headerLength ?? header.length;
  if (start === 10) {
    view.setUint16(8, length, true);
  } else {
    view.setUint32(8, length, true);
  }
  out.set(header, start);
  out.set(data, start + header.length);
  return out;
}

/** A header dict as numpy writes it. */
export function dict(descr: string, shape: string, fortran = 'False'): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
}

/** Runs `fn` with a fresh ref-only runtime and closes it afterwards. */
export async function withRuntime<T>(fn: (hp: Runtime) => T | Promise<T>, options: { heapBytes?: number } = {}): Promise<T> {
  const hp = await createRuntime({ backends: ['ref'], ...options });
  try {
    return await fn(hp);
  } finally {
    await hp.close();
  }
}

/** Asserts `fn` throws a HotpathError with `code` whose message matches every fragment. */
export function assertThrowsCode(fn: () => unknown, code: string, fragments: readonly (string | RegExp)[]): HotpathError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  return checkError(caught, code, fragments);
}

/** The async form of assertThrowsCode. */
export async function assertRejectsCode(fn: () => Promise<unknown>, code: string, fragments: readonly (string | RegExp)[]): Promise<HotpathError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  return checkError(caught, code, fragments);
}

function checkError(caught: unknown, code: string, fragments: readonly (string | RegExp)[]): HotpathError {
  assert.ok(caught instanceof HotpathError, `expected a HotpathError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const f of fragments) {
    if (typeof f === 'string') {
      assert.ok(caught.message.includes(f), `message lacks ${JSON.stringify(f)}: ${caught.message}`);
    } else {
      assert.match(caught.message, f);
    }
  }
  return caught;
}
