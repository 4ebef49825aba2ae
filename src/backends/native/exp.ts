import { mapNative } from './map.js';

/** exp on the native addon (float32, contiguous): map.ts. */
export const expNative = mapNative('exp');
