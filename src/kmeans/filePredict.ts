/**
 * predict for the out-of-core fit: the nearest centroid of every row of another .npy file,
 * centred as the fitted data were, streamed block by block to an int32 .npy file.
 */
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { centreRows, chunkRows, chunkStep, type Rows } from './chunks.js';
import { ioReport, type IoReport } from './fileOptions.js';
import { NpyOut } from './npyOut.js';
import { blockBuffers, closePoints, eachBlock, openPoints } from './pointsFile.js';

export interface Fitted {
  readonly negated: Rows;
  /** Centred centroids [k, d], float64 (values of the data's dtype). */
  readonly centers: Float64Array;
  readonly k: number;
  readonly d: number;
  readonly dtype: 'float32' | 'float64';
  readonly blockBytes: number;
}

/** @throws what the fit throws for a file; DTYPE or SHAPE when the file does not match the fitted data */
export async function predictFile(rt: RuntimeCore, path: string, outPath: string, fitted: Fitted): Promise<{ path: string; rows: number; io: IoReport }> {
  const file = openPoints(path, fitted.blockBytes);
  try {
    if (file.dtype !== fitted.dtype || file.d !== fitted.d) {
      fail({ code: file.dtype !== fitted.dtype ? 'DTYPE' : 'SHAPE', kernel: 'kmeans.predict', problem: `'${path}' does not match the fitted data`, expected: `${fitted.dtype} [rows,${fitted.d}]`, received: `${file.dtype} [${file.n},${file.d}]` });
    }
    const out = new NpyOut(outPath, 'int32', file.n, 0);
    const buffers = blockBuffers(rt, file);
    const c = rt.tensor(fitted.dtype === 'float32' ? Float32Array.from(fitted.centers) : Float64Array.from(fitted.centers), [fitted.k, fitted.d], { name: 'kmeans centroids' });
    try {
      const size = chunkRows(file.d);
      const labels = new Int32Array(size);
      const io = await eachBlock(file, buffers, (block) => {
        centreRows(block.tensor.data('kmeans.predict') as Rows, block.rows, fitted.negated);
        for (let a = 0; a < block.rows; a += size) {
          const b = Math.min(block.rows, a + size);
          out.write(rt.scope(() => chunkStep(rt, block.tensor.slice([a, b]), c, undefined, labels)).labels);
        }
      });
      out.commit();
      return { path: outPath, rows: file.n, io: ioReport(io) };
    } catch (error) {
      out.abort();
      throw error;
    } finally {
      c.release();
      buffers[0].release();
      buffers[1].release();
    }
  } finally {
    closePoints(file);
  }
}
