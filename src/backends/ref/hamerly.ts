import type { KernelImpl } from '../backend.js';
import type { HamerlyParams } from '../../kernels/hamerly.js';
import { lloydLoop } from './lloyd.js';

/** The spec ignores the hints: the full lloyd step on x + offset, plus each point's exact bounds. */
export const hamerlyRef: KernelImpl<HamerlyParams> = (plan, [x, c, , , , w, offset], [labels, sums, counts, bounds]) => {
  const o = plan.params.offset;
  lloydLoop(plan.params, x!, c!, w, labels!, sums!, counts!, bounds!, o === null ? undefined : { tensor: offset!, view: o });
};
