/**
 * The frames of a whole signal by the plain index formulas of the task (and of Kaldi's and
 * numpy's documentation), written independently of src/stream: the oracle for the framer tests.
 * Mirroring is done the way Kaldi's ExtractWindow and numpy.pad do it, one reflection at a time.
 */
import type { Padding } from '../src/stream/index.js';

/** Kaldi snip_edges=false: -1 -> 0, N -> N-1, reflected again while still outside. */
function kaldiMirror(j: number, n: number): number {
  while (j < 0 || j >= n) {
    j = j < 0 ? -j - 1 : 2 * n - 1 - j;
  }
  return j;
}

/** numpy 'reflect': -1 -> 1, N -> N-2, reflected again while still outside; one sample repeats. */
function numpyReflect(j: number, n: number): number {
  if (n === 1) return 0;
  while (j < 0 || j >= n) {
    j = j < 0 ? -j : 2 * (n - 1) - j;
  }
  return j;
}

/** Frames of `signal` (row-major, count * L floats) for a padding mode. */
export function expectedFrames(signal: Float32Array, L: number, hop: number, padding: Padding): Float32Array {
  const n = signal.length;
  let count: number;
  let start: (i: number) => number;
  if (padding === 'none') {
    count = n < L ? 0 : 1 + Math.floor((n - L) / hop);
    start = (i) => hop * i;
  } else if (padding === 'kaldi') {
    count = Math.floor((n + Math.floor(hop / 2)) / hop);
    start = (i) => hop * i + Math.floor(hop / 2) - Math.floor(L / 2);
  } else {
    count = 1 + Math.floor(n / hop);
    start = (i) => hop * i - Math.floor(L / 2);
  }
  if (n === 0) count = 0;
  const out = new Float32Array(count * L);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < L; k++) {
      const j = start(i) + k;
      let v: number;
      if (j >= 0 && j < n) v = signal[j]!;
      else if (padding === 'zero') v = 0;
      else if (padding === 'kaldi') v = signal[kaldiMirror(j, n)]!;
      else if (padding === 'reflect') v = signal[numpyReflect(j, n)]!;
      else throw new Error(`padding 'none' read outside the signal at ${j}`);
      out[i * L + k] = v;
    }
  }
  return out;
}

/** Equal bit for bit (NaN payloads and signed zeros included). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** A signal whose every sample differs from every other (so a wrong index shows). */
export function rampSignal(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let j = 0; j < n; j++) x[j] = (j % 2 === 0 ? 1 : -1) * (j + 1);
  return x;
}
