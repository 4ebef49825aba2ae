import type { GeluParams } from '../../kernels/gelu.js';
import { unaryWasm } from './relu.js';

export const geluWasm = unaryWasm<GeluParams>('gelu', ['gelu', 'geluF64'], (plan) => [plan.params.approximate === 'tanh' ? 1 : 0]);
