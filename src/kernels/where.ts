/**
 * where(cond, x, y): x where cond is true, else y, element-wise with numpy broadcasting of all
 * three (numpy.where, ONNX Where). cond is bool; x and y share any dtype, which the output has.
 * @example hp.where(hp.greater(a, b), a, b)
 * Throws SHAPE (no broadcast), DTYPE (cond not bool, x and y of different dtypes).
 */
import { dtypeInfo } from '../tensor/dtype.js';
import type { ViewSpec } from '../tensor/tensor.js';
import { broadcastAll, broadcastView, elementwiseCost } from './broadcast.js';
import { ANY, BOOL, defineKernel, sameDType } from './kernel.js';

export interface WhereParams {
  readonly shape: readonly number[];
  readonly cond: ViewSpec;
  readonly x: ViewSpec;
  readonly y: ViewSpec;
}

export const where = defineKernel<Record<string, never>, WhereParams>({
  name: 'where',
  inputs: [
    { name: 'cond', dtypes: BOOL },
    { name: 'x', dtypes: ANY },
    { name: 'y', dtypes: ANY },
  ],
  outputs: ['z'],
  defaults: {},
  // Selects elements; nothing is computed.
  tolerance: { kind: 'exact' },
  infer: ([cond, x, y]) => {
    const dtype = sameDType('where', [x, y]);
    const shape = broadcastAll('where', [cond!, x!, y!]);
    return {
      outputs: [{ shape, dtype }],
      params: { shape, cond: broadcastView(cond!, shape), x: broadcastView(x!, shape), y: broadcastView(y!, shape) },
    };
  },
  cost: (plan) => elementwiseCost(plan, 3, dtypeInfo(plan.outputs[0]!.dtype).bytes),
});
