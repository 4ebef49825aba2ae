/**
 * The saved file of `hotpath bench --save FILE`: a history of runs, each with everything needed
 * to judge a later run against it (kernel, attributes, the data's sha256 and shapes, machine,
 * probe) and the raw per-round timings, so plots and other statistics can be made from the file
 * alone. `--save` appends to `runs`; the format is versioned and stable:
 *
 *   { "format": "hotpath-bench", "version": 1, "runs": [BenchRun, ...] }   (oldest run first)
 *
 * Reading is strict (a hand-edited or truncated file is a FORMAT error naming the field), so a
 * gate never judges against garbage.
 */
import { readFileSync, statSync } from 'node:fs';
import { fail } from '../errors.js';
import type { ProbeSpec } from './probe.js';

export const BENCH_FORMAT = 'hotpath-bench';
export const BENCH_VERSION = 1;
/** Largest history file read, bytes (about 20 000 runs of 30 rounds). */
export const MAX_BENCH_FILE_BYTES = 64 * 1024 * 1024;

/** A JSON value, as attributes are written on the command line. */
export type AttrValue = string | number | boolean | null | AttrValue[];

/** One --data file: its bytes' sha256 and the arrays read from it (one for .npy; an .npz's in archive order). */
export interface DataRecord {
  readonly file: string;
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string;
  readonly arrays: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string }[];
}

export interface MachineRecord {
  /** os.cpus()[0].model. */
  readonly cpu: string;
  /** os.availableParallelism(). */
  readonly cores: number;
  /** process.version, e.g. 'v22.11.0'. */
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  /** The backends that ran the kernel's calls, comma-separated, e.g. 'wasm'. */
  readonly backend: string;
  /** Threads of the wasm backend (1 when it is not used). */
  readonly threads: number;
}

/** One `hotpath bench` run. Times in milliseconds. */
export interface BenchRun {
  /** ISO 8601, UTC. */
  readonly date: string;
  /** Kernel id: a built-in kernel or 'kmeans'. */
  readonly kernel: string;
  /** Attributes as given (keys sorted). */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly data: readonly DataRecord[];
  readonly machine: MachineRecord;
  readonly probe: ProbeSpec;
  /** Calls before the first round, not recorded. */
  readonly warmup: number;
  /** Per round: the kernel call's wall time. */
  readonly kernelMs: readonly number[];
  /** Per round: the probe's wall time, measured next to the kernel's (same length). */
  readonly probeMs: readonly number[];
  /** Present when the run was slowed on purpose (bench/gateAlarms.ts): the fraction added. */
  readonly injectedSlowdown?: number;
}

export interface BenchFile {
  readonly format: typeof BENCH_FORMAT;
  readonly version: typeof BENCH_VERSION;
  readonly runs: readonly BenchRun[];
}

/**
 * Reads and checks a history file.
 * @example readBenchFile('base.json').runs.at(-1)
 * @throws IO when it cannot be read; FORMAT when it is not a hotpath-bench file of this version
 */
export function readBenchFile(path: string): BenchFile {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_BENCH_FILE_BYTES) {
      return fail({ code: 'FORMAT', kernel: 'bench', problem: `'${path}' is too large for a bench history`, expected: `at most ${MAX_BENCH_FILE_BYTES} bytes`, received: `${size} bytes` });
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && !('kernel' in error)) {
      return fail({ code: 'IO', kernel: 'bench', problem: `cannot read '${path}'`, received: error.code, hint: 'give the file an earlier `hotpath bench --save` wrote', cause: error });
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail({ code: 'FORMAT', kernel: 'bench', problem: `'${path}' is not valid JSON`, received: error instanceof Error ? error.message : String(error), hint: 'a truncated or hand-edited file; save a new base' });
  }
  return checkFile(value, path);
}

/** Checks a parsed value against the format. @throws FORMAT naming the first bad field */
export function checkFile(value: unknown, path: string): BenchFile {
  const file = object(value, path, 'the file');
  if (file.format !== BENCH_FORMAT || file.version !== BENCH_VERSION) {
    bad(path, 'format/version', `"format": "${BENCH_FORMAT}", "version": ${BENCH_VERSION}`, `${short(file.format)} version ${short(file.version)}`);
  }
  if (!Array.isArray(file.runs) || file.runs.length === 0) {
    bad(path, 'runs', 'a non-empty array of runs', short(file.runs));
  }
  (file.runs as unknown[]).forEach((run, i) => checkRun(run, path, `runs[${i}]`));
  return value as BenchFile;
}

function checkRun(value: unknown, path: string, at: string): void {
  const run = object(value, path, at);
  text(run.date, path, `${at}.date`);
  text(run.kernel, path, `${at}.kernel`);
  const attrs = object(run.attrs, path, `${at}.attrs`);
  for (const [name, v] of Object.entries(attrs)) {
    attrValue(v, path, `${at}.attrs.${name}`, 0);
  }
  list(run.data, path, `${at}.data`, 1, 64).forEach((d, i) => {
    const where = `${at}.data[${i}]`;
    const data = object(d, path, where);
    text(data.file, path, `${where}.file`);
    if (typeof data.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(data.sha256)) {
      bad(path, `${where}.sha256`, '64 hex digits', short(data.sha256));
    }
    list(data.arrays, path, `${where}.arrays`, 1, 1024).forEach((a, j) => {
      const array = object(a, path, `${where}.arrays[${j}]`);
      text(array.name, path, `${where}.arrays[${j}].name`);
      text(array.dtype, path, `${where}.arrays[${j}].dtype`);
      list(array.shape, path, `${where}.arrays[${j}].shape`, 0, 32).forEach((n) => number(n, path, `${where}.arrays[${j}].shape`, true));
    });
  });
  const machine = object(run.machine, path, `${at}.machine`);
  for (const key of ['cpu', 'node', 'platform', 'arch', 'backend'] as const) {
    text(machine[key], path, `${at}.machine.${key}`);
  }
  number(machine.cores, path, `${at}.machine.cores`, true);
  number(machine.threads, path, `${at}.machine.threads`, true);
  const probe = object(run.probe, path, `${at}.probe`);
  if (probe.kind !== 'js-mix-v1' && probe.kind !== 'js-forkjoin-v2') {
    bad(path, `${at}.probe.kind`, "'js-forkjoin-v2' (or 'js-mix-v1' from older versions)", short(probe.kind));
  }
  number(probe.threads, path, `${at}.probe.threads`, true);
  number(probe.iterationsPerThread, path, `${at}.probe.iterationsPerThread`, true);
  if (probe.kind === 'js-forkjoin-v2') {
    number(probe.segments, path, `${at}.probe.segments`, true);
  }
  number(run.warmup, path, `${at}.warmup`, true);
  const kernelMs = list(run.kernelMs, path, `${at}.kernelMs`, 3, 100_000);
  const probeMs = list(run.probeMs, path, `${at}.probeMs`, 3, 100_000);
  kernelMs.forEach((t) => number(t, path, `${at}.kernelMs`, false));
  probeMs.forEach((t) => number(t, path, `${at}.probeMs`, false));
  if (kernelMs.length !== probeMs.length) {
    bad(path, `${at}.probeMs`, `${kernelMs.length} times, one per round as kernelMs`, `${probeMs.length}`);
  }
  if (run.injectedSlowdown !== undefined) {
    number(run.injectedSlowdown, path, `${at}.injectedSlowdown`, false);
  }
}

function object(value: unknown, path: string, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(path, at, 'an object', short(value));
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string, at: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    bad(path, at, `an array of ${min} to ${max} items`, Array.isArray(value) ? `${value.length} items` : short(value));
  }
  return value as unknown[];
}

function text(value: unknown, path: string, at: string): void {
  if (typeof value !== 'string' || value.length > 4096) {
    bad(path, at, 'a string', short(value));
  }
}

/** A finite number >= 0 (an integer when `integer`). */
function number(value: unknown, path: string, at: string, integer: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isSafeInteger(value))) {
    bad(path, at, integer ? 'an integer >= 0' : 'a finite number >= 0', short(value));
  }
}

function attrValue(value: unknown, path: string, at: string, depth: number): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
    return;
  }
  if (Array.isArray(value) && depth < 8) {
    value.forEach((v) => attrValue(v, path, at, depth + 1));
    return;
  }
  bad(path, at, 'a string, number, boolean, null or array of them', short(value));
}

function bad(path: string, at: string, expected: string, received: string): never {
  return fail({ code: 'FORMAT', kernel: 'bench', problem: `'${path}' is not a valid bench history: bad ${at}`, expected, received, hint: 'a file written by `hotpath bench --save`, unedited' });
}

/** A value for a message, at most 60 characters. */
function short(value: unknown): string {
  const s = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
