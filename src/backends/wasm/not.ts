import type { MapParams } from '../../kernels/broadcast.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** not of a bool tensor: 16 bytes at a time in assembly/logic.ts, on every thread. */
export const notWasm: WasmImpl<MapParams<object>> = {
  supports: (plan) => (space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline('wasm not iterates at most 4 dims after merging; this view has more') : true),
  run(ctx, plan, [x], [y]) {
    launch(ctx, {
      exportName: 'not',
      lead: [],
      shape: plan.params.shape,
      inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes: 1 }],
      output: { pointer: y!.storage.byteOffset, bytes: 1 },
    });
  },
};
