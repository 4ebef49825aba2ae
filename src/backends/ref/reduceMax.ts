import type { KernelImpl } from '../backend.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { extremeLines } from './extremum.js';

export const reduceMaxRef: KernelImpl<ReduceParams> = (plan, inputs, outputs) => extremeLines('reduceMax', plan, inputs, outputs, true);
