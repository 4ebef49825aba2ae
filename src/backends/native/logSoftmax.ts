import { softmaxNative } from './softmax.js';

/** logSoftmax on the native addon: softmax.ts's walk with the log output. */
export const logSoftmaxImpl = softmaxNative(true);
