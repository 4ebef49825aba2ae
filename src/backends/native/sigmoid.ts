import { mapNative } from './map.js';

/** sigmoid on the native addon (float32, contiguous): map.ts. */
export const sigmoidNative = mapNative('sigmoid');
