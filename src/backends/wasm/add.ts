import type { BinaryParams } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { DType } from '../../tensor/dtype.js';
import { dtypeInfo } from '../../tensor/dtype.js';
import type { Inputs } from '../../kernels/kernel.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** Op codes of assembly/binary.ts (and binaryInt.ts for the integer ones). */
const OPS = { add: 0, mul: 1, sub: 2, div: 3, max: 4, min: 5, pow: 6 } as const;
export type BinaryName = keyof typeof OPS;

/** Integer dtypes by the type code of assembly/binaryInt.ts and compareInt (scalar loops). */
export const INT_TYPES: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
/** The ops binaryInt.ts implements; integer pow (exact wrapped powers) stays on ref. */
const INT_OPS: readonly BinaryName[] = ['add', 'mul', 'sub', 'div', 'max', 'min'];

function decline(name: BinaryName, plan: Plan<BinaryParams>, [a, b]: Inputs): true | string {
  const dtype = plan.outputs[0]!.dtype;
  if (a!.dtype !== b!.dtype) {
    return `wasm ${name} takes operands of one dtype; ${a!.describe()} and ${b!.describe()} run on ref`;
  }
  if (dtype === 'float32' || dtype === 'float64') {
    return true;
  }
  return INT_TYPES.includes(dtype) && INT_OPS.includes(name) ? true : `wasm ${name} runs float32, float64${INT_OPS.includes(name) ? ' and integers' : ''}; ${dtype} runs on ref`;
}

/**
 * The broadcasting binary kernels on wasm: float32 (f32x4) and float64 (f64x2) through
 * assembly/binary.ts, integers through binaryInt.ts, all split over the threads.
 */
export function binaryWasm(name: BinaryName): WasmImpl<BinaryParams> {
  return {
    supports(plan, inputs) {
      const dtypes = decline(name, plan, inputs);
      if (dtypes !== true) {
        return dtypes;
      }
      const { shape, a, b } = plan.params;
      return space(shape, [a.strides, b.strides]) === null ? layoutDecline(`wasm ${name} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [a, b], [c]) {
      const dtype = c!.dtype;
      const bytes = dtypeInfo(dtype).bytes;
      const float = dtype === 'float32' || dtype === 'float64';
      launch(ctx, {
        exportName: dtype === 'float32' ? 'binaryF32' : dtype === 'float64' ? 'binaryF64' : 'binaryInt',
        // binaryInt takes the type code after the op code.
        lead: float ? [OPS[name]] : [OPS[name], INT_TYPES.indexOf(dtype)],
        shape: plan.params.shape,
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
