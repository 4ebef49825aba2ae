/**
 * The glue of the element-wise unary kernels (exp, tanh, leakyRelu, clip, ...): float32 and
 * float64 run the vector loops of assembly/map.ts on every thread; other dtypes are declined
 * with the reason and run on ref (counted as fallbacks).
 */
import type { MapParams } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import { layoutDecline, type WasmImpl } from './context.js';
import { launch, space } from './elementwise.js';
import { pointer } from './shape.js';

/** Op codes of assembly/map.ts. */
export const MAP_OPS = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  reciprocal: 3,
  floor: 4,
  ceil: 5,
  round: 6,
  sign: 7,
  exp: 8,
  log: 9,
  tanh: 10,
  sigmoid: 11,
  sin: 12,
  cos: 13,
  softplus: 14,
  leakyRelu: 15,
  elu: 16,
  selu: 17,
  hardSigmoid: 18,
  clip: 19,
  erf: 20,
} as const;

/** Kernels whose float32 version is an export of its own, `${kernel}F32`, taking no lead. */
const OWN_F32: ReadonlySet<keyof typeof MAP_OPS> = new Set(['exp', 'tanh', 'sigmoid']);

/**
 * A unary kernel on wasm: `params` gives the export's two float parameters (alpha, min, ...).
 * @example export const eluWasm = mapWasm<EluAttrs>('elu', (p) => [p.attrs.alpha, 0]);
 */
export function mapWasm<A>(kernel: keyof typeof MAP_OPS, params: (p: MapParams<A>) => [number, number] = () => [0, 0]): WasmImpl<MapParams<A>> {
  return {
    supports(plan: Plan<MapParams<A>>) {
      const dtype = plan.outputs[0]!.dtype;
      if (dtype !== 'float32' && dtype !== 'float64') {
        return `wasm ${kernel} runs float32 and float64; ${dtype} runs on ref`;
      }
      return space(plan.params.shape, [plan.params.x.strides]) === null ? layoutDecline(`wasm ${kernel} iterates at most 4 dims after merging; this view has more`) : true;
    },
    run(ctx, plan, [x], [y]) {
      const bytes = y!.dtype === 'float32' ? 4 : 8;
      // float32 exp, tanh and sigmoid have exports of their own (assembly/mapTranscendental.ts).
      const own = bytes === 4 && OWN_F32.has(kernel);
      launch(ctx, {
        exportName: own ? `${kernel}F32` : bytes === 4 ? 'mapF32' : 'mapF64',
        lead: own ? [] : [MAP_OPS[kernel], ...params(plan.params)],
        shape: plan.params.shape,
        inputs: [{ pointer: pointer(x!, plan.params.x), strides: plan.params.x.strides, bytes }],
        output: { pointer: y!.storage.byteOffset, bytes },
      });
    },
  };
}
