import { fft32 } from './fft32';

// fbank, float32: four frames per pass, one per f32x4 lane (see fft32.ts), so a frame's result
// is the same bits whichever frames share its call or its lane. A missing frame of the last
// group repeats the group's first frame; its lanes are computed and dropped.
//
// Per pass (bytes from `scratch`, per thread): x[L] (the frame samples after DC removal and
// pre-emphasis), the FFT buffers a and b (re, im: M v128 each, M = nFft / 2), power[M + 1] and
// mel[nMels]. Host-built tables (src/backends/wasm/fbank.ts): radices (int32), twiddles
// (float32 pairs, fft32.ts), post (float32 pairs (cos, -sin)(2 pi k / nFft), k <= M), window
// (float32[L]), bands (int32 triples: first bin, count, first weight) and weights (float32).

export function fbankScratchBytes(frameLength: i32, nFft: i32, nMels: i32): i32 {
  const m = nFft >> 1;
  return (frameLength + 4 * m + m + 1 + nMels) << 4;
}

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 4);
}

// ln x for x > 0 in four float32 lanes, about 1 ulp: x = f 2^e with f in [sqrt(1/2), sqrt(2)),
// ln f = 2 atanh(s), s = (f - 1) / (f + 1), |s| <= 0.1716, series to s^9 (truncation < 1e-9).
// NaN stays NaN and +Infinity stays +Infinity; callers clamp x >= 1e-10 (no subnormals, no 0).
@inline function lnF32x4(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let f = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(f, f32x4.splat(1.4142135623730951));
  f = v128.bitselect(f32x4.mul(f, f32x4.splat(0.5)), f, big);
  e = i32x4.sub(e, big); // big lanes are -1: e + 1
  const s = f32x4.div(f32x4.sub(f, f32x4.splat(1)), f32x4.add(f, f32x4.splat(1)));
  const z = f32x4.mul(s, s);
  let p = f32x4.splat(1.0 / 9);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 7));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 5));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 3));
  const s2 = f32x4.add(s, s);
  const lnf = f32x4.add(s2, f32x4.mul(s2, f32x4.mul(z, p)));
  const ef = f32x4.convert_i32x4_s(e);
  // ln 2 split so that e * LN2_HI is exact for |e| < 2^8.
  let y = f32x4.add(f32x4.mul(ef, f32x4.splat(0.693145751953125)), f32x4.add(lnf, f32x4.mul(ef, f32x4.splat(1.428606765330187e-6))));
  y = v128.bitselect(x, y, v128.or(f32x4.ne(x, x), f32x4.eq(x, f32x4.splat(Infinity))));
  return y;
}

// Loads sample t.. of four frames (row pointers p0..p3) into lanes: four at a time by a 4x4
// transpose, the tail one by one.
function loadFrames(x: usize, p0: usize, p1: usize, p2: usize, p3: usize, frameLength: i32): void {
  let t = 0;
  for (; t + 4 <= frameLength; t += 4) {
    const off = <usize>t << 2;
    const r0 = v128.load(p0 + off);
    const r1 = v128.load(p1 + off);
    const r2 = v128.load(p2 + off);
    const r3 = v128.load(p3 + off);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    v128.store(at(x, t), v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
    v128.store(at(x, t + 1), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
    v128.store(at(x, t + 2), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
    v128.store(at(x, t + 3), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
  }
  for (; t < frameLength; t++) {
    const off = <usize>t << 2;
    let v = f32x4.splat(load<f32>(p0 + off));
    v = f32x4.replace_lane(v, 1, load<f32>(p1 + off));
    v = f32x4.replace_lane(v, 2, load<f32>(p2 + off));
    v = f32x4.replace_lane(v, 3, load<f32>(p3 + off));
    v128.store(at(x, t), v);
  }
}

// DC removal, pre-emphasis (Kaldi's order: backwards, then x[0] -= c x[0]), window, and the
// real signal packed as M complex points z[j] = x[2j] + i x[2j+1], zero padded.
function prepare(x: usize, frameLength: i32, removeDc: i32, preemph: f32, window: usize, m: i32, zr: usize, zi: usize): void {
  if (removeDc != 0) {
    let sum = f32x4.splat(0);
    for (let t = 0; t < frameLength; t++) {
      sum = f32x4.add(sum, v128.load(at(x, t)));
    }
    const mean = f32x4.div(sum, f32x4.splat(<f32>frameLength));
    for (let t = 0; t < frameLength; t++) {
      v128.store(at(x, t), f32x4.sub(v128.load(at(x, t)), mean));
    }
  }
  if (preemph != 0) {
    const c = f32x4.splat(preemph);
    for (let t = frameLength - 1; t > 0; t--) {
      v128.store(at(x, t), f32x4.sub(v128.load(at(x, t)), f32x4.mul(c, v128.load(at(x, t - 1)))));
    }
    v128.store(at(x, 0), f32x4.sub(v128.load(at(x, 0)), f32x4.mul(c, v128.load(at(x, 0)))));
  }
  const zero = f32x4.splat(0);
  for (let j = 0; j < m; j++) {
    const t = 2 * j;
    const even = t < frameLength ? f32x4.mul(v128.load(at(x, t)), f32x4.splat(load<f32>(window + (<usize>t << 2)))) : zero;
    const odd = t + 1 < frameLength ? f32x4.mul(v128.load(at(x, t + 1)), f32x4.splat(load<f32>(window + (<usize>(t + 1) << 2)))) : zero;
    v128.store(at(zr, j), even);
    v128.store(at(zi, j), odd);
  }
}

// |X[k]|^2 for k = 0 .. M of the real transform from Z = FFT_M(z): X[k] = E + w^k O with
// E = (Z[k] + conj Z[M-k]) / 2, O = (Z[k] - conj Z[M-k]) / 2i, w = exp(-2 pi i / nFft).
function power(m: i32, zr: usize, zi: usize, post: usize, out: usize): void {
  const r0 = v128.load(zr);
  const i0 = v128.load(zi);
  const dc = f32x4.add(r0, i0);
  const nyquist = f32x4.sub(r0, i0);
  v128.store(out, f32x4.mul(dc, dc));
  v128.store(at(out, m), f32x4.mul(nyquist, nyquist));
  const half = f32x4.splat(0.5);
  for (let k = 1; k < m; k++) {
    const ar = v128.load(at(zr, k));
    const ai = v128.load(at(zi, k));
    const br = v128.load(at(zr, m - k));
    const bi = v128.load(at(zi, m - k));
    const er = f32x4.mul(half, f32x4.add(ar, br));
    const ei = f32x4.mul(half, f32x4.sub(ai, bi));
    const or = f32x4.mul(half, f32x4.add(ai, bi));
    const oi = f32x4.mul(half, f32x4.sub(br, ar));
    const wr = f32x4.splat(load<f32>(post + (<usize>k << 3)));
    const wi = f32x4.splat(load<f32>(post + (<usize>k << 3), 4));
    const xr = f32x4.add(er, f32x4.sub(f32x4.mul(wr, or), f32x4.mul(wi, oi)));
    const xi = f32x4.add(ei, f32x4.add(f32x4.mul(wr, oi), f32x4.mul(wi, or)));
    v128.store(at(out, k), f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)));
  }
}

// Mel bands (sparse rows) of the power, then the log: 0 none, 1 ln(max(e, FLT_EPSILON)),
// 2 log10(max(e, 1e-10)).
function bands(pw: usize, nMels: i32, table: usize, weights: usize, log: i32, out: usize): void {
  for (let b = 0; b < nMels; b++) {
    const row = table + (<usize>(3 * b) << 2);
    const first = load<i32>(row);
    const count = load<i32>(row, 4);
    const w = weights + (<usize>load<i32>(row, 8) << 2);
    let acc = f32x4.splat(0);
    for (let j = 0; j < count; j++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(w + (<usize>j << 2))), v128.load(at(pw, first + j))));
    }
    if (log == 1) {
      acc = lnF32x4(f32x4.max(acc, f32x4.splat(1.1920928955078125e-7)));
    } else if (log == 2) {
      acc = f32x4.mul(lnF32x4(f32x4.max(acc, f32x4.splat(1e-10))), f32x4.splat(0.4342944819032518));
    }
    v128.store(at(out, b), acc);
  }
}

// Frames [frameStart, frameEnd) of frames (row stride `rowStride` elements) into y: band b of
// frame f at element f * frameStride + b * melStride ([n, nMels]: nMels, 1; mel-major: 1, n).
export function fbankFrames(
  frames: usize, rowStride: i32, frameLength: i32, removeDc: i32, preemph: f32, window: usize,
  nFft: i32, radices: usize, stages: i32, twiddles: usize, post: usize,
  nMels: i32, table: usize, weights: usize, log: i32,
  y: usize, frameStride: i32, melStride: i32, frameStart: i32, frameEnd: i32, scratch: usize,
): void {
  const m = nFft >> 1;
  const x = scratch;
  const ar = at(x, frameLength);
  const ai = at(ar, m);
  const br = at(ai, m);
  const bi = at(br, m);
  const pw = at(bi, m);
  const mel = at(pw, m + 1);
  const rowBytes = <usize>rowStride << 2;
  for (let f = frameStart; f < frameEnd; f += 4) {
    const count = min(4, frameEnd - f);
    const p0 = frames + <usize>f * rowBytes;
    loadFrames(x, p0, count > 1 ? p0 + rowBytes : p0, count > 2 ? p0 + 2 * rowBytes : p0, count > 3 ? p0 + 3 * rowBytes : p0, frameLength);
    prepare(x, frameLength, removeDc, preemph, window, m, ar, ai);
    const inB = fft32(m, radices, stages, twiddles, ar, ai, br, bi);
    power(m, inB ? br : ar, inB ? bi : ai, post, pw);
    bands(pw, nMels, table, weights, log, mel);
    const step = <usize>frameStride << 2;
    for (let b = 0; b < nMels; b++) {
      const v = v128.load(at(mel, b));
      const py = y + ((<usize>f * <usize>frameStride + <usize>b * <usize>melStride) << 2);
      if (frameStride == 1 && count == 4) {
        // Mel-major: the four frames of this band are adjacent.
        v128.store(py, v);
        continue;
      }
      store<f32>(py, f32x4.extract_lane(v, 0));
      if (count > 1) {
        store<f32>(py + step, f32x4.extract_lane(v, 1));
      }
      if (count > 2) {
        store<f32>(py + 2 * step, f32x4.extract_lane(v, 2));
      }
      if (count > 3) {
        store<f32>(py + 3 * step, f32x4.extract_lane(v, 3));
      }
    }
  }
}
