/**
 * Checks and constants shared by the spectral kernels (dft, stft, hannWindow, melWeightMatrix).
 */
import { fail } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tolerance } from './kernel.js';

/**
 * dft and stft: a float32 radix-2 FFT errs by about eps * log2(n) times the output's rms value;
 * 8 covers the gap between the worst element and the rms and the final rounding to the dtype.
 */
export const SPECTRAL_TOLERANCE: Tolerance = { kind: 'spectral', factor: 8 };

export type FloatDType = 'float32' | 'float64';

/** Throws DTYPE unless `value` is 'float32' or 'float64' (the output dtype of generators). */
export function floatDTypeAttr(kernel: string, value: unknown): FloatDType {
  if (value !== 'float32' && value !== 'float64') {
    return fail({ code: 'DTYPE', kernel, problem: 'invalid output dtype', expected: "'float32' or 'float64'", received: String(value) });
  }
  return value;
}

/**
 * Checks the trailing dim of a signal: 1 for real samples, 2 for complex ones stored as
 * interleaved (re, im). Returns true for complex. Throws SHAPE.
 */
export function isComplexSignal(kernel: string, name: string, t: Tensor): boolean {
  const last = t.shape[t.rank - 1];
  if (last !== 1 && last !== 2) {
    return fail({
      code: 'SHAPE',
      kernel,
      problem: `input '${name}' needs a trailing dim of 1 (real) or 2 (complex re, im)`,
      expected: 'a last dim of 1 or 2',
      received: t.describe(),
      hint: 'reshape real samples [..., n] to [..., n, 1]',
    });
  }
  return last === 2;
}

/** Throws ARGUMENT when a required attribute was left out (its default is undefined). */
export function requiredAttr<T>(kernel: string, name: string, value: T | undefined, expected: string): T {
  if (value === undefined) {
    return fail({ code: 'ARGUMENT', kernel, problem: `missing attribute '${name}'`, expected, received: 'undefined' });
  }
  return value;
}
