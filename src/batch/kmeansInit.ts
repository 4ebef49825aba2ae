/**
 * Batch k-means' sampled inits, 'k-means++' and 'random', made by the coordinator as the
 * out-of-core fit makes them (src/kmeans/file.ts): over a uniform reservoir sample of
 * `sampleRows` rows (Algorithm R) drawn from the seeded generator before the init's own draws,
 * centred by the data's mean. The reservoir's draws depend only on n and the generator, so the
 * coordinator finds which rows a full pass would keep without reading the file
 * (reservoirRows), then reads just those rows. Same seed, same centres as `hp.kmeans(path, {
 * init, seed, sampleRows, nInit: 1 })`; when n <= sampleRows the sample is the data in order,
 * and the centres equal the in-memory fit's.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fail } from '../errors.js';
import { centreRows, negatedMean, type Rows } from '../kmeans/chunks.js';
import { sampleCentres } from '../kmeans/init.js';
import { firstNonFinite } from '../kmeans/options.js';
import { closePoints, openPoints, readRowsSync } from '../kmeans/pointsFile.js';
import { reservoirRows } from '../kmeans/reservoir.js';
import { createRuntime } from '../runtime/runtime.js';

const WHERE = 'batch kmeans';

/** What a sampled init needs besides the file. */
export interface SampledInit {
  readonly init: 'k-means++' | 'random';
  readonly k: number;
  readonly seed: number;
  readonly sampleRows: number;
}

/**
 * The initial centres in centred coordinates (float64 [k, d]).
 * @example const centres = await sampledCentres('x.npy', mean, { init: 'k-means++', k: 64, seed: 0, sampleRows: 65536 })
 * @throws IO, FORMAT (unreadable or cut file), ARGUMENT (NaN or Infinity in a sampled row)
 */
export async function sampledCentres(file: string, mean: Float64Array, how: SampledInit): Promise<Float64Array> {
  // One row per read at most; blockBytes only sizes a fit's blocks, unused here.
  const points = openPoints(file, 1);
  let sample: Rows;
  let m: number;
  const rng = xoroshiro128plus(how.seed);
  try {
    const { n, d, dtype } = points;
    const rows = reservoirRows(n, how.sampleRows, rng);
    m = rows.length;
    sample = dtype === 'float32' ? new Float32Array(m * d) : new Float64Array(m * d);
    // Read in file order, runs of consecutive rows at once, each into its slot.
    const order = Array.from(rows.keys()).sort((a, b) => rows[a]! - rows[b]!);
    for (let i = 0; i < m; ) {
      let run = 1;
      while (i + run < m && rows[order[i + run]!] === rows[order[i]!]! + run) {
        run++;
      }
      const values = readRowsSync(points, rows[order[i]!]!, run);
      for (let r = 0; r < run; r++) {
        sample.set(values.subarray(r * d, (r + 1) * d), order[i + r]! * d);
      }
      i += run;
    }
    centreRows(sample, m, negatedMean(mean, dtype));
    const bad = firstNonFinite(sample);
    if (bad >= 0) {
      const slot = Math.floor(bad / d);
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: `row ${rows[slot]} of '${file}' is not finite once centred`, expected: 'finite values', received: `${sample[bad]} in column ${bad % d}`, hint: 'clean the data first' });
    }
  } finally {
    closePoints(points);
  }
  const rt = await createRuntime();
  try {
    return sampleCentres(rt, sample, m, points.d, how.init, how.k, rng);
  } finally {
    await rt.close();
  }
}
