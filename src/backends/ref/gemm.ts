import type { KernelImpl } from '../backend.js';
import type { GemmParams } from '../../kernels/gemm.js';

/** Y[i,j] = alpha * sum_p A[i,p] B[p,j] + beta * C[i,j], summed in float64. */
export const gemmRef: KernelImpl<GemmParams> = (plan, [a, b, c], [y]) => {
  const { m, n, k, alpha, beta, a: av, b: bv, c: cv } = plan.params;
  const A = a!.data('gemm');
  const B = b!.data('gemm');
  const C = cv === null ? undefined : c!.data('gemm');
  const Y = y!.data('gemm');
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum += (A[av.offset + i * av.strides[0]! + p * av.strides[1]!] as number) * (B[bv.offset + p * bv.strides[0]! + j * bv.strides[1]!] as number);
      }
      let value = alpha * sum;
      if (C !== undefined) {
        value += beta * (C[cv!.offset + i * cv!.strides[0]! + j * cv!.strides[1]!] as number);
      }
      Y[i * n + j] = value;
    }
  }
};
