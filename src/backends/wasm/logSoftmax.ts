import { softmaxWasm } from './softmax.js';

export const logSoftmaxImpl = softmaxWasm(true);
