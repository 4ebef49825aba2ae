// The transform behind dft and stft, in float64: an iterative radix-2 FFT for power-of-two
// lengths, and Bluestein's chirp-z algorithm (three power-of-two FFTs of M >= 2n - 1 points)
// for every other length. Inverse transforms use IDFT(x) = conj(DFT(conj(x))) / n.
//
// Per-thread scratch (float64): re[M], im[M], cos[M/2], sin[M/2], chirp re/im [n], and the
// transformed chirp filter re/im [M]. Tables are built by prepare() at the start of a call.

@inline function isPow2(n: i32): bool {
  return (n & (n - 1)) == 0;
}

export function fftSize(n: i32): i32 {
  if (isPow2(n)) {
    return n;
  }
  let m = 1;
  while (m < 2 * n - 1) {
    m <<= 1;
  }
  return m;
}

export function fftScratchBytes(n: i32): i32 {
  const m = fftSize(n);
  return (5 * m + 2 * n + 2) * 8;
}

@inline function f64At(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

// Offsets (bytes) of each table for the current transform. Globals are per instance and each
// thread has its own instance, so these are per thread; an object here would live in the
// shared memory and be shared by every thread.
let Lm: i32 = 0;
let Lre: usize = 0;
let Lim: usize = 0;
let Lcos: usize = 0;
let Lsin: usize = 0;
let LchirpRe: usize = 0;
let LchirpIm: usize = 0;
let LfilterRe: usize = 0;
let LfilterIm: usize = 0;

function radix2(re: usize, im: usize, m: i32, inverse: bool): void {
  for (let i = 0, j = 0; i < m; i++) {
    if (i < j) {
      const tr = load<f64>(f64At(re, i));
      store<f64>(f64At(re, i), load<f64>(f64At(re, j)));
      store<f64>(f64At(re, j), tr);
      const ti = load<f64>(f64At(im, i));
      store<f64>(f64At(im, i), load<f64>(f64At(im, j)));
      store<f64>(f64At(im, j), ti);
    }
    let bit = m >> 1;
    while (bit > 0 && (j & bit) != 0) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
  const sign: f64 = inverse ? 1 : -1;
  for (let size = 2; size <= m; size <<= 1) {
    const half = size >> 1;
    const step = m / size;
    for (let start = 0; start < m; start += size) {
      for (let k = 0; k < half; k++) {
        const c = load<f64>(f64At(Lcos, k * step));
        const s = sign * load<f64>(f64At(Lsin, k * step));
        const a = start + k;
        const b = a + half;
        const br = load<f64>(f64At(re, b));
        const bi = load<f64>(f64At(im, b));
        const xr = br * c - bi * s;
        const xi = br * s + bi * c;
        const ar = load<f64>(f64At(re, a));
        const ai = load<f64>(f64At(im, a));
        store<f64>(f64At(re, b), ar - xr);
        store<f64>(f64At(im, b), ai - xi);
        store<f64>(f64At(re, a), ar + xr);
        store<f64>(f64At(im, a), ai + xi);
      }
    }
  }
}

// Builds the twiddle table for M points and, for Bluestein, the chirp and its filter.
export function prepare(n: i32, scratch: usize): void {
  const m = fftSize(n);
  Lm = m;
  Lre = scratch;
  Lim = Lre + (<usize>m << 3);
  Lcos = Lim + (<usize>m << 3);
  Lsin = Lcos + (<usize>(m >> 1) << 3);
  LchirpRe = Lsin + (<usize>(m >> 1) << 3);
  LchirpIm = LchirpRe + (<usize>n << 3);
  LfilterRe = LchirpIm + (<usize>n << 3);
  LfilterIm = LfilterRe + (<usize>m << 3);
  for (let j = 0; j < (m >> 1); j++) {
    const angle = (2 * Math.PI * <f64>j) / <f64>m;
    store<f64>(f64At(Lcos, j), Math.cos(angle));
    store<f64>(f64At(Lsin, j), Math.sin(angle));
  }
  if (m == n) {
    return;
  }
  // chirp w[k] = exp(-i pi k^2 / n), with k^2 reduced mod 2n so the angle stays small.
  for (let k = 0; k < n; k++) {
    const k2 = <i64>k * <i64>k % (<i64>2 * <i64>n);
    const angle = (Math.PI * <f64>k2) / <f64>n;
    store<f64>(f64At(LchirpRe, k), Math.cos(angle));
    store<f64>(f64At(LchirpIm, k), -Math.sin(angle));
  }
  // filter b[k] = conj(w[k]) at k and at M - k, zero between; kept as its FFT.
  memory.fill(LfilterRe, 0, <usize>m << 4);
  for (let k = 0; k < n; k++) {
    const r = load<f64>(f64At(LchirpRe, k));
    const i = -load<f64>(f64At(LchirpIm, k));
    store<f64>(f64At(LfilterRe, k), r);
    store<f64>(f64At(LfilterIm, k), i);
    if (k > 0) {
      store<f64>(f64At(LfilterRe, m - k), r);
      store<f64>(f64At(LfilterIm, m - k), i);
    }
  }
  radix2(LfilterRe, LfilterIm, m, false);
}

// Transforms Lre / Lim (the first n points; the rest is scratch) in place.
export function transform(n: i32, inverse: bool): void {
  const m = Lm;
  if (inverse) {
    for (let k = 0; k < n; k++) {
      store<f64>(f64At(Lim, k), -load<f64>(f64At(Lim, k)));
    }
  }
  if (m == n) {
    radix2(Lre, Lim, m, false);
  } else {
    // a = x * w, zero-padded to M; A = FFT(a); C = A * FFT(b); c = IFFT(C); X = w * c.
    for (let k = 0; k < n; k++) {
      const xr = load<f64>(f64At(Lre, k));
      const xi = load<f64>(f64At(Lim, k));
      const wr = load<f64>(f64At(LchirpRe, k));
      const wi = load<f64>(f64At(LchirpIm, k));
      store<f64>(f64At(Lre, k), xr * wr - xi * wi);
      store<f64>(f64At(Lim, k), xr * wi + xi * wr);
    }
    memory.fill(f64At(Lre, n), 0, <usize>(m - n) << 3);
    memory.fill(f64At(Lim, n), 0, <usize>(m - n) << 3);
    radix2(Lre, Lim, m, false);
    for (let k = 0; k < m; k++) {
      const ar = load<f64>(f64At(Lre, k));
      const ai = load<f64>(f64At(Lim, k));
      const br = load<f64>(f64At(LfilterRe, k));
      const bi = load<f64>(f64At(LfilterIm, k));
      store<f64>(f64At(Lre, k), ar * br - ai * bi);
      store<f64>(f64At(Lim, k), ar * bi + ai * br);
    }
    radix2(Lre, Lim, m, true);
    const scale = 1 / <f64>m;
    for (let k = 0; k < n; k++) {
      const cr = load<f64>(f64At(Lre, k)) * scale;
      const ci = load<f64>(f64At(Lim, k)) * scale;
      const wr = load<f64>(f64At(LchirpRe, k));
      const wi = load<f64>(f64At(LchirpIm, k));
      store<f64>(f64At(Lre, k), cr * wr - ci * wi);
      store<f64>(f64At(Lim, k), cr * wi + ci * wr);
    }
  }
  if (inverse) {
    const scale = 1 / <f64>n;
    for (let k = 0; k < n; k++) {
      store<f64>(f64At(Lre, k), load<f64>(f64At(Lre, k)) * scale);
      store<f64>(f64At(Lim, k), -load<f64>(f64At(Lim, k)) * scale);
    }
  }
}

export function workRe(): usize {
  return Lre;
}

export function workIm(): usize {
  return Lim;
}
