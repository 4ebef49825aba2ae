/**
 * The demo's user-kernel part: each example of examples/ (a plain TypeScript hot loop and the
 * kernel ported from it) run both ways on the same data, with the time of each, the speedup and
 * whether the answers agree within the kernel's declared tolerance. The first run compiles the
 * kernels (a few seconds, then they come from the disk cache).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Runtime } from '../runtime/runtime.js';
import { DEFAULT_TOLERANCE, type UserKernel } from '../user/kernel.js';
import { importKernels } from './kernelFiles.js';

export interface UserDemoRow {
  readonly example: string;
  readonly work: string;
  readonly plainMs: number;
  readonly hotpathMs: number;
  readonly speedup: number;
  /** Largest |hotpath - plain| relative to the declared bound (<= 1: agree). */
  readonly ratio: number;
  readonly agree: boolean;
}

export interface UserDemo {
  readonly loadMs: number;
  readonly rows: readonly UserDemoRow[];
  /** Why the part did not run (e.g. no examples folder in an installed package). */
  readonly skipped?: string;
}

type Plain = (...args: never[]) => unknown;

function median(fn: () => void, repeats = 3): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[repeats >> 1]!;
}

function seeded(n: number, seed: number, scale: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * scale;
  });
}

/** max over elements of |a - e| / (ulp eps32 max(|e|, floor)). */
function ratioOf(actual: ArrayLike<number>, expected: ArrayLike<number>, ulp: number, floor = 1): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (ulp * 2 ** -23 * Math.max(Math.abs(expected[i]!), floor)));
  }
  return worst;
}

/** Runs the examples; `hp` is a runtime whose fastest backend runs the compiled kernels. */
export async function userDemo(hp: Runtime): Promise<UserDemo> {
  const folder = fileURLToPath(new URL('../../examples/', import.meta.url));
  const files = ['huber', 'haversine', 'robustScale', 'kmeansManhattan', 'bfloat16'].map((f) => `${folder}${f}.ts`);
  if (!files.every((f) => existsSync(f))) {
    return { loadMs: 0, rows: [], skipped: `the examples are not in ${folder} (they ship with the repository)` };
  }
  const kernels = new Map((await importKernels(files)).map((e) => [e.kernel.name, e.kernel]));
  const modules = await Promise.all(files.map(async (f) => (await import(pathToFileURL(f).href)) as Record<string, Plain>));
  const plain = Object.assign({}, ...modules) as Record<string, Plain>;
  const start = performance.now();
  await hp.load([...kernels.values()]);
  const loadMs = performance.now() - start;
  const k = (name: string): UserKernel => kernels.get(name)!;
  const rows: UserDemoRow[] = [];
  const row = (example: string, work: string, plainMs: number, hotpathMs: number, ratio: number): void => {
    rows.push({ example, work, plainMs, hotpathMs, speedup: plainMs / hotpathMs, ratio, agree: ratio <= 1 });
  };
  hp.scope(() => {
    const n = 1_000_000;
    const pred = seeded(n, 1, 6);
    const target = seeded(n, 2, 6);
    const huberLoss = plain.huberLoss as unknown as (a: Float32Array, b: Float32Array, delta: number) => number;
    let expected = 0;
    const plainMs = median(() => (expected = huberLoss(pred, target, 1)));
    const inputs = [hp.tensor(pred, [n]), hp.tensor(target, [n])];
    let got = 0;
    const ms = median(() => hp.scope(() => (got = Number(hp.run(k('huber'), inputs)[0]!.item()))));
    row('huber (reduce)', `sum over ${n} elements`, plainMs, ms, Math.abs(got - expected) / (4 * 2 ** -23 * expected));
  });
  hp.scope(() => {
    const [n, m] = [400, 1000];
    const [lat1, lon1, lat2, lon2] = [seeded(n, 3, 3), seeded(n, 4, 6), seeded(m, 5, 3), seeded(m, 6, 6)];
    const matrix = plain.haversineMatrix as unknown as (a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array) => Float32Array;
    let expected: Float32Array = new Float32Array(0);
    const plainMs = median(() => (expected = matrix(lat1, lon1, lat2, lon2)));
    const inputs = [hp.tensor(lat1, [n, 1]), hp.tensor(lon1, [n, 1]), hp.tensor(lat2, [1, m]), hp.tensor(lon2, [1, m])];
    let got: Float32Array = new Float32Array(0);
    // Timed: the call (its output stays on the heap); read once afterwards.
    const ms = median(() => hp.scope(() => void hp.run(k('haversine'), inputs)));
    hp.scope(() => (got = hp.run(k('haversine'), inputs)[0]!.toArray() as Float32Array));
    row('haversine (map)', `[${n},1] x [1,${m}] distances`, plainMs, ms, ratioOf(got, expected, k('haversine').decl.tolerance?.ulp ?? DEFAULT_TOLERANCE.ulp));
  });
  hp.scope(() => {
    const [r, c] = [2000, 500];
    const x = seeded(r * c, 7, 10);
    const zScoreRows = plain.zScoreRows as unknown as (x: Float32Array, rows: number, cols: number) => Float32Array;
    let expected: Float32Array = new Float32Array(0);
    const plainMs = median(() => (expected = zScoreRows(x, r, c)));
    const input = hp.tensor(x, [r, c]);
    let got: Float32Array = new Float32Array(0);
    // Timed: the call (its output stays on the heap); read once afterwards.
    const ms = median(() => hp.scope(() => void hp.run(k('zScore'), [input])));
    hp.scope(() => (got = hp.run(k('zScore'), [input])[0]!.toArray() as Float32Array));
    row('zScore (rows)', `[${r},${c}] rows scaled`, plainMs, ms, ratioOf(got, expected, k('zScore').decl.tolerance?.ulp ?? DEFAULT_TOLERANCE.ulp));
  });
  hp.scope(() => {
    const [n, d, clusters] = [20000, 16, 8];
    const points = seeded(n * d, 8, 8);
    const centroids = points.slice(0, clusters * d);
    const assign = plain.assignManhattan as unknown as (p: Float32Array, c: Float32Array, d: number) => Int32Array;
    let expected: Int32Array = new Int32Array(0);
    const plainMs = median(() => (expected = assign(points, centroids, d)));
    const x = hp.tensor(points, [n, d]);
    const c = hp.tensor(centroids, [clusters, d]);
    // What hp.kmeans(x, { distance }) does each iteration: the kernel's distances, then each
    // row's nearest (first on ties).
    let labels = new Int32Array(0);
    const ms = median(() =>
      hp.scope(() => {
        const dist = hp.run(k('manhattan'), [x, c])[0]!.toArray() as Float32Array;
        labels = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          let best = 0;
          for (let j = 1; j < clusters; j++) {
            best = dist[i * clusters + j]! < dist[i * clusters + best]! ? j : best;
          }
          labels[i] = best;
        }
      }),
    );
    const differ = labels.reduce((count, l, i) => count + (l !== expected[i] ? 1 : 0), 0);
    row('manhattan (pairwise)', `k-means assignment, ${n}x${d}, k=${clusters}`, plainMs, ms, differ === 0 ? 0 : Number.POSITIVE_INFINITY);
  });
  hp.scope(() => {
    const n = 1_000_000;
    const weights = seeded(n, 9, 4);
    const round = plain.roundToBfloat16 as unknown as (x: Float32Array) => Float32Array;
    let expected: Float32Array = new Float32Array(0);
    const plainMs = median(() => (expected = round(weights)));
    const input = hp.tensor(weights, [n]);
    let got: Float32Array = new Float32Array(0);
    // Timed: the call (its output stays on the heap); read once afterwards.
    const ms = median(() => hp.scope(() => void hp.run(k('bfloat16'), [input])));
    hp.scope(() => (got = hp.run(k('bfloat16'), [input])[0]!.toArray() as Float32Array));
    // Explicit f32x4 code: the same bits as the plain loop, or it does not agree.
    const same = got.length === n && got.every((v, i) => Object.is(v, expected[i]) || (Number.isNaN(v) && Number.isNaN(expected[i])));
    row('bfloat16 (map, explicit f32x4)', `${n} weights rounded`, plainMs, ms, same ? 0 : Number.POSITIVE_INFINITY);
  });
  return { loadMs, rows };
}

export function formatUserDemo(demo: UserDemo, backend: string): string[] {
  if (demo.skipped !== undefined) {
    return ['', `Your own hot path: skipped (${demo.skipped})`];
  }
  const header = ['example', 'work', 'plain TS ms', `hotpath ${backend} ms`, 'speedup', 'answers'];
  const rows = demo.rows.map((r) => [r.example, r.work, r.plainMs.toFixed(2), r.hotpathMs.toFixed(2), `${r.speedup.toFixed(1)}x`, r.agree ? 'agree' : `DISAGREE (error/bound ${r.ratio.toPrecision(3)})`]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  return [
    '',
    `Your own hot path: examples/*.ts, the plain TypeScript loop and the kernel ported from it (hp.load took ${demo.loadMs.toFixed(0)} ms: compiled, or from the disk cache)`,
    '',
    ...[header, ...rows].map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()),
  ];
}
