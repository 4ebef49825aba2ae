/**
 * pairwiseDistances on the native backend, float32 and float64: the addon's `pairwiseDistances`
 * (native/src/distances_pairwise.h) runs a register-blocked GEMM over packed panels of y. For
 * sqeuclidean and euclidean it centres both sets on the mean of the smaller one, computes
 * |x|^2 + |y|^2 - 2 x.y, and recomputes directly in float64 every entry where that form could
 * have cancelled, so points far from the origin keep their precision (as on wasm); cosine is
 * the GEMM of unit rows (a zero row at distance 1 from everything), dot the GEMM itself. Rows
 * split across the addon's threads. Any non-negative strides. manhattan (no GEMM form) is
 * declined: wasm runs it.
 */
import type { PairwiseDistancesParams } from '../../kernels/pairwiseDistances.js';
import type { ViewSpec } from '../../tensor/tensor.js';
import { layoutDecline } from '../wasm/context.js';
import { pointer } from '../wasm/shape.js';
import type { NativeImpl } from './context.js';

const MODE = { sqeuclidean: 0, euclidean: 1, cosine: 2, dot: 3 } as const;

const forwardStrides = (v: ViewSpec): boolean => v.strides.every((s) => s >= 0);

export const pairwiseDistancesNative: NativeImpl<PairwiseDistancesParams> = {
  supports(plan, inputs) {
    const other = inputs.find((t) => t !== undefined && t.dtype !== 'float32' && t.dtype !== 'float64');
    if (other !== undefined) {
      return `native pairwiseDistances runs float32 and float64; ${other.describe()} runs elsewhere`;
    }
    const { metric, x, y } = plan.params;
    if (!Object.hasOwn(MODE, metric)) {
      return `native pairwiseDistances runs ${Object.keys(MODE).join(', ')}; ${metric} runs elsewhere`;
    }
    return forwardStrides(x) && forwardStrides(y) ? true : layoutDecline('native pairwiseDistances needs non-negative strides');
  },
  run(ctx, plan, [x, y], [out]) {
    const { n, m, d, metric, x: xv, y: yv } = plan.params;
    const esize = x!.dtype === 'float64' ? 8 : 4;
    const threads = ctx.threadsFor((n * m * d) / 1024);
    const mode = MODE[metric as keyof typeof MODE];
    ctx.call('pairwiseDistances', esize, pointer(x!, xv), xv.strides[0]!, xv.strides[1]!, n, pointer(y!, yv), yv.strides[0]!, yv.strides[1]!, m, d, out!.storage.byteOffset, mode, threads);
  },
};
