/**
 * The out-of-core Lloyd step with Hamerly's hints, as the in-memory fit runs it: chunk by chunk,
 * the hamerly kernel centres the rows as it reads them (its offset: the negated mean; the add
 * kernel centres a copy only where a pass looks at the centred rows) and skips the points whose bounds,
 * widened by how far the centroids moved, prove their label. Same labels, sums and counts as
 * the lloyd step, bit for bit (the kernel's contract). The hints (per row its label and bounds
 * [upper, lower], 20 bytes) live in the heap when they fit the fit's `hintBytes` budget, else in
 * temporary files (fileHints.ts), so memory stays bounded whatever n is.
 */
import { addStep, emptyStep, inertiaOf, type Rows } from './chunks.js';
import type { FileHints } from './fileHints.js';
import { centroidTensor, eachChunk, eachSourceBlock, viewValues, type Centring, type Source } from './filePasses.js';
import type { NpyOut } from './npyOut.js';
import type { PassIo } from './pointsFile.js';
import { Farthest, type Pick } from './relocate.js';

/** How far each centroid moved from `before` to `after` (rounded up), as the in-memory hints record it. */
export function driftOf(before: Float64Array, after: Float64Array, k: number, d: number): Float64Array {
  const drift = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sq = 0;
    for (let p = 0; p < d; p++) {
      sq += (after[j * d + p]! - before[j * d + p]!) ** 2;
    }
    drift[j] = Math.sqrt(sq) * (1 + 1e-12);
  }
  return drift;
}

/** One chunk as the final pass sees it: rows [start, start + rows), centred, and their labels. */
export interface ChunkLabels {
  readonly start: number;
  readonly rows: number;
  readonly centred: Rows;
  readonly labels: Int32Array;
}

/**
 * How a pass uses the hints: 'first' (none yet: every point is scored, every label counts as
 * changed; keep the new ones), 'step' (use them and keep the new ones), 'final' (use them, keep
 * nothing: the result's labels), 'fresh' (none, keep nothing: labels after a mini-batch run),
 * 'stored' (the labels are the last step's, run no kernel).
 */
export type HamerlyMode = 'first' | 'step' | 'final' | 'fresh' | 'stored';

/**
 * One pass over the file with the hamerly kernel and `hints`; `visit` sees every chunk's centred
 * values and labels (the final pass's inertia and outputs). Sums and counts are added in chunk
 * order; `changed` counts labels that differ from the hints' ('first': all).
 */
export async function hamerlyPass(src: Source, centring: Centring, centers: Float64Array, k: number, hints: FileHints, drift: Float64Array, mode: HamerlyMode, visit?: (chunk: ChunkLabels) => void): Promise<{ sums: Float64Array; counts: Float64Array; changed: number; io: PassIo }> {
  const { rt, file } = src;
  const { d } = file;
  const total = emptyStep(k, d);
  let changed = 0;
  const c = mode === 'stored' ? undefined : centroidTensor(rt, centers, k, d, file.dtype);
  const driftIn = rt.tensor(drift, [k], { name: 'hamerly drift' });
  try {
    const io = await eachSourceBlock(src, (block) => {
      eachChunk(block, d, (a, b) => {
        const rows = b - a;
        const start = block.start + a;
        const kept = rt.scope(() => {
          const raw = block.tensor.slice([a, b]);
          // The kernel centres as it reads (the same bits as the add kernel's copy, 11-13 ms a pass of 128 MB less); visit needs the copy.
          const centred = visit === undefined ? undefined : centring.of(raw);
          const [before, bounds] = hints.load(start, rows, mode);
          if (c === undefined) {
            visit?.({ start, rows, centred: viewValues<Rows>(centred!, 'kmeans'), labels: viewValues<Int32Array>(before, 'kmeans') });
            return [];
          }
          const [l, sums, counts, newBounds] = rt.run('hamerly', centred === undefined ? [raw, c, before, bounds!, driftIn, undefined, centring.offset] : [centred, c, before, bounds!, driftIn]);
          addStep(total, { sums: sums!.data('kmeans') as Float64Array, counts: counts!.data('kmeans') as Float64Array });
          if (mode === 'first') {
            changed += rows;
          } else if (mode === 'step') {
            const old = viewValues<Int32Array>(before, 'kmeans');
            const now = viewValues<Int32Array>(l!, 'kmeans');
            for (let i = 0; i < rows; i++) {
              changed += now[i] !== old[i] ? 1 : 0;
            }
          }
          visit?.({ start, rows, centred: viewValues<Rows>(centred!, 'kmeans'), labels: viewValues<Int32Array>(l!, 'kmeans') });
          // The new hints outlive the chunk's scope: the store keeps or writes them.
          return mode === 'first' || mode === 'step' ? [l!, newBounds!] : [];
        });
        if (kept.length === 2) {
          hints.store(start, kept[0]!, kept[1]!);
        }
      });
    });
    return { sums: total.sums, counts: total.counts, changed, io };
  } finally {
    c?.release();
    driftIn.release();
  }
}

/** The relocation's candidates: the m points farthest from their centres `old` under the hints' labels (the last step's). */
export async function relocatePass(src: Source, centring: Centring, old: Float64Array, m: number, hints: FileHints): Promise<{ picks: readonly Pick[]; io: PassIo }> {
  const { d } = src.file;
  const top = new Farthest(m);
  const { io } = await hamerlyPass(src, centring, old, old.length / d, hints, new Float64Array(old.length / d), 'stored', ({ start, rows, centred, labels }) => {
    const far = new Float64Array(rows);
    inertiaOf(centred, rows, d, old, labels, undefined, far);
    for (let i = 0; i < rows; i++) {
      top.offer(far[i]!, start + i, () => centred.subarray(i * d, (i + 1) * d), labels[i]!, 1);
    }
  });
  return { picks: top.chosen(), io };
}

export interface FinalOutputs {
  readonly labels: NpyOut | undefined;
  readonly distances: NpyOut | undefined;
}

/**
 * The result's labels ('stored': the last step's, when the run stopped on unchanged labels;
 * 'final': a hamerly step to `centers` with the hints and `drift`, as the in-memory fit's last
 * step; 'fresh': every point scored, after a mini-batch run), the inertia in
 * chunk order, cluster sizes, and the streamed outputs: labels (int32) and each point's
 * Euclidean distance to its centroid (float64).
 */
export async function finalPass(src: Source, centring: Centring, centers: Float64Array, k: number, hints: FileHints, drift: Float64Array, mode: 'final' | 'fresh' | 'stored', out: FinalOutputs): Promise<{ inertia: number; sizes: number[]; io: PassIo }> {
  const { d } = src.file;
  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  const { io } = await hamerlyPass(src, centring, centers, k, hints, drift, mode, ({ rows, centred, labels }) => {
    const distances = new Float64Array(rows);
    inertia += inertiaOf(centred, rows, d, centers, labels, undefined, distances);
    for (const label of labels) {
      sizes[label] = sizes[label]! + 1;
    }
    out.labels?.write(labels);
    if (out.distances !== undefined) {
      for (let i = 0; i < rows; i++) {
        distances[i] = Math.sqrt(distances[i]!);
      }
      out.distances.write(distances);
    }
  });
  return { inertia, sizes, io };
}
