/**
 * equal(a, b): a == b element-wise as bool (1/0), numpy broadcasting, any dtype including bool
 * (both the same). NaN equals nothing, itself included. Throws SHAPE, DTYPE.
 */
import { defineBinary } from './broadcast.js';
import { ANY } from './kernel.js';

export const equal = defineBinary('equal', { dtypes: ANY, output: 'bool' });
