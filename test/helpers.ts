/** Small helpers shared by the test files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRuntime, HotpathError, type Runtime, type RuntimeOptions } from '../src/index.js';

/** The `code` of the HotpathError `fn` throws, or 'no error'. Fails on any other error. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HotpathError, `expected a HotpathError, got ${String(error)}`);
    return error.code;
  }
  return 'no error';
}

/** A tensor's elements in row-major order as a plain array. */
export function values(t: { toArray(): ArrayLike<number | bigint> }): (number | bigint)[] {
  return Array.from(t.toArray());
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time (ms) of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const BUILT_CLI = path.join(REPO, 'dist', 'cli', 'main.js');

/**
 * Node arguments that start the CLI: the built one (dist/, what `npm ci` and `npm run build`
 * make and users run) when it is newer than every file under src/, else the TypeScript sources
 * under tsx, so a test never runs a stale build. The built one starts in about half the time,
 * which matters for the 100-odd CLI runs of the suite on CI.
 */
export const CLI_ARGS: readonly string[] = existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs >= newestMtime(path.join(REPO, 'src'))
  ? [BUILT_CLI]
  : ['--import', 'tsx', 'src/cli/main.ts'];

/** `hotpath ...args` (see CLI_ARGS), as a child process the way users run it. */
export function hotpath(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with one `error [CODE] ...` line (containing `fragment`, when given) and no stack trace. */
export function assertCleanError(r: CliRun, code: string, fragment?: string): void {
  assert.equal(r.code, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error \\[${code}\\] `));
  if (fragment !== undefined) {
    assert.ok(r.stderr.includes(fragment), `"${r.stderr}" lacks "${fragment}"`);
  }
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for an expected error');
}

/** One test per runtime configuration, each on a fresh runtime closed at the end. */
export function eachRuntime(runtimes: readonly { name: string; options: RuntimeOptions }[], title: string, body: (hp: Runtime, name: string) => void): void {
  for (const { name, options } of runtimes) {
    test(`${title} (${name})`, async () => {
      const hp = await createRuntime(options);
      try {
        body(hp, name);
      } finally {
        await hp.close();
      }
    });
  }
}

/** n deterministic values in [0, 1) from a linear congruential generator. */
export function uniformValues(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

/** `fn` throws a HotpathError with this code whose message contains `fragment`. */
export function assertCode(fn: () => unknown, code: string, fragment: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HotpathError, String(e));
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
    return true;
  });
}

/** A seeded uniform generator in [0, 1) (a 32-bit LCG), for test data nobody has to store. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface RefAndWasmOnly {
  readonly ref: Runtime;
  /** wasm-only runtimes (a decline throws instead of running on ref unseen): 1 thread, and 2 threads with every call split. */
  readonly wasm: { name: string; hp: Runtime }[];
}

/** The runtimes the float64 wasm tests compare: ref, and wasm on 1 and on 2 threads. */
export async function openRefAndWasmOnly(): Promise<RefAndWasmOnly> {
  return {
    ref: await createRuntime({ backends: ['ref'] }),
    wasm: [
      { name: '1 thread', hp: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 1 }) },
      { name: '2 threads, every call split', hp: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2, parallelThreshold: 0 }) },
    ],
  };
}

export async function closeRefAndWasmOnly(r: RefAndWasmOnly): Promise<void> {
  await r.ref.close();
  for (const { hp } of r.wasm) {
    await hp.close();
  }
}

/** Largest |a[i] - b[i]|; the lengths must agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}
