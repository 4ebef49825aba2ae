import type { ClipAttrs } from '../../kernels/clip.js';
import type { MapParams } from '../../kernels/broadcast.js';
import { dtypeInfo, type DType } from '../../tensor/dtype.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { mapWasm } from './map.js';
import { pointer } from './shape.js';

/** 8- to 32-bit integers by the type code of assembly/map.ts's clipInt. */
const INTS: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32'];
const floats = mapWasm<ClipAttrs>('clip', (p) => [p.attrs.min, p.attrs.max]);

/** clip: floats in map.ts's vector loop, 8- to 32-bit integers in clipInt (scalar); int64 runs on ref. */
export const clipWasm: WasmImpl<MapParams<ClipAttrs>> = {
  supports(plan, inputs) {
    const dtype = plan.outputs[0]!.dtype;
    if (!INTS.includes(dtype)) {
      return floats.supports(plan, inputs);
    }
    const { min, max } = plan.params.attrs;
    if (min === Infinity || max === -Infinity) {
      return `wasm clip of ${dtype} takes finite bounds or an open side; min ${min}, max ${max} run on ref`;
    }
    return space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline('wasm clip iterates at most 4 dims after merging; this view has more') : true;
  },
  run(ctx, plan, inputs, outputs) {
    const dtype = outputs[0]!.dtype;
    if (!INTS.includes(dtype)) {
      floats.run(ctx, plan, inputs, outputs);
      return;
    }
    const bytes = dtypeInfo(dtype).bytes;
    launch(ctx, {
      exportName: 'clipInt',
      lead: [INTS.indexOf(dtype), plan.params.attrs.min, plan.params.attrs.max],
      shape: plan.params.shape,
      inputs: [{ pointer: pointer(inputs[0]!, plan.params.x), strides: plan.params.x.strides, bytes }],
      output: { pointer: outputs[0]!.storage.byteOffset, bytes },
    });
  },
};
