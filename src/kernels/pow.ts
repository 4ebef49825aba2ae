/**
 * pow(a, b) = a ** b element-wise with numpy broadcasting (ONNX Pow): the output has a's dtype;
 * the exponent b may be of any numeric dtype (pow(float32, int64) is float32, pow(int32, float32)
 * is int32, truncated toward zero as ONNX's reference does). Floats follow C's pow (pow(x, 0) = 1
 * even for NaN, a negative base to a non-integer power is NaN). Integer powers wrap modulo 2^bits;
 * a negative integer exponent gives 0 unless the base is 1 or -1. Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';
import { exactForIntegers } from './broadcast.js';
import { NUMERIC } from './kernel.js';

// Floats: both the reference (float64 Math.pow, one rounding) and wasm (float32 through a float64
// exp(b log a)) are within an ulp; 4 leaves room for the fixtures' own float32 powf.
const FLOAT: { kind: 'ulp'; ulp: number; floor: number } = { kind: 'ulp', ulp: 4, floor: 0 };

export const pow = defineBinary('pow', { exponent: NUMERIC, tolerance: FLOAT, toleranceFor: exactForIntegers(FLOAT), flops: 40 });
