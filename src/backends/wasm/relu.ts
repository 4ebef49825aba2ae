import type { Plan } from '../../kernels/kernel.js';
import type { UnaryParams } from '../../kernels/relu.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/**
 * A float element-wise kernel over a 4-d strided x and row-major y (relu, gelu): the export
 * (`exports[0]` for float32, `exports[1]` for float64) takes `lead` arguments, then x, its 4
 * strides, y, d1, d2, d3 and a row range. Other dtypes run on ref.
 */
export function unaryWasm<P extends UnaryParams>(kernel: string, exports: readonly [string, string], lead: (plan: Plan<P>, float64: boolean) => number[]): WasmImpl<P> {
  return {
    supports(plan) {
      const dtype = plan.outputs[0]!.dtype;
      if (dtype !== 'float32' && dtype !== 'float64') {
        return `wasm ${kernel} runs float32 and float64; ${dtype} runs on ref`;
      }
      return space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline(`wasm ${kernel} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [x], [y]) {
      const float64 = y!.dtype === 'float64';
      const bytes = float64 ? 8 : 4;
      launch(ctx, {
        exportName: exports[float64 ? 1 : 0],
        lead: lead(plan, float64),
        shape: plan.params.shape,
        inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes }],
        output: { pointer: y!.storage.byteOffset, bytes },
      });
    },
  };
}

// float64 relu is clip(x, 0, Infinity) in assembly/map.ts (op 19): max(x, 0) keeps NaN, as relu.
export const reluWasm = unaryWasm<UnaryParams>('relu', ['relu', 'mapF64'], (_plan, float64) => (float64 ? [19, 0, Infinity] : []));
