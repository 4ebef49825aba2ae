import type { Plan } from '../../kernels/kernel.js';
import type { UnaryParams } from '../../kernels/relu.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/**
 * A float32 element-wise kernel over a 4-d strided x and row-major y (relu, gelu): the export
 * takes `lead` arguments, then x, its 4 strides, y, d1, d2, d3 and a row range.
 */
export function unaryWasm<P extends UnaryParams>(kernel: string, exportName: string, lead: (plan: Plan<P>) => number[]): WasmImpl<P> {
  return {
    supports(plan, inputs) {
      const dtype = float32Only(inputs);
      if (dtype !== true) {
        return dtype;
      }
      return space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline(`wasm ${kernel} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [x], [y]) {
      launch(ctx, {
        exportName,
        lead: lead(plan),
        shape: plan.params.shape,
        inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes: 4 }],
        output: { pointer: y!.storage.byteOffset, bytes: 4 },
      });
    },
  };
}

export const reluWasm = unaryWasm<UnaryParams>('relu', 'relu', () => []);
