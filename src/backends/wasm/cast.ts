import type { CastAttrs } from '../../kernels/cast.js';
import type { MapParams } from '../../kernels/broadcast.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** cast between float32 and float64 on wasm (SIMD, every thread); other conversions run on ref. */
export const castWasm: WasmImpl<MapParams<CastAttrs>> = {
  supports(plan, [x]) {
    const from = x!.dtype;
    const to = plan.params.attrs.to;
    const floats = (from === 'float32' && to === 'float64') || (from === 'float64' && to === 'float32');
    if (!floats) {
      return `wasm cast converts between float32 and float64; ${from} -> ${to} runs on ref`;
    }
    return space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline('wasm cast iterates at most 4 dims after merging; this view has more') : true;
  },
  run(ctx, plan, [x], [y]) {
    const toF64 = y!.dtype === 'float64';
    launch(ctx, {
      exportName: 'castFloat',
      lead: [toF64 ? 1 : 0],
      shape: plan.params.shape,
      inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes: toF64 ? 4 : 8 }],
      output: { pointer: y!.storage.byteOffset, bytes: toF64 ? 8 : 4 },
    });
  },
};
