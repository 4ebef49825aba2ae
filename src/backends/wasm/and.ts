import type { BinaryParams } from '../../kernels/broadcast.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** and / or of bool tensors: 16 bytes at a time in assembly/logic.ts, on every thread. */
export function logicWasm(name: 'and' | 'or'): WasmImpl<BinaryParams> {
  return {
    supports(plan) {
      const { shape, a, b } = plan.params;
      return space(shape, [a.strides, b.strides]) === null ? layoutDecline(`wasm ${name} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [a, b], [c]) {
      launch(ctx, {
        exportName: 'logic',
        lead: [name === 'and' ? 0 : 1],
        shape: plan.params.shape,
        inputs: [
          { pointer: pointer(a!, plan.params.a), strides: plan.params.a.strides, bytes: 1 },
          { pointer: pointer(b!, plan.params.b), strides: plan.params.b.strides, bytes: 1 },
        ],
        output: { pointer: c!.storage.byteOffset, bytes: 1 },
      });
    },
  };
}

export const andWasm = logicWasm('and');
