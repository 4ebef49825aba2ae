import type { KernelImpl } from '../backend.js';
import type { ArgParams } from '../../kernels/arg.js';
import { argLines } from './arg.js';

export const argMaxRef: KernelImpl<ArgParams> = (plan, inputs, outputs) => argLines('argMax', plan, inputs, outputs, true);
