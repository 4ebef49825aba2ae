import type { BinaryParams } from '../../kernels/broadcast.js';
import type { DType } from '../../tensor/dtype.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** Integer dtypes and float64 by the type code of assembly/binaryInt.ts (scalar loops). */
const INT_TYPES: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float64'];

/** add and mul: one 4-d strided loop in assembly/binary.ts (binaryInt.ts for integers), split by rows. */
export function binaryWasm(name: 'add' | 'mul'): WasmImpl<BinaryParams> {
  return {
    supports(plan, inputs) {
      const dtype = plan.outputs[0]!.dtype;
      if (dtype !== 'float32' && INT_TYPES.indexOf(dtype) < 0) {
        return float32Only(inputs);
      }
      const { shape, a, b } = plan.params;
      return space(shape, [a.strides, b.strides]) === null ? layoutDecline('wasm add/mul iterate at most 4 dims after merging; this view has more') : true;
    },
    run(ctx, plan, [a, b], [c]) {
      const { shape } = plan.params;
      const type = INT_TYPES.indexOf(c!.dtype);
      const bytes = dtypeInfo(c!.dtype).bytes;
      // Integers and float64 go through binaryInt (op code, type code first); float32 through add / mul.
      launch(ctx, {
        exportName: type < 0 ? name : 'binaryInt',
        lead: type < 0 ? [] : [name === 'add' ? 0 : 1, type],
        shape,
        inputs: [
          { pointer: pointer(a!, plan.params.a), strides: plan.params.a.strides, bytes },
          { pointer: pointer(b!, plan.params.b), strides: plan.params.b.strides, bytes },
        ],
        output: { pointer: c!.storage.byteOffset, bytes },
      });
    },
  };
}

export const addWasm = binaryWasm('add');
