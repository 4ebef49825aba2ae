/**
 * The out-of-core Lloyd step with Hamerly's hints, as the in-memory fit runs it: per row its
 * label and bounds [upper, lower] (float64) live in temporary files (20 bytes a row, against
 * the row's 4 d or 8 d), read and written chunk by chunk next to the data, and the hamerly
 * kernel skips the points whose bounds, widened by how far the centroids moved, prove their
 * label. Same labels, sums and counts as the lloyd step, bit for bit (the kernel's contract),
 * with memory still bounded by the blocks.
 */
import { tensorBytes } from '../io/npyData.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { addStep, chunkRows, emptyStep, type Rows } from './chunks.js';
import { centroidTensor, eachChunk, type RowStore, type Source } from './filePasses.js';
import { eachBlock, type PassIo } from './pointsFile.js';

/** How far each centroid moved from `before` to `after` (rounded up), as the in-memory hints record it. */
export function driftOf(before: Float64Array, after: Float64Array, k: number, d: number): Float64Array {
  const drift = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sq = 0;
    for (let p = 0; p < d; p++) {
      sq += (after[j * d + p]! - before[j * d + p]!) ** 2;
    }
    drift[j] = Math.sqrt(sq) * (1 + 1e-12);
  }
  return drift;
}

/** The hint tensors of one chunk, reused: previous labels, bounds, and the drift. */
function hintTensors(rt: RuntimeCore, rows: number, drift: Float64Array): [Tensor, Tensor, Tensor] {
  return rt.scope(() => [rt.zeros([rows], 'int32'), rt.empty([rows, 2], 'float64', { zero: false, name: 'hamerly bounds' }), rt.tensor(drift, [drift.length])]) as [Tensor, Tensor, Tensor];
}

/** One hamerly step over the file; `first`: no hints yet (every point is scored, every label counts as changed). */
export async function hamerlyPass(src: Source, negated: Rows, centers: Float64Array, k: number, labels: RowStore, bounds: RowStore, drift: Float64Array, first: boolean): Promise<{ sums: Float64Array; counts: Float64Array; changed: number; io: PassIo }> {
  const { rt, file } = src;
  const { d } = file;
  const total = emptyStep(k, d);
  let changed = 0;
  const c = centroidTensor(rt, centers, k, d, file.dtype);
  const [labelsIn, boundsIn, driftIn] = hintTensors(rt, Math.min(file.n, chunkRows(d)), drift);
  const negatedMean = rt.tensor(negated, [d], { name: 'kmeans negated mean' });
  try {
    if (first) {
      const b = boundsIn.data('kmeans') as Float64Array;
      for (let i = 0; i < b.length; i += 2) {
        b[i] = Infinity;
        b[i + 1] = 0;
      }
    }
    const io = await eachBlock(file, src.buffers, (block) => {
      eachChunk(block, d, (a, b) => {
        const rows = b - a;
        const start = block.start + a;
        rt.scope(() => {
          const lv = labelsIn.slice([0, rows]);
          const bv = boundsIn.slice([0, rows]);
          if (!first) {
            labels.readBytes(start, tensorBytes(lv, 'kmeans'));
            bounds.readBytes(start, tensorBytes(bv, 'kmeans'));
          }
          // Centred by the add kernel (threaded SIMD; the same bits as centreRows) into a chunk-sized
          // heap tensor: the JS loop took about 40% of an iteration at d = 32, k = 64.
          const centred = rt.run('add', [block.tensor.slice([a, b]), negatedMean])[0]!;
          const [l, sums, counts, bo] = rt.run('hamerly', [centred, c, lv, bv, driftIn]);
          addStep(total, { sums: sums!.data('kmeans') as Float64Array, counts: counts!.data('kmeans') as Float64Array });
          if (first) {
            changed += rows;
          } else {
            const before = (labelsIn.data('kmeans') as Int32Array).subarray(0, rows);
            const now = l!.data('kmeans') as Int32Array;
            for (let i = 0; i < rows; i++) {
              changed += now[i] !== before[i] ? 1 : 0;
            }
          }
          labels.writeBytes(start, tensorBytes(l!, 'kmeans'));
          bounds.writeBytes(start, tensorBytes(bo!, 'kmeans'));
        });
      });
    });
    return { sums: total.sums, counts: total.counts, changed, io };
  } finally {
    c.release();
    labelsIn.release();
    boundsIn.release();
    driftIn.release();
    negatedMean.release();
  }
}
