/**
 * less(a, b): a < b element-wise as bool (1/0), numpy broadcasting, any numeric dtype (both the
 * same). Comparisons with NaN are false. Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';

export const less = defineBinary('less', { output: 'bool' });
