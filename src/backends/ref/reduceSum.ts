import type { KernelImpl } from '../backend.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { reduceLines } from './reduce.js';

export const reduceSumRef: KernelImpl<ReduceParams> = (plan, inputs, outputs) => reduceLines('reduceSum', plan, inputs, outputs, false);
