import type { KernelImpl } from '../backend.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { reduceLines } from './reduce.js';

export const reduceMeanRef: KernelImpl<ReduceParams> = (plan, inputs, outputs) => reduceLines('reduceMean', plan, inputs, outputs, true);
