// A float32 complex FFT of M points run on four independent signals at once, one per f32x4
// lane: element i of the transform is one v128 holding element i of each of the four signals,
// so every lane does exactly the scalar operations of a one-signal FFT (no shuffles, no
// cross-lane arithmetic) and a signal's result never depends on its lane or its neighbours.
//
// Stockham autosort, decimation in frequency, mixed radix (the radices' product is M): the
// stage of length n, radix r and stride s (n s = M) reads x[q + s (p + j m)] (m = n / r,
// j < r) and writes y[q + s (r p + k)] = w^(p k) DFT_r(a)_k with w = exp(-2 pi i / n), then the
// next stage runs on length m and stride s r with x and y swapped. The output comes out in
// natural order, in whichever buffer the last stage wrote.
//
// Arrays (byte pointers): re and im of a buffer are separate arrays of M v128. The twiddle
// table holds, stage after stage, for p < m and k = 1 .. r-1, the float32 pair
// (cos, -sin)(2 pi p k / n) (built once per size by the host: src/backends/wasm/fbank.ts).

const C5_1: f32 = 0.30901699437494745; // cos(2 pi / 5)
const C5_2: f32 = -0.8090169943749473; // cos(4 pi / 5)
const S5_1: f32 = 0.9510565162951535; // sin(2 pi / 5)
const S5_2: f32 = 0.5877852522924732; // sin(4 pi / 5)
const S3: f32 = 0.8660254037844386; // sin(2 pi / 3)

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 4);
}

// y = b * w for the twiddle pair at tw (float32 re, im), stored at index i of yr / yi.
@inline function twiddleStore(yr: usize, yi: usize, i: i32, br: v128, bi: v128, tw: usize): void {
  const wr = f32x4.splat(load<f32>(tw));
  const wi = f32x4.splat(load<f32>(tw, 4));
  v128.store(at(yr, i), f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi)));
  v128.store(at(yi, i), f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr)));
}

function radix2(n: i32, s: i32, xr: usize, xi: usize, yr: usize, yi: usize, tw: usize): void {
  const m = n >> 1;
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>p << 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const i1 = i0 + s * m;
      const a0r = v128.load(at(xr, i0));
      const a0i = v128.load(at(xi, i0));
      const a1r = v128.load(at(xr, i1));
      const a1i = v128.load(at(xi, i1));
      const o = q + s * 2 * p;
      v128.store(at(yr, o), f32x4.add(a0r, a1r));
      v128.store(at(yi, o), f32x4.add(a0i, a1i));
      twiddleStore(yr, yi, o + s, f32x4.sub(a0r, a1r), f32x4.sub(a0i, a1i), w);
    }
  }
}

function radix3(n: i32, s: i32, xr: usize, xi: usize, yr: usize, yi: usize, tw: usize): void {
  const m = n / 3;
  const half = f32x4.splat(0.5);
  const s3 = f32x4.splat(S3);
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>(2 * p) << 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = v128.load(at(xr, i0));
      const a0i = v128.load(at(xi, i0));
      const a1r = v128.load(at(xr, i0 + s * m));
      const a1i = v128.load(at(xi, i0 + s * m));
      const a2r = v128.load(at(xr, i0 + 2 * s * m));
      const a2i = v128.load(at(xi, i0 + 2 * s * m));
      const br = f32x4.add(a1r, a2r);
      const bi = f32x4.add(a1i, a2i);
      const tr = f32x4.sub(a0r, f32x4.mul(half, br));
      const ti = f32x4.sub(a0i, f32x4.mul(half, bi));
      const ur = f32x4.mul(s3, f32x4.sub(a1r, a2r));
      const ui = f32x4.mul(s3, f32x4.sub(a1i, a2i));
      const o = q + s * 3 * p;
      v128.store(at(yr, o), f32x4.add(a0r, br));
      v128.store(at(yi, o), f32x4.add(a0i, bi));
      // y1 = t - i u, y2 = t + i u.
      twiddleStore(yr, yi, o + s, f32x4.add(tr, ui), f32x4.sub(ti, ur), w);
      twiddleStore(yr, yi, o + 2 * s, f32x4.sub(tr, ui), f32x4.add(ti, ur), w + 8);
    }
  }
}

function radix4(n: i32, s: i32, xr: usize, xi: usize, yr: usize, yi: usize, tw: usize): void {
  const m = n >> 2;
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>(3 * p) << 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const sm = s * m;
      const a0r = v128.load(at(xr, i0));
      const a0i = v128.load(at(xi, i0));
      const a1r = v128.load(at(xr, i0 + sm));
      const a1i = v128.load(at(xi, i0 + sm));
      const a2r = v128.load(at(xr, i0 + 2 * sm));
      const a2i = v128.load(at(xi, i0 + 2 * sm));
      const a3r = v128.load(at(xr, i0 + 3 * sm));
      const a3i = v128.load(at(xi, i0 + 3 * sm));
      const sr = f32x4.add(a0r, a2r);
      const si = f32x4.add(a0i, a2i);
      const dr = f32x4.sub(a0r, a2r);
      const di = f32x4.sub(a0i, a2i);
      const tr = f32x4.add(a1r, a3r);
      const ti = f32x4.add(a1i, a3i);
      const er = f32x4.sub(a1r, a3r);
      const ei = f32x4.sub(a1i, a3i);
      const o = q + s * 4 * p;
      v128.store(at(yr, o), f32x4.add(sr, tr));
      v128.store(at(yi, o), f32x4.add(si, ti));
      // y1 = d - i e, y2 = s - t, y3 = d + i e.
      twiddleStore(yr, yi, o + s, f32x4.add(dr, ei), f32x4.sub(di, er), w);
      twiddleStore(yr, yi, o + 2 * s, f32x4.sub(sr, tr), f32x4.sub(si, ti), w + 8);
      twiddleStore(yr, yi, o + 3 * s, f32x4.sub(dr, ei), f32x4.add(di, er), w + 16);
    }
  }
}

function radix5(n: i32, s: i32, xr: usize, xi: usize, yr: usize, yi: usize, tw: usize): void {
  const m = n / 5;
  const c1 = f32x4.splat(C5_1);
  const c2 = f32x4.splat(C5_2);
  const s1 = f32x4.splat(S5_1);
  const s2 = f32x4.splat(S5_2);
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>(4 * p) << 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const sm = s * m;
      const a0r = v128.load(at(xr, i0));
      const a0i = v128.load(at(xi, i0));
      const a1r = v128.load(at(xr, i0 + sm));
      const a1i = v128.load(at(xi, i0 + sm));
      const a2r = v128.load(at(xr, i0 + 2 * sm));
      const a2i = v128.load(at(xi, i0 + 2 * sm));
      const a3r = v128.load(at(xr, i0 + 3 * sm));
      const a3i = v128.load(at(xi, i0 + 3 * sm));
      const a4r = v128.load(at(xr, i0 + 4 * sm));
      const a4i = v128.load(at(xi, i0 + 4 * sm));
      const b1r = f32x4.add(a1r, a4r);
      const b1i = f32x4.add(a1i, a4i);
      const b2r = f32x4.add(a2r, a3r);
      const b2i = f32x4.add(a2i, a3i);
      const d1r = f32x4.sub(a1r, a4r);
      const d1i = f32x4.sub(a1i, a4i);
      const d2r = f32x4.sub(a2r, a3r);
      const d2i = f32x4.sub(a2i, a3i);
      const t1r = f32x4.add(a0r, f32x4.add(f32x4.mul(c1, b1r), f32x4.mul(c2, b2r)));
      const t1i = f32x4.add(a0i, f32x4.add(f32x4.mul(c1, b1i), f32x4.mul(c2, b2i)));
      const t2r = f32x4.add(a0r, f32x4.add(f32x4.mul(c2, b1r), f32x4.mul(c1, b2r)));
      const t2i = f32x4.add(a0i, f32x4.add(f32x4.mul(c2, b1i), f32x4.mul(c1, b2i)));
      const u1r = f32x4.add(f32x4.mul(s1, d1r), f32x4.mul(s2, d2r));
      const u1i = f32x4.add(f32x4.mul(s1, d1i), f32x4.mul(s2, d2i));
      const u2r = f32x4.sub(f32x4.mul(s2, d1r), f32x4.mul(s1, d2r));
      const u2i = f32x4.sub(f32x4.mul(s2, d1i), f32x4.mul(s1, d2i));
      const o = q + s * 5 * p;
      v128.store(at(yr, o), f32x4.add(a0r, f32x4.add(b1r, b2r)));
      v128.store(at(yi, o), f32x4.add(a0i, f32x4.add(b1i, b2i)));
      // y1 = t1 - i u1, y4 = t1 + i u1, y2 = t2 - i u2, y3 = t2 + i u2.
      twiddleStore(yr, yi, o + s, f32x4.add(t1r, u1i), f32x4.sub(t1i, u1r), w);
      twiddleStore(yr, yi, o + 2 * s, f32x4.add(t2r, u2i), f32x4.sub(t2i, u2r), w + 8);
      twiddleStore(yr, yi, o + 3 * s, f32x4.sub(t2r, u2i), f32x4.add(t2i, u2r), w + 16);
      twiddleStore(yr, yi, o + 4 * s, f32x4.sub(t1r, u1i), f32x4.add(t1i, u1r), w + 24);
    }
  }
}

// Transforms the M points in (ar, ai) with the stages listed at `radices` (int32, `stages` of
// them), using (br, bi) as the other buffer. Returns 0 when the result is in (ar, ai), 1 when in (br, bi).
export function fft32(m: i32, radices: usize, stages: i32, twiddles: usize, ar: usize, ai: usize, br: usize, bi: usize): i32 {
  let n = m;
  let s = 1;
  let tw = twiddles;
  let xr = ar;
  let xi = ai;
  let yr = br;
  let yi = bi;
  for (let k = 0; k < stages; k++) {
    const r = load<i32>(radices + (<usize>k << 2));
    if (r == 4) {
      radix4(n, s, xr, xi, yr, yi, tw);
    } else if (r == 2) {
      radix2(n, s, xr, xi, yr, yi, tw);
    } else if (r == 5) {
      radix5(n, s, xr, xi, yr, yi, tw);
    } else {
      radix3(n, s, xr, xi, yr, yi, tw);
    }
    tw += <usize>((r - 1) * (n / r)) << 3;
    n /= r;
    s *= r;
    const tr = xr;
    const ti = xi;
    xr = yr;
    xi = yi;
    yr = tr;
    yi = ti;
  }
  return stages & 1;
}
