import type { KernelImpl } from '../backend.js';
import type { AxisParams } from '../../kernels/softmax.js';
import { softmaxLines } from './softmax.js';

export const logSoftmaxRef: KernelImpl<AxisParams> = (plan, inputs, outputs) => softmaxLines('logSoftmax', plan, inputs, outputs, true);
