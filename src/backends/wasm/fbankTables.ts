/**
 * The constant tables of the wasm fbank (assembly/fbank.ts, fft32.ts), built in float64 and
 * rounded once to float32, laid out in one heap block per configuration and cached by the
 * backend (WasmContext.table): radices, FFT twiddles, real-FFT post twiddles, the window and
 * the mel bands as sparse rows (first bin, count, first weight) with their weights.
 */
import type { FbankParams } from '../../kernels/fbank.js';
import { melBank } from '../../audio/mel.js';
import { analysisWindow } from '../../audio/window.js';
import type { WasmContext } from './context.js';

/** Byte offsets of each table in the heap. */
export interface FbankTables {
  readonly radices: number;
  readonly stages: number;
  readonly twiddles: number;
  readonly post: number;
  readonly window: number;
  readonly bands: number;
  readonly weights: number;
}

/** The stages of an M-point complex FFT (4s, then 2, 3s, 5s), or null when M has another prime factor. */
export function radicesOf(m: number): number[] | null {
  const list: number[] = [];
  let rest = m;
  for (const r of [4, 2, 3, 5]) {
    while (rest % r === 0) {
      list.push(r);
      rest /= r;
    }
  }
  return rest === 1 ? list : null;
}

interface Band {
  readonly first: number;
  readonly weights: number[];
}

/** Each band from its first to its last nonzero weight (zeros between kept). */
function sparseBands(p: FbankParams): Band[] {
  return melBank(p).map((row) => {
    let first = row.findIndex((w) => w !== 0);
    const last = row.findLastIndex((w) => w !== 0);
    first = first < 0 ? 0 : first;
    return { first, weights: Array.from(row.subarray(first, last + 1)) };
  });
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** The tables for this configuration, built on first use (a later call only looks them up). @throws MEMORY */
export function fbankTables(ctx: WasmContext, p: FbankParams): FbankTables {
  // A stream calls with the same configuration every hop: compare it with the last one instead of
  // formatting the key (its float fields made most of a hop's garbage), while the table is kept.
  const last = ctx.recent<Recent>('fbank');
  if (last !== undefined && sameTables(last.params, p) && ctx.tableLayout(last.key) === last.tables) {
    return last.tables;
  }
  const key = `fbank ${p.frameLength} ${p.nFft} ${p.window} ${p.sampleRate} ${p.nMels} ${p.fMin} ${p.fMax} ${p.melScale} ${p.melNorm}`;
  const tables = ctx.tableLayout<FbankTables>(key) ?? makeTables(ctx, p, key);
  ctx.remember('fbank', { params: p, key, tables } satisfies Recent);
  return tables;
}

interface Recent {
  readonly params: FbankParams;
  readonly key: string;
  readonly tables: FbankTables;
}

/** Whether two configurations have the same tables (the fields of the key). */
function sameTables(a: FbankParams, b: FbankParams): boolean {
  return a.frameLength === b.frameLength && a.nFft === b.nFft && a.window === b.window && a.sampleRate === b.sampleRate && a.nMels === b.nMels
    && Object.is(a.fMin, b.fMin) && Object.is(a.fMax, b.fMax) && a.melScale === b.melScale && a.melNorm === b.melNorm;
}

function makeTables(ctx: WasmContext, p: FbankParams, key: string): FbankTables {
  const m = p.nFft / 2;
  const radices = radicesOf(m)!;
  const twiddleCount = stagesTwiddles(radices, m);
  // Byte offsets of the parts before the weights, in order; the weights' count is known only from
  // the bank (made on first use only), so they go last, at `total`.
  const sizes = [radices.length * 4, twiddleCount * 8, (m + 1) * 8, p.frameLength * 4, p.nMels * 12];
  const starts: number[] = [];
  let total = 0;
  for (const size of sizes) {
    starts.push(total);
    total += align16(size);
  }
  return ctx.table(
    key,
    () => {
      const bands = sparseBands(p);
      const weightCount = bands.reduce((sum, b) => sum + b.weights.length, 0);
      return { bytes: total + weightCount * 4, fill: (offset) => fill(ctx, p, radices, twiddleCount, offset, starts, total, bands, weightCount) };
    },
    (base) => ({
      radices: base + starts[0]!,
      stages: radices.length,
      twiddles: base + starts[1]!,
      post: base + starts[2]!,
      window: base + starts[3]!,
      bands: base + starts[4]!,
      weights: base + total,
    }),
  );
}

function fill(ctx: WasmContext, p: FbankParams, radices: readonly number[], twiddleCount: number, offset: number, starts: readonly number[], total: number, bands: readonly Band[], weightCount: number): void {
  const m = p.nFft / 2;
  const ints = ctx.heapI32(offset + starts[0]!, radices.length);
  ints.set(radices);
  const tw = ctx.f32(offset + starts[1]!, twiddleCount * 2);
  let i = 0;
  let n = m;
  for (const r of radices) {
    for (let q = 0; q < n / r; q++) {
      for (let k = 1; k < r; k++) {
        const angle = (2 * Math.PI * q * k) / n;
        tw[i++] = Math.cos(angle);
        tw[i++] = -Math.sin(angle);
      }
    }
    n /= r;
  }
  const post = ctx.f32(offset + starts[2]!, (m + 1) * 2);
  for (let k = 0; k <= m; k++) {
    post[2 * k] = Math.cos((2 * Math.PI * k) / p.nFft);
    post[2 * k + 1] = -Math.sin((2 * Math.PI * k) / p.nFft);
  }
  ctx.f32(offset + starts[3]!, p.frameLength).set(analysisWindow(p.window, p.frameLength));
  const rows = ctx.heapI32(offset + starts[4]!, p.nMels * 3);
  const weights = ctx.f32(offset + total, weightCount);
  let w = 0;
  bands.forEach((band, b) => {
    rows.set([band.first, band.weights.length, w], 3 * b);
    weights.set(band.weights, w);
    w += band.weights.length;
  });
}

function stagesTwiddles(radices: readonly number[], m: number): number {
  let count = 0;
  let n = m;
  for (const r of radices) {
    count += (r - 1) * (n / r);
    n /= r;
  }
  return count;
}
