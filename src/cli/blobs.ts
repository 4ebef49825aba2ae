/**
 * `hotpath blobs OUT.npy [--n N --d D --centers K --spread S --seed S] [--json]`: seeded test
 * data, generated straight into a heap tensor (so a request larger than the heap is refused with
 * MEMORY before anything is generated) and saved as float32 .npy.
 */
import { fillBlobs } from '../data/blobs.js';
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';

export interface BlobsCommandOptions {
  readonly n: string;
  readonly d: string;
  readonly centers: string;
  readonly spread: string;
  readonly seed: string;
  readonly json?: boolean;
}

function count(flag: string, value: string, min: number): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) {
    fail({ code: 'ARGUMENT', kernel: 'blobs', problem: `invalid ${flag}`, expected: `an integer >= ${min}`, received: value });
  }
  return parsed;
}

export async function blobsCommand(out: string, opts: BlobsCommandOptions): Promise<number> {
  const spread = Number(opts.spread);
  if (opts.spread.trim() === '' || !Number.isFinite(spread) || spread < 0) {
    fail({ code: 'ARGUMENT', kernel: 'blobs', problem: 'invalid --spread', expected: 'a number >= 0', received: opts.spread });
  }
  const n = count('--n', opts.n, 1);
  const d = count('--d', opts.d, 1);
  const centers = count('--centers', opts.centers, 1);
  const seed = count('--seed', opts.seed, 0);
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    // The heap checks the size (MEMORY) before the points are generated into it.
    const points = hp.empty([n, d], 'float32', { zero: false, name: 'blobs' });
    fillBlobs({ n, d, centers, spread, seed }, points.data('blobs') as Float32Array);
    const info = hp.save(out, points);
    points.release();
    const summary = { file: out, dtype: 'float32', shape: [n, d], bytes: info.bytes, centers, spread, seed };
    process.stdout.write(opts.json === true ? `${JSON.stringify(summary)}\n` : `wrote ${out}: float32[${n},${d}], ${info.bytes} bytes\n`);
    return 0;
  } finally {
    await hp.close();
  }
}
