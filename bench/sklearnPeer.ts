/**
 * scikit-learn as a peer of the kmeans and distances workloads, numpy (`a @ b`) of matmul: the inputs are written to
 * temporary .npy files, bench/sklearn_peer.py (the system's /usr/bin/python3, with numpy and
 * scikit-learn from the distribution) times the call inside Python (time.perf_counter, warm-up
 * then repeats, the median) and prints JSON, which becomes one row of the case's table with its
 * ratio against the case's baseline. It runs after the Node contenders of the case, on the same
 * inputs, not interleaved with them (the Node contenders are idle meanwhile). A missing python3,
 * numpy or scikit-learn is a skipped row with the reason; any other problem a failed row.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { errorText, rateOf, type Row, type Work } from './harness.js';

export const SKLEARN = 'scikit-learn';
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sklearn_peer.py');
/** The script's exit status when numpy or scikit-learn cannot be imported. */
const EXIT_MISSING = 3;
/** Samples whose slowest is over this multiple of the fastest get a note: the machine was busy during them. */
const SPREAD = 2;
/** .npy preamble (magic, version, header length, header) is padded to a multiple of this (bytes). */
const NPY_ALIGN = 64;

/**
 * A float32 or float64 C-order array as .npy version 1.0 bytes: the magic, the version, the
 * header's length (uint16 little-endian) and the header dict, padded with spaces and ended by '\n'.
 */
export function npyBytes(values: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const descr = values instanceof Float64Array ? '<f8' : '<f4';
  if (os.endianness() !== 'LE') {
    throw new Error(`npyBytes: expected a little-endian machine for '${descr}', received ${os.endianness()}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new Error(`npyBytes: shape [${shape.join(',')}] holds ${count} values, received ${values.length}`);
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const fixed = 6 + 2 + 2;
  const padded = Math.ceil((fixed + dict.length + 1) / NPY_ALIGN) * NPY_ALIGN;
  const header = `${dict}${' '.repeat(padded - fixed - dict.length - 1)}\n`;
  const out = new Uint8Array(padded + values.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), fixed);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), padded);
  return out;
}

export interface NpyInput {
  readonly values: Float32Array | Float64Array;
  readonly shape: readonly number[];
}

/** What the script printed (the fields both modes share, and each mode's own). */
export interface SklearnJson {
  readonly median_s: number;
  readonly samples_s: readonly number[];
  readonly threads: string;
  /** null in matmul mode (numpy only). */
  readonly sklearn_version: string | null;
  readonly numpy_version: string;
  readonly python_version: string;
  readonly [field: string]: unknown;
}

export type SklearnOutcome = { readonly status: 'ok'; readonly json: SklearnJson; readonly warmup: number } | { readonly status: 'skipped' | 'failed'; readonly reason: string };

/** The environment the script runs in: OpenBLAS tuning and OpenMP thread caps removed, so scikit-learn uses its defaults (every core). */
function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  delete env.OMP_NUM_THREADS;
  return env;
}

/**
 * Runs `sklearn_peer.py mode`, each input written to a temporary .npy passed as `--<name> file`,
 * then `args`; the files are removed afterwards.
 */
export async function runSklearn(mode: 'kmeans' | 'distances' | 'matmul', inputs: Readonly<Record<string, NpyInput>>, args: readonly string[], warmup: number, repeats: number): Promise<SklearnOutcome> {
  return runPythonPeer([SCRIPT, mode], inputs, args, warmup, repeats);
}

/**
 * Runs a Python peer script (`script` = [path, ...leading args]) the same way: inputs as
 * temporary .npy files (`--<name> file`), then `args`, `--warmup`, `--repeats`; `env` is added
 * to the environment (e.g. a BLAS thread cap).
 */
export async function runPythonPeer(script: readonly string[], inputs: Readonly<Record<string, NpyInput>>, args: readonly string[], warmup: number, repeats: number, env: Readonly<Record<string, string>> = {}): Promise<SklearnOutcome> {
  if (!existsSync(PYTHON)) {
    return { status: 'skipped', reason: `${PYTHON} not found` };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-'));
  try {
    const files: string[] = [];
    for (const [name, input] of Object.entries(inputs)) {
      const file = path.join(dir, `${name}.npy`);
      writeFileSync(file, npyBytes(input.values, input.shape));
      files.push(`--${name}`, file);
    }
    const argv = [...script, ...files, ...args, '--warmup', String(warmup), '--repeats', String(repeats)];
    const { stdout } = await promisify(execFile)(PYTHON, argv, { env: { ...pythonEnv(), ...env }, timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
    return { status: 'ok', json: JSON.parse(stdout.trim().split('\n').pop()!) as SklearnJson, warmup };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string };
    if (failure.code === EXIT_MISSING && typeof failure.stdout === 'string') {
      return { status: 'skipped', reason: String((JSON.parse(failure.stdout) as { missing: string }).missing) };
    }
    return { status: 'failed', reason: errorText(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scikit-learn (or numpy) row's note: versions, the call, how it was timed, threads. */
function sklearnNote(json: SklearnJson, call: string): string {
  const named = typeof json.library === 'string' ? json.library : undefined;
  const lib = named ?? (json.sklearn_version === null ? `numpy ${json.numpy_version} (BLAS: ${String(json.blas ?? 'unknown')})` : `scikit-learn ${json.sklearn_version}, numpy ${json.numpy_version}`);
  return `${lib}, Python ${json.python_version}; ${call}; timed inside Python (perf_counter, median of ${json.samples_s.length}), run after the Node contenders, not interleaved; threads: ${json.threads}`;
}

/**
 * The scikit-learn row of a case, beside `caseRows` (same workload and size) and against the
 * same baseline; `call` is what the script ran, for the note.
 */
export function sklearnRow(caseRows: readonly Row[], work: Work, outcome: SklearnOutcome, call: string, log: (line: string) => void, name = SKLEARN): Row {
  const first = caseRows[0]!;
  const row = { workload: first.workload, size: first.size, contender: name, baseline: first.baseline };
  if (outcome.status !== 'ok') {
    log(`  ${name}: ${outcome.status} (${outcome.reason})`);
    return { ...row, note: 'unavailable', status: outcome.status, reason: outcome.reason };
  }
  const samplesMs = outcome.json.samples_s.map((s) => s * 1000);
  const ms = outcome.json.median_s * 1000;
  const base = caseRows.find((r) => r.contender === first.baseline && r.status === 'ok');
  const rate = rateOf(work, ms);
  const [fastest, slowest] = [Math.min(...samplesMs), Math.max(...samplesMs)];
  // OpenMP's barriers make scikit-learn's 2 threads slow by far when anything else takes a core.
  const spread = slowest > SPREAD * fastest ? `; samples ranged ${fastest.toFixed(1)}-${slowest.toFixed(1)} ms: something else used the cores during them` : '';
  log(`  ${name}: ${ms.toFixed(2)} ms median of ${samplesMs.length} (timed in Python)${spread}`);
  return {
    ...row,
    note: `${sklearnNote(outcome.json, call)}${spread}`,
    status: 'ok',
    medianMs: ms,
    minMs: fastest,
    samplesMs,
    warmup: outcome.warmup,
    ...(rate === undefined ? {} : rate),
    ...(base?.medianMs === undefined ? {} : { vsBaseline: ms / base.medianMs }),
  };
}
