import type { BinaryParams } from '../../kernels/broadcast.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** Op codes of assembly/compare.ts. */
const OPS = { equal: 0, less: 1, greater: 2 } as const;

/** equal, less, greater on float32 (SIMD) and float64 operands, bool out; other dtypes run on ref. */
export function compareWasm(name: keyof typeof OPS): WasmImpl<BinaryParams> {
  return {
    supports(plan, [a]) {
      if (a!.dtype !== 'float32' && a!.dtype !== 'float64') {
        return `wasm ${name} compares float32 and float64; ${a!.dtype} runs on ref`;
      }
      const { shape, a: av, b: bv } = plan.params;
      return space(shape, [av.strides, bv.strides]) === null ? layoutDecline(`wasm ${name} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [a, b], [c]) {
      const bytes = a!.dtype === 'float32' ? 4 : 8;
      launch(ctx, {
        exportName: bytes === 4 ? 'compareF32' : 'compareF64',
        lead: [OPS[name]],
        shape: plan.params.shape,
        inputs: [
          { pointer: pointer(a!, plan.params.a), strides: plan.params.a.strides, bytes },
          { pointer: pointer(b!, plan.params.b), strides: plan.params.b.strides, bytes },
        ],
        output: { pointer: c!.storage.byteOffset, bytes: 1 },
      });
    },
  };
}

export const equalWasm = compareWasm('equal');
