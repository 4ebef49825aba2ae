import type { KernelImpl } from '../backend.js';
import type { ReduceParams } from '../../kernels/reduce.js';
import { extremeLines } from './extremum.js';

export const reduceMinRef: KernelImpl<ReduceParams> = (plan, inputs, outputs) => extremeLines('reduceMin', plan, inputs, outputs, false);
