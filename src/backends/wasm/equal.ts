import type { BinaryParams } from '../../kernels/broadcast.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';
import { INT_TYPES } from './add.js';

/** Op codes of assembly/compare.ts. */
const OPS = { equal: 0, less: 1, greater: 2 } as const;

/** equal, less, greater with bool out: float32 (SIMD) and float64, integers and bool (scalar). */
export function compareWasm(name: keyof typeof OPS): WasmImpl<BinaryParams> {
  return {
    supports(plan) {
      const { shape, a: av, b: bv } = plan.params;
      return space(shape, [av.strides, bv.strides]) === null ? layoutDecline(`wasm ${name} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [a, b], [c]) {
      const dtype = a!.dtype;
      const bytes = dtypeInfo(dtype).bytes;
      const float = dtype === 'float32' || dtype === 'float64';
      // bool compares as uint8 (its bytes are 0 or 1).
      const type = INT_TYPES.indexOf(dtype === 'bool' ? 'uint8' : dtype);
      launch(ctx, {
        exportName: dtype === 'float32' ? 'compareF32' : dtype === 'float64' ? 'compareF64' : 'compareInt',
        lead: float ? [OPS[name]] : [OPS[name], type],
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
