import type { KernelImpl } from '../backend.js';
import type { HamerlyParams } from '../../kernels/hamerly.js';
import { lloydLoop } from './lloyd.js';

/** The spec ignores the hints: the full lloyd step, plus each point's exact bounds. */
export const hamerlyRef: KernelImpl<HamerlyParams> = (plan, [x, c, , , , w], [labels, sums, counts, bounds]) => {
  lloydLoop(plan.params, x!, c!, w, labels!, sums!, counts!, bounds!);
};
