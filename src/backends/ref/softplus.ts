import { mapRef } from './unary.js';

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for x << 0.
export const softplusRef = mapRef<object>('softplus', (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
