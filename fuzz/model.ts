/**
 * Model-based API fuzzing of hotpath (issue 8, section 4): random sequences of tensor
 * creation, views, kernel calls on wasm and ref, releases and scopes (sync, async, overlapping
 * and nested async), checked after every command against a model of what is live and what each
 * tensor holds. Invariants: a released tensor or view throws LIFETIME and nothing else; a live
 * one gives the model's values; `memory()` always equals the model's count and returns to the
 * baseline once everything is released; nothing but coded HotpathErrors is thrown.
 *
 * Used by test/property/model.test.ts (10^4 sequences) and by the fuzz campaign:
 *   tsx fuzz/model.ts --runs 1000000 [--seed N] [--max-commands 30] [--size small|medium] [--parallel-threshold 0] [--lifetime-first] [--json]
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createRuntime } from '../src/index.js';
import { COMMANDS } from './model/commands.js';
import { ModelViolation, Tally } from './model/expect.js';
import { closeAll } from './model/scopes.js';
import { World } from './model/world.js';

export interface ModelRunOptions {
  /** Sequences to run. */
  readonly runs: number;
  /** fast-check seed; a run is reproducible from it (and the path printed on failure). */
  readonly seed: number;
  /** Commands per sequence at most (default 30). */
  readonly maxCommands?: number;
  /** fast-check's size of a sequence: 'small' (default, ~5 commands on average), 'medium' (~15), 'max'. */
  readonly size?: 'xsmall' | 'small' | 'medium' | 'large' | 'xlarge' | 'max';
  /** Worker threads of the runtime under test (default 2). */
  readonly threads?: number;
  /** The runtime's parallelThreshold; 0 sends every wasm call through the worker pool. */
  readonly parallelThreshold?: number;
  /**
   * A released tensor given a wrong argument must throw LIFETIME, not the argument's code
   * (default false: either is accepted; see fuzz/model/misuse.ts).
   */
  readonly lifetimeFirst?: boolean;
  /** Called every `progressEvery` sequences with the count so far. */
  readonly onProgress?: (sequences: number, commands: number) => void;
  readonly progressEvery?: number;
}

export interface ModelRunReport {
  readonly runs: number;
  readonly seed: number;
  /** Sequences executed, shrinking included. */
  readonly sequences: number;
  readonly commands: number;
  readonly seconds: number;
  /** Operation -> outcome ('ok' or the HotpathError code) -> count. */
  readonly outcomes: Record<string, Record<string, number>>;
  /** fast-check's report of the first violation (seed, path, shrunk commands), if any. */
  readonly failure?: string;
}

/**
 * Runs `runs` random command sequences against one runtime.
 * @example const report = await runModel({ runs: 10_000, seed: 8 }); assert.equal(report.failure, undefined);
 */
export async function runModel(options: ModelRunOptions): Promise<ModelRunReport> {
  const hp = await createRuntime({ threads: options.threads ?? 2, ...(options.parallelThreshold === undefined ? {} : { parallelThreshold: options.parallelThreshold }) });
  const tally = new Tally();
  let sequences = 0;
  let commands = 0;
  const every = options.progressEvery ?? 10_000;
  const start = performance.now();
  const property = fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: options.maxCommands ?? 30, size: options.size ?? 'small' }), async (cmds) => {
    const w = new World(hp, tally, options.lifetimeFirst ?? false);
    const list = [...cmds];
    await fc.asyncModelRun(() => ({ model: w, real: w }), list);
    commands += list.length;
    // Everything released: memory() is back at the baseline.
    await closeAll(w);
    for (const h of w.handles) {
      h.real.release();
      w.release(h);
    }
    w.verify('releasing everything');
    const end = hp.memory();
    if (end.tensors !== w.baseline.tensors || end.storages !== w.baseline.storages || end.bytes !== w.baseline.bytes) {
      throw new ModelViolation(`memory() ${JSON.stringify(end)} after releasing everything, baseline ${JSON.stringify(w.baseline)}`);
    }
    sequences++;
    if (options.onProgress !== undefined && sequences % every === 0) {
      options.onProgress(sequences, commands);
    }
  });
  try {
    const details = await fc.check(property, { numRuns: options.runs, seed: options.seed });
    return {
      runs: options.runs,
      seed: options.seed,
      sequences,
      commands,
      seconds: (performance.now() - start) / 1000,
      outcomes: tally.toJSON(),
      ...(details.failed ? { failure: `${fc.defaultReportMessage(details) ?? 'failed'}\n${describeError(details.errorInstance)}` } : {}),
    };
  } finally {
    await hp.close();
  }
}

function describeError(error: unknown): string {
  if (error instanceof ModelViolation) {
    return `ModelViolation: ${error.message}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10000' },
      seed: { type: 'string' },
      'max-commands': { type: 'string', default: '30' },
      'parallel-threshold': { type: 'string' },
      size: { type: 'string', default: 'small' },
      'lifetime-first': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Date.now() % 0x7fffffff : Number(values.seed);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write('usage: tsx fuzz/model.ts --runs N [--seed S] [--max-commands C] [--size small|medium|max] [--parallel-threshold T] [--lifetime-first] [--json]\n');
    return 2;
  }
  const threshold = values['parallel-threshold'];
  const report = await runModel({
    runs,
    seed,
    maxCommands: Number(values['max-commands']),
    size: values.size as ModelRunOptions['size'],
    lifetimeFirst: values['lifetime-first'],
    ...(threshold === undefined ? {} : { parallelThreshold: Number(threshold) }),
    onProgress: (n, c) => process.stderr.write(`model fuzz: ${n} sequences, ${c} commands\n`),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`model fuzz: ${report.sequences} sequences, ${report.commands} commands in ${report.seconds.toFixed(1)} s (${(report.sequences / report.seconds).toFixed(0)} sequences/s), seed ${report.seed}: ${report.failure === undefined ? 'no violation' : 'VIOLATION'}\n`);
    for (const [op, row] of Object.entries(report.outcomes)) {
      process.stdout.write(`  ${op}: ${Object.entries(row).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    }
    if (report.failure !== undefined) {
      process.stdout.write(`${report.failure}\n`);
    }
  }
  return report.failure === undefined ? 0 : 1;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
