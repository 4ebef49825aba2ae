import type { KernelImpl } from '../backend.js';
import type { LayerNormParams } from '../../kernels/layerNorm.js';
import { eachOffset, forEachElement } from '../../tensor/layout.js';

/**
 * Per group: mean, then the population variance of (x - mean) (two passes, float64), then
 * y = (x - mean) * invStdDev * scale + bias.
 */
export const layerNormRef: KernelImpl<LayerNormParams> = (plan, [x, scale, bias], [y, mean, invStd]) => {
  const { axis, inner, epsilon, x: xv, scale: sv, bias: bv } = plan.params;
  const X = x!.data('layerNorm');
  const S = sv === null ? undefined : scale!.data('layerNorm');
  const B = bv === null ? undefined : bias!.data('layerNorm');
  const Y = y!.data('layerNorm');
  const M = mean!.data('layerNorm');
  const R = invStd!.data('layerNorm');
  const outerShape = xv.shape.slice(0, axis);
  const normShape = xv.shape.slice(axis);
  const normStrides = xv.strides.slice(axis);
  const values = new Float64Array(inner);
  const scaleAt: number[] = [];
  const biasAt: number[] = [];
  if (sv !== null) {
    eachOffset(normShape, sv.strides, sv.offset, (off) => scaleAt.push(S![off] as number));
  }
  if (bv !== null) {
    eachOffset(normShape, bv.strides, bv.offset, (off) => biasAt.push(B![off] as number));
  }
  let group = 0;
  forEachElement(outerShape, [xv.strides.slice(0, axis)], [xv.offset], ([base]) => {
    eachOffset(normShape, normStrides, base!, (off, j) => {
      values[j] = X[off] as number;
    });
    let sum = 0;
    for (const v of values) {
      sum += v;
    }
    const mu = sum / inner;
    let squares = 0;
    for (const v of values) {
      squares += (v - mu) * (v - mu);
    }
    const r = 1 / Math.sqrt(squares / inner + epsilon);
    for (let j = 0; j < inner; j++) {
      Y[group * inner + j] = (values[j]! - mu) * r * (scaleAt[j] ?? 1) + (biasAt[j] ?? 0);
    }
    M[group] = mu;
    R[group] = r;
    group++;
  });
};
