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

/** The tables for this configuration, built on first use. @throws MEMORY */
export function fbankTables(ctx: WasmContext, p: FbankParams): FbankTables {
  const m = p.nFft / 2;
  const radices = radicesOf(m)!;
  const key = `fbank ${p.frameLength} ${p.nFft} ${p.window} ${p.sampleRate} ${p.nMels} ${p.fMin} ${p.fMax} ${p.melScale} ${p.melNorm}`;
  const twiddleCount = stagesTwiddles(radices, m);
  const sizes = [radices.length * 4, twiddleCount * 8, (m + 1) * 8, p.frameLength * 4, p.nMels * 12];
  const starts: number[] = [];
  let total = 0;
  for (const size of sizes) {
    starts.push(total);
    total += align16(size);
  }
  // The weights' count is known only from the bank (made on first use only); they go last.
  const base = ctx.table(key, () => {
    const bands = sparseBands(p);
    const weightCount = bands.reduce((sum, b) => sum + b.weights.length, 0);
    return { bytes: total + weightCount * 4, fill: (offset) => fill(offset, bands, weightCount) };
  });
  function fill(offset: number, bands: readonly Band[], weightCount: number): void {
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
  return {
    radices: base + starts[0]!,
    stages: radices.length,
    twiddles: base + starts[1]!,
    post: base + starts[2]!,
    window: base + starts[3]!,
    bands: base + starts[4]!,
    weights: base + total,
  };
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
