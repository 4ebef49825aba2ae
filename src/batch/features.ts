/**
 * `batchFeatures`: speech features of many audio files, one shard per file, each written by a
 * worker as the .npy `hotpath features --out` would write (same reader, resampler and kernels:
 * computeFeatures in src/cli/features.ts). Files that fail (corrupt, unreadable) are named
 * after all the others have finished.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { Coordinator, shardsFailed, type CoordinatorOptions } from './coordinator.js';
import type { FeaturesShard } from './protocol.js';

export interface BatchFeaturesOptions extends CoordinatorOptions {
  /** Audio files: WAV, or .npy samples (then `rate` is needed). */
  readonly files: readonly string[];
  /** whisper-80, whisper-128 or kaldi-fbank. */
  readonly preset: string;
  readonly snipEdges?: boolean;
  /** Sample rate of .npy inputs, Hz. */
  readonly rate?: number;
  /** Folder for the outputs: <name of the input without its extension>.npy each. */
  readonly outDir: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BatchFeaturesResult {
  /** Per input file, the .npy written and its shape. */
  readonly outputs: readonly { readonly input: string; readonly out: string; readonly shape: readonly number[] }[];
  readonly duplicates: number;
  readonly ms: number;
}

const WHERE = 'batch features';

/**
 * Runs a features job on the workers of the queue.
 * @example await batchFeatures({ redis: 'redis://127.0.0.1:6379', files: ['a.wav', 'b.wav'], preset: 'whisper-80', outDir: 'mel' });
 * @throws ARGUMENT (no files, a bad rate, two inputs with the same output name), FORMAT / IO (a file failed
 *   after its retries, the others finished; all failed files are named), IO (Redis not answering)
 */
export async function batchFeatures(options: BatchFeaturesOptions): Promise<BatchFeaturesResult> {
  if (options.files.length === 0) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'no input files', expected: 'one or more audio files', received: '0 files' });
  }
  if (options.rate !== undefined && (!Number.isSafeInteger(options.rate) || options.rate < 1)) {
    fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'invalid rate', expected: 'a sample rate in Hz, an integer >= 1', received: String(options.rate) });
  }
  mkdirSync(options.outDir, { recursive: true });
  const outs = new Map<string, string>();
  const tasks: FeaturesShard[] = options.files.map((input) => {
    const out = path.resolve(options.outDir, `${path.basename(input, path.extname(input))}.npy`);
    const other = outs.get(out);
    if (other !== undefined) {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: `two inputs would write the same output '${out}'`, expected: 'inputs with different file names', received: `'${other}' and '${input}'`, hint: 'run them in separate jobs with different --out-dir' });
    }
    outs.set(out, input);
    return {
      kind: 'features',
      input: path.resolve(input),
      out,
      preset: options.preset,
      ...(options.snipEdges === undefined ? {} : { snipEdges: options.snipEdges }),
      ...(options.rate === undefined ? {} : { rate: options.rate }),
    };
  });
  const coordinator = await Coordinator.open(options);
  let done = 0;
  try {
    const outcome = await coordinator.round(0, tasks, () => options.onProgress?.(++done, tasks.length));
    if (outcome.failed.length > 0) {
      throw shardsFailed(WHERE, outcome.failed, (s) => `'${options.files[s]}'`, tasks.length);
    }
    const outputs = tasks.map((t, s) => ({ input: options.files[s]!, out: t.out, shape: (outcome.results[s] as { shape: number[] }).shape }));
    return { outputs, duplicates: outcome.duplicates, ms: outcome.ms };
  } finally {
    await coordinator.close();
  }
}
