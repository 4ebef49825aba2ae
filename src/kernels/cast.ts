/**
 * cast(x, { to }): the elements of x converted to dtype `to` (ONNX Cast, numpy `astype`; also
 * `tensor.astype(to)`). float -> int truncates toward zero and wraps modulo 2^bits like a C cast
 * on today's machines, with NaN and +-Infinity giving 0; anything -> bool is `x != 0` (NaN is
 * true, as in numpy); bool -> number is 0 or 1; float64 -> float32 rounds to nearest even;
 * int64 -> float rounds to nearest.
 * @example hp.cast(x, { to: 'float64' })
 * Throws DTYPE (unknown `to`).
 */
import { parseDType, type DType } from '../tensor/dtype.js';
import { defineUnary } from './broadcast.js';
import { ANY } from './kernel.js';

export interface CastAttrs {
  to?: DType;
}

export const cast = defineUnary<CastAttrs>('cast', {
  dtypes: ANY,
  defaults: { to: 'float32' },
  // One conversion of each element, which every backend rounds the same way.
  tolerance: { kind: 'exact' },
  check: (attrs) => {
    parseDType(attrs.to, 'cast');
  },
  output: (_x, attrs) => attrs.to,
  flops: 1,
});
