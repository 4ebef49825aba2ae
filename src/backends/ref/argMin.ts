import type { KernelImpl } from '../backend.js';
import type { ArgParams } from '../../kernels/arg.js';
import { argLines } from './arg.js';

export const argMinRef: KernelImpl<ArgParams> = (plan, inputs, outputs) => argLines('argMin', plan, inputs, outputs, false);
