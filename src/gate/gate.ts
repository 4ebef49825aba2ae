/**
 * One `hotpath bench` run: load the data, time the kernel against the probe, judge the timings
 * against the last run of a saved history (`compare`), and append the run to a history file
 * (`save`). The CLI (src/cli/bench.ts) parses argv into these options and prints the result.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';
import { checkThreshold, type BootstrapOptions } from './bootstrap.js';
import { checkSameSetup, checkSameWork, compareTimings, type Comparison } from './compare.js';
import { BENCH_FORMAT, BENCH_VERSION, readBenchFile, type AttrValue, type BenchFile, type BenchRun, type MachineRecord } from './format.js';
import { measure } from './measure.js';
import { Probe, PROBE_KIND, type ProbeSpec } from './probe.js';
import type { UserKernel } from '../user/kernel.js';
import { backendsUsed, checkKernel, loadData, parallelismOf, workOf, type LoadedData } from './target.js';

export interface GateOptions extends BootstrapOptions {
  readonly kernel: string;
  readonly data: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** User kernels (e.g. from `--kernels FILE`): `kernel` may name one; it is loaded into the runtime. */
  readonly userKernels?: readonly UserKernel[];
  /** History file to judge against (its last run). */
  readonly compare?: string;
  /** History file to append this run to (created when absent). */
  readonly save?: string;
  /** Slowdown fraction that fails the gate (default 0.1). */
  readonly threshold?: number;
  /** At least this many rounds (see MeasureOptions for these four). */
  readonly rounds?: number;
  readonly maxRounds?: number;
  readonly precision?: number;
  readonly maxSeconds?: number;
  readonly warmup?: number;
  readonly warmupSeconds?: number;
  readonly minSeconds?: number;
  readonly backend?: string;
  readonly threads?: number;
  /** Test-only injected slowdown (see measure.ts). */
  readonly slowdown?: number;
  /** The run's date (default now). */
  readonly date?: Date;
}

export interface GateResult {
  readonly run: BenchRun;
  /** Present with `compare`. */
  readonly comparison?: Comparison;
  /** The base run judged against. */
  readonly base?: BenchRun;
  /** Runs in the saved history after this one was appended. */
  readonly savedRuns?: number;
}

/**
 * Measures, compares and saves as the options say.
 * @example const r = await runGate({ kernel: 'relu', data: ['x.npy'], attrs: {}, compare: 'base.json' }); r.comparison?.verdict
 * @throws ARGUMENT (unknown kernel, bad attributes or options, a base that measured something
 *   else), FORMAT (a bad history file or data file), IO, BACKEND, and the kernel's own errors
 */
export async function runGate(options: GateOptions): Promise<GateResult> {
  const user = checkKernel(options.kernel, options.userKernels);
  if (options.data.length === 0) {
    fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'no --data file', expected: 'one or more .npy / .npz files with the kernel inputs', received: 'none' });
  }
  const threshold = checkThreshold(options.threshold ?? 0.1);
  const baseFile = options.compare === undefined ? undefined : readBenchFile(options.compare);
  const history = options.save !== undefined && existsSync(options.save) ? readBenchFile(options.save) : undefined;
  const hp = await createRuntime({
    ...(options.backend === undefined ? {} : { backends: [options.backend], require: options.backend }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  const base = baseFile?.runs.at(-1);
  const last = history?.runs.at(-1);
  const reference = base ?? last;
  let probe: Probe | undefined;
  let loaded: LoadedData | undefined;
  try {
    loaded = loadData(hp, options.data);
    const { inputs, records } = loaded;
    // Refuse a base that measured other work before running anything.
    const work = { kernel: options.kernel, attrs: options.attrs, data: records };
    for (const [run, file] of [[base, options.compare], [last, options.save]] as const) {
      if (run !== undefined) {
        checkSameWork(run, work, file!);
      }
    }
    if (user !== undefined) {
      await hp.load(user);
    }
    const call = workOf(hp, options.kernel, inputs, options.attrs, user);
    const backend = backendsUsed(hp);
    const { threads, forkJoins } = parallelismOf(hp);
    // A base's probe is reused as it was (the yardstick must not change with the code measured).
    const segments = reference?.probe.segments ?? Math.max(1, forkJoins);
    const header = (spec: ProbeSpec): Omit<BenchRun, 'kernelMs' | 'probeMs' | 'warmup'> => ({
      date: (options.date ?? new Date()).toISOString(),
      ...work,
      machine: machineOf(backend, threads),
      probe: spec,
      ...(options.slowdown === undefined || options.slowdown === 0 ? {} : { injectedSlowdown: options.slowdown }),
    });
    const planned = header({ kind: PROBE_KIND, threads, iterationsPerThread: reference?.probe.iterationsPerThread ?? 0, segments });
    for (const [run, file] of [[base, options.compare], [last, options.save]] as const) {
      if (run !== undefined) {
        checkSameSetup(run, planned, file!);
      }
    }
    probe = new Probe(threads, segments);
    const m = measure(call, probe, {
      ...(options.rounds === undefined ? {} : { rounds: options.rounds }),
      ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
      ...(options.precision === undefined ? {} : { precision: options.precision }),
      ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }),
      ...(options.warmup === undefined ? {} : { warmup: options.warmup }),
      ...(options.warmupSeconds === undefined ? {} : { warmupSeconds: options.warmupSeconds }),
      ...(options.minSeconds === undefined ? {} : { minSeconds: options.minSeconds }),
      ...(reference === undefined ? {} : { probeIterations: reference.probe.iterationsPerThread }),
      ...(options.slowdown === undefined ? {} : { slowdown: options.slowdown }),
    });
    const run: BenchRun = { ...header({ kind: PROBE_KIND, threads, iterationsPerThread: m.probeIterations, segments }), warmup: m.warmup, kernelMs: m.kernelMs, probeMs: m.probeMs };
    const comparison = base === undefined ? undefined : compareTimings(base, run, threshold, options);
    const savedRuns = options.save === undefined ? undefined : saveRun(options.save, history, run);
    return { run, ...(comparison === undefined ? {} : { comparison, base }), ...(savedRuns === undefined ? {} : { savedRuns }) };
  } finally {
    loaded?.inputs.forEach((t) => t.release());
    await probe?.close();
    await hp.close();
  }
}

function machineOf(backend: string, threads: number): MachineRecord {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    backend,
    threads,
  };
}

/** Appends `run` and writes the file whole through a temporary (never a half-written history). @throws IO */
function saveRun(path: string, history: BenchFile | undefined, run: BenchRun): number {
  const file: BenchFile = { format: BENCH_FORMAT, version: BENCH_VERSION, runs: [...(history?.runs ?? []), run] };
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(file, null, 1)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    return fail({ code: 'IO', kernel: 'bench', problem: `cannot write '${path}'`, received: error instanceof Error ? error.message : String(error), cause: error });
  }
  return file.runs.length;
}
