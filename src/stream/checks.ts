/** Argument checks the stream classes share (each throws a HotpathError naming the API). */
import { fail } from '../errors.js';

/** Describes a value for an error message: its constructor name or typeof. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'object';
  }
  return typeof value;
}

/** Throws `DTYPE` unless `samples` is a Float32Array. */
export function checkSamples(samples: unknown, where: string): asserts samples is Float32Array {
  if (!(samples instanceof Float32Array)) {
    fail({
      code: 'DTYPE',
      kernel: where,
      problem: 'samples must be float32',
      expected: 'a Float32Array',
      received: describeValue(samples),
      hint: "decode PCM16 or bytes with PcmDecoder, or give frames() a { format }",
    });
  }
}

/** Throws `ARGUMENT` unless `n` is a non-negative safe integer. */
export function checkCount(n: unknown, where: string, name: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    fail({ code: 'ARGUMENT', kernel: where, problem: `${name} must be a non-negative integer`, expected: 'an integer >= 0', received: String(n) });
  }
}

/** Throws `ARGUMENT` unless `n` is a positive safe integer. */
export function checkPositive(n: unknown, where: string, name: string, unit: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    fail({ code: 'ARGUMENT', kernel: where, problem: `${name} must be a positive integer (${unit})`, expected: 'an integer >= 1', received: String(n) });
  }
}
