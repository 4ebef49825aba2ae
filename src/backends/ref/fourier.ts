/**
 * The one-dimensional transform shared by the dft and stft references, in float64:
 *   out[k] = scale * sum_t in[t] * exp(sign * 2 pi i * k t / n),
 * sign -1 and scale 1 forward, sign +1 and scale 1/n inverse. Power-of-two lengths use an
 * iterative radix-2 FFT; other lengths the direct sum. Both take twiddles from one table of
 * cos/sin(2 pi j / n), indexing it with (k t) mod n so no angle grows past 2 pi.
 */

export interface Fourier {
  readonly n: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /** Scratch for the direct sum, n entries each. */
  readonly tmpRe: Float64Array;
  readonly tmpIm: Float64Array;
}

/** Twiddle table and scratch for transforms of length n >= 1 (the reference allocates freely). */
export function createFourier(n: number): Fourier {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if ((4 * j) % n === 0) {
      // On the axes the values are exact, so (for example) the DC and Nyquist bins of a real
      // signal get imaginary parts of exactly 0 rather than a rounding residue of sin(pi).
      const quarter = (4 * j) / n;
      cos[j] = [1, 0, -1, 0][quarter]!;
      sin[j] = [0, 1, 0, -1][quarter]!;
    } else {
      const angle = (2 * Math.PI * j) / n;
      cos[j] = Math.cos(angle);
      sin[j] = Math.sin(angle);
    }
  }
  return { n, cos, sin, tmpRe: new Float64Array(n), tmpIm: new Float64Array(n) };
}

/** Transforms re/im (n entries each) in place. */
export function transform(f: Fourier, re: Float64Array, im: Float64Array, inverse: boolean): void {
  if ((f.n & (f.n - 1)) === 0) {
    radix2(f, re, im, inverse);
  } else {
    directSum(f, re, im, inverse);
  }
  if (inverse) {
    for (let k = 0; k < f.n; k++) {
      re[k] = re[k]! / f.n;
      im[k] = im[k]! / f.n;
    }
  }
}

/** The definition, term by term. O(n^2); k * t stays exact below n = 2^26. */
function directSum(f: Fourier, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = f.n;
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sumRe = 0;
    let sumIm = 0;
    for (let t = 0; t < n; t++) {
      const j = (k * t) % n;
      const c = f.cos[j]!;
      const s = sign * f.sin[j]!;
      // (re + i im) * (c + i s)
      sumRe += re[t]! * c - im[t]! * s;
      sumIm += re[t]! * s + im[t]! * c;
    }
    f.tmpRe[k] = sumRe;
    f.tmpIm[k] = sumIm;
  }
  re.set(f.tmpRe);
  im.set(f.tmpIm);
}

/** Cooley-Tukey, decimation in time: bit-reversed order, then log2(n) passes of butterflies. */
function radix2(f: Fourier, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = f.n;
  const sign = inverse ? 1 : -1;
  for (let i = 0, j = 0; i < n; i++) {
    if (i < j) {
      swap(re, i, j);
      swap(im, i, j);
    }
    // j = bit-reverse(i + 1): add 1 at the top bit, carrying downwards.
    let bit = n >> 1;
    while (bit > 0 && (j & bit) !== 0) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size; // twiddle for index k of a block of `size` is table[k * step]
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const c = f.cos[k * step]!;
        const s = sign * f.sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const bRe = re[b]! * c - im[b]! * s;
        const bIm = re[b]! * s + im[b]! * c;
        re[b] = re[a]! - bRe;
        im[b] = im[a]! - bIm;
        re[a] = re[a]! + bRe;
        im[a] = im[a]! + bIm;
      }
    }
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
