/**
 * The value logic of the numpy constructors (full, linspace); the runtime methods in
 * shapeOps.ts allocate the tensors. Pure: no runtime state here.
 */
import { fail } from '../errors.js';
import { dtypeInfo, type DType, type TypedArray } from '../tensor/dtype.js';

/**
 * The element `value` becomes in `dtype`: a BigInt for 64-bit integers; for integer dtypes it
 * must be an integer in range (numpy would truncate or wrap; here that is an error).
 * @throws ARGUMENT
 */
export function fillValue(value: unknown, dtype: DType, where: string): number | bigint {
  const info = dtypeInfo(dtype);
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    return fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid fill value', expected: 'a number or bigint', received: String(value) });
  }
  if (info.float) {
    return Number(value);
  }
  const bits = BigInt(info.bytes * 8);
  const signed = !dtype.startsWith('u');
  const lowest = signed ? -(1n << (bits - 1n)) : 0n;
  const highest = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const whole = typeof value === 'bigint' || Number.isInteger(value);
  if (!whole || BigInt(value) < lowest || BigInt(value) > highest) {
    return fail({ code: 'ARGUMENT', kernel: where, problem: `fill value does not fit ${dtype}`, expected: `an integer in [${lowest}, ${highest}]`, received: String(value) });
  }
  return info.bigint ? BigInt(value) : Number(value);
}

/** Writes numpy's linspace into `out`: start + i * step, with the exact `stop` last when `endpoint`. */
export function fillLinspace(out: TypedArray, start: number, stop: number, endpoint: boolean): void {
  const num = out.length;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < num; i++) {
    const v = endpoint && num > 1 && i === num - 1 ? stop : start + i * step;
    // Integer dtypes truncate toward zero, as numpy's astype does.
    out[i] = big ? BigInt(Math.trunc(v)) : v;
  }
}
