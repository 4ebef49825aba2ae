import type { KernelImpl } from '../backend.js';
import type { MatmulParams } from '../../kernels/matmul.js';
import { forEachElement } from '../../tensor/layout.js';

/** Triple loop per batch element, summed in float64. */
export const matmulRef: KernelImpl<MatmulParams> = (plan, [a, b], [c]) => {
  const { batch, m, n, k, a: av, b: bv, out } = plan.params;
  const A = a!.data('matmul');
  const B = b!.data('matmul');
  const C = c!.data('matmul');
  const r = batch.length;
  const [am, ak] = [av.strides[r]!, av.strides[r + 1]!];
  const [bk, bn] = [bv.strides[r]!, bv.strides[r + 1]!];
  const batchStrides = [av.strides.slice(0, r), bv.strides.slice(0, r), out.strides.slice(0, r)];
  forEachElement(batch, batchStrides, [av.offset, bv.offset, out.offset], ([ao, bo, co]) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += (A[ao! + i * am + p * ak] as number) * (B[bo! + p * bk + j * bn] as number);
        }
        C[co! + i * n + j] = sum;
      }
    }
  });
};
