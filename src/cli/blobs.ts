/** `hotpath blobs OUT.npy [--n N --d D --centers K --spread S --seed S]`: seeded test data. */
import { makeBlobs } from '../data/blobs.js';
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';

export interface BlobsCommandOptions {
  readonly n: string;
  readonly d: string;
  readonly centers: string;
  readonly spread: string;
  readonly seed: string;
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
  const blobs = makeBlobs({ n, d, centers: count('--centers', opts.centers, 1), spread, seed: count('--seed', opts.seed, 0) });
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    const points = hp.tensor(blobs.points, [n, d]);
    const info = hp.save(out, points);
    process.stdout.write(`wrote ${out}: float32[${n},${d}], ${info.bytes} bytes\n`);
    return 0;
  } finally {
    await hp.close();
  }
}
