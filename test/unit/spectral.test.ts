/**
 * Spectral kernels (dft, stft, hannWindow, melWeightMatrix) against closed forms, identities
 * and an independent textbook DFT; both transform paths (radix-2 for powers of two, the direct
 * sum otherwise); strided views; and each bad-input code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime, HotpathError, type Runtime, type Tensor } from '../../src/index.js';

function errorOf(fn: () => unknown): HotpathError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HotpathError, `expected a HotpathError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected an error');
}

const codeOf = (fn: () => unknown): string => errorOf(fn).code;

function values(t: Tensor): number[] {
  return Array.from(t.toArray() as Float32Array | Float64Array);
}

function close(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= tol, `${what}: [${i}] ${a} vs ${expected[i]}`));
}

/** Deterministic values in [-1, 1). */
function noise(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/** Textbook DFT of interleaved complex values, independent of the kernel's twiddle table. */
function naiveDft(x: readonly number[], inverse = false): number[] {
  const n = x.length / 2;
  const sign = inverse ? 1 : -1;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * k * t) / n;
      re += x[2 * t]! * Math.cos(a) - x[2 * t + 1]! * Math.sin(a);
      im += x[2 * t]! * Math.sin(a) + x[2 * t + 1]! * Math.cos(a);
    }
    out.push(inverse ? re / n : re, inverse ? im / n : im);
  }
  return out;
}

const complexOf = (real: readonly number[]): number[] => real.flatMap((v) => [v, 0]);

async function rt(): Promise<Runtime> {
  return createRuntime({ require: 'ref' });
}

test('dft: impulse gives all ones, cosine at bin k peaks N/2 at k and N - k (radix-2 and direct)', async () => {
  const hp = await rt();
  for (const n of [8, 6]) {
    const impulse = Array.from({ length: n }, (_, t) => (t === 0 ? 1 : 0));
    close(values(hp.dft(hp.tensor(impulse, [n, 1], { dtype: 'float64' }))), complexOf(new Array<number>(n).fill(1)), 1e-15, `impulse n=${n}`);
  }
  for (const [n, k] of [[16, 3], [12, 5]] as const) {
    const cosine = Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * k * t) / n));
    const expected = complexOf(Array.from({ length: n }, (_, b) => (b === k || b === n - k ? n / 2 : 0)));
    close(values(hp.dft(hp.tensor(cosine, [1, n, 1], { dtype: 'float64' }))), expected, 1e-12, `cosine n=${n}`);
  }
});

test('dft: matches a textbook DFT for complex input, float32 and float64, both paths', async () => {
  const hp = await rt();
  for (const n of [1, 2, 7, 8, 12, 16]) {
    const x = noise(2 * n, n);
    const y64 = hp.dft(hp.tensor(x, [n, 2], { dtype: 'float64' }));
    assert.equal(y64.dtype, 'float64');
    close(values(y64), naiveDft(x), 1e-12, `forward n=${n}`);
    close(values(hp.dft(hp.tensor(x, [n, 2], { dtype: 'float64' }), { inverse: true })), naiveDft(x, true), 1e-13, `inverse n=${n}`);
    const y32 = hp.dft(hp.tensor(x, [n, 2]));
    assert.equal(y32.dtype, 'float32');
    close(values(y32), naiveDft(Array.from(new Float32Array(x))), 1e-5 * n, `float32 n=${n}`);
  }
});

test('dft: inverse(forward(x)) == x, and Parseval holds', async () => {
  const hp = await rt();
  for (const n of [16, 10]) {
    const x = noise(2 * 3 * n, 7 + n);
    const xt = hp.tensor(x, [3, n, 2], { dtype: 'float64' });
    const y = hp.dft(xt, { axis: 1 });
    close(values(hp.dft(y, { axis: 1, inverse: true })), x, 1e-14, `roundtrip n=${n}`);
    const energy = (v: number[]): number => v.reduce((s, a) => s + a * a, 0);
    assert.ok(Math.abs(energy(x) - energy(values(y)) / n) < 1e-12 * energy(x), `Parseval n=${n}`);
  }
});

test('dft: onesided is the first half of the full transform; irfft inverts it', async () => {
  const hp = await rt();
  for (const n of [8, 9]) {
    const x = noise(n, 3 * n);
    const xt = hp.tensor(x, [n, 1], { dtype: 'float64' });
    const full = values(hp.dft(xt));
    const half = hp.dft(xt, { onesided: true });
    assert.deepEqual(half.shape, [Math.floor(n / 2) + 1, 2]);
    close(values(half), full.slice(0, half.size), 1e-15, `onesided n=${n}`);
    const back = hp.dft(half, { inverse: true, onesided: true, length: n });
    assert.deepEqual(back.shape, [n, 1]);
    close(values(back), x, 1e-14, `irfft n=${n}`);
  }
  // The default irfft length is 2 (m - 1); DC and Nyquist imaginary parts are ignored.
  const spectrum = hp.tensor([4, 5, 0, 0, 0, 0, 2, 7], [4, 2], { dtype: 'float64' });
  const y = hp.dft(spectrum, { inverse: true, onesided: true });
  assert.deepEqual(y.shape, [6, 1]);
  close(values(y), Array.from({ length: 6 }, (_, t) => (4 + 2 * (t % 2 === 0 ? 1 : -1)) / 6), 1e-15, 'irfft DC + Nyquist');
  // length picks bins 0..floor(length / 2): extra bins are ignored, missing ones are zero.
  const bins = hp.tensor(noise(10, 5), [5, 2], { dtype: 'float64' });
  const firstThree = hp.tensor(values(bins).slice(0, 6), [3, 2], { dtype: 'float64' });
  close(values(hp.dft(bins, { inverse: true, onesided: true, length: 4 })), values(hp.dft(firstThree, { inverse: true, onesided: true, length: 4 })), 0, 'irfft truncates');
  const padded = hp.tensor([...values(firstThree), 0, 0, 0, 0], [5, 2], { dtype: 'float64' });
  close(values(hp.dft(firstThree, { inverse: true, onesided: true, length: 9 })), values(hp.dft(padded, { inverse: true, onesided: true, length: 9 })), 0, 'irfft zero-pads');
});

test('dft: length zero-pads and truncates', async () => {
  const hp = await rt();
  const x = noise(5, 11);
  const padded = values(hp.dft(hp.tensor([...x, 0, 0, 0], [8, 1], { dtype: 'float64' })));
  close(values(hp.dft(hp.tensor(x, [5, 1], { dtype: 'float64' }), { length: 8 })), padded, 1e-15, 'zero-pad');
  const cut = values(hp.dft(hp.tensor(x.slice(0, 3), [3, 1], { dtype: 'float64' })));
  close(values(hp.dft(hp.tensor(x, [5, 1], { dtype: 'float64' }), { length: 3 })), cut, 1e-15, 'truncate');
});

test('dft: transposed, sliced and strided-complex views give the contiguous answer', async () => {
  const hp = await rt();
  const x = hp.tensor(noise(4 * 6, 5), [4, 6, 1], { dtype: 'float64' });
  const viewT = x.transpose([1, 0, 2]); // [6, 4, 1], not contiguous
  assert.notEqual(viewT.layout, 'row');
  close(values(hp.dft(viewT, { axis: 0 })), values(hp.dft(viewT.contiguous(), { axis: 0 })), 0, 'transposed, axis 0');
  close(values(hp.dft(viewT, { axis: -2 })), values(hp.dft(viewT.contiguous(), { axis: 1 })), 0, 'transposed, axis -2');
  const sliced = x.slice([1, 4], [0, 6, 2]); // [3, 3, 1], offset and stride 2
  close(values(hp.dft(sliced)), values(hp.dft(sliced.contiguous())), 0, 'sliced');
  // Complex values stored as two planes: the re -> im stride is 8, not 1.
  const planes = hp.tensor(noise(2 * 8, 9), [2, 8], { dtype: 'float64' });
  const complexView = planes.transpose(); // [8, 2]
  close(values(hp.dft(complexView)), values(hp.dft(complexView.contiguous())), 0, 'strided complex');
});

test('stft: each frame is the windowed dft, frames = 1 + floor((L - n) / step)', async () => {
  const hp = await rt();
  const signal = noise(20, 2);
  const window = hp.hannWindow({ size: 8, dtype: 'float64' });
  const w = values(window);
  const y = hp.stft(hp.tensor(signal, [1, 20, 1], { dtype: 'float64' }), { frameStep: 5, window });
  assert.deepEqual(y.shape, [1, 3, 5, 2]);
  const got = values(y);
  for (let f = 0; f < 3; f++) {
    const frame = Array.from({ length: 8 }, (_, t) => signal[f * 5 + t]! * w[t]!);
    close(got.slice(f * 10, f * 10 + 10), naiveDft(complexOf(frame)).slice(0, 10), 1e-12, `frame ${f}`);
  }
  // Complex two-sided without a window; a strided signal (every other sample of a longer one).
  const long = hp.tensor(noise(2 * 24 * 2, 4), [2, 24, 2], { dtype: 'float64' });
  const everyOther = long.slice(null, [0, 24, 2]); // [2, 12, 2]
  const z = hp.stft(everyOther, { frameStep: 4, frameLength: 4, onesided: false });
  assert.deepEqual(z.shape, [2, 3, 4, 2]);
  close(values(z), values(hp.stft(everyOther.contiguous(), { frameStep: 4, frameLength: 4, onesided: false })), 0, 'strided signal');
  const frame = values(everyOther.contiguous()).slice(2 * 12 + 8 * 2, 2 * 12 + 12 * 2); // batch 1, frame 2
  close(values(z).slice(-8), naiveDft(frame), 1e-12, 'complex frame');
});

test('hannWindow: closed forms and identities', async () => {
  const hp = await rt();
  close(values(hp.hannWindow({ size: 4 })), [0, 0.5, 1, 0.5], 1e-7, 'periodic 4');
  close(values(hp.hannWindow({ size: 5, periodic: false })), [0, 0.5, 1, 0.5, 0], 1e-7, 'symmetric 5');
  const n = 16;
  const periodic = values(hp.hannWindow({ size: n, dtype: 'float64' }));
  for (let i = 0; i < n / 2; i++) {
    assert.ok(Math.abs(periodic[i]! + periodic[i + n / 2]! - 1) < 1e-15, `w[${i}] + w[${i + n / 2}] = 1`);
  }
  const symmetric = values(hp.hannWindow({ size: 11, periodic: false, dtype: 'float64' }));
  symmetric.forEach((v, i) => assert.ok(Math.abs(v - symmetric[10 - i]!) < 1e-15, `symmetric at ${i}`));
  // A periodic window of n is the symmetric window of n + 1 without its last point.
  close(periodic, values(hp.hannWindow({ size: n + 1, periodic: false, dtype: 'float64' })).slice(0, n), 1e-15, 'periodic vs symmetric');
  assert.deepEqual(hp.hannWindow({ size: 0 }).shape, [0]);
  assert.deepEqual(values(hp.hannWindow({ size: 1, periodic: false })), [1]);
  assert.equal(hp.hannWindow({ size: 3, dtype: 'float64' }).dtype, 'float64');
});

test('melWeightMatrix: the ONNX example, and triangles with peak 1', async () => {
  const hp = await rt();
  const m = hp.melWeightMatrix({ numMelBins: 8, dftLength: 16, sampleRate: 8192, lowerEdgeHertz: 0, upperEdgeHertz: 4096 });
  assert.deepEqual(m.shape, [9, 8]);
  const ones: [number, number][] = [[0, 0], [0, 1], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]];
  const expected = new Array<number>(72).fill(0);
  ones.forEach(([r, c]) => (expected[r * 8 + c] = 1));
  assert.deepEqual(values(m), expected);
  const big = hp.melWeightMatrix({ numMelBins: 10, dftLength: 512, sampleRate: 16000, lowerEdgeHertz: 20, upperEdgeHertz: 8000, dtype: 'float64' });
  assert.deepEqual(big.shape, [257, 10]);
  const v = values(big);
  for (let c = 0; c < 10; c++) {
    const col = Array.from({ length: 257 }, (_, r) => v[r * 10 + c]!);
    assert.ok(col.every((x) => x >= 0 && x <= 1), `column ${c} in [0, 1]`);
    const peak = col.indexOf(1);
    assert.ok(peak >= 0, `column ${c} peaks at 1`);
    const nonzero = col.map((x, r) => (x > 0 ? r : -1)).filter((r) => r >= 0);
    assert.equal(nonzero.length, nonzero[nonzero.length - 1]! - nonzero[0]! + 1, `column ${c} is one run`);
    for (let r = nonzero[0]!; r < peak; r++) assert.ok(col[r]! < col[r + 1]!, `column ${c} rises`);
    for (let r = peak; r < nonzero[nonzero.length - 1]!; r++) assert.ok(col[r]! > col[r + 1]!, `column ${c} falls`);
    assert.ok(col.some((x) => x > 0 && x < 1), `column ${c} has a sloped edge`);
  }
});

test('spectral kernels: each bad input throws its code with expected and received', async () => {
  const hp = await rt();
  const real = hp.tensor(noise(8, 1), [8, 1]);
  const complex = hp.tensor(noise(16, 1), [8, 2]);
  const detailed = errorOf(() => hp.dft(real, { axis: 1 }));
  assert.equal(detailed.code, 'ARGUMENT');
  assert.ok(detailed.expected !== undefined && detailed.received !== undefined);
  assert.equal(codeOf(() => hp.dft(hp.tensor([1, 2, 3]))), 'SHAPE');
  assert.equal(codeOf(() => hp.dft(hp.tensor(noise(9, 1), [3, 3]))), 'SHAPE');
  assert.equal(codeOf(() => hp.dft(real, { axis: -1 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(real, { axis: 0.5 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(complex, { onesided: true })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(real, { length: 0 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(real, { inverse: 1 as unknown as boolean })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(real, { size: 3 } as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.dft(hp.tensor([1, 2], [2, 1], { dtype: 'int32' }))), 'DTYPE');
  assert.equal(codeOf(() => hp.dft(hp.empty([0, 1]))), 'SHAPE');
  assert.equal(codeOf(() => hp.dft(hp.empty([1, 2]), { inverse: true, onesided: true })), 'SHAPE');
  const signal = hp.tensor(noise(16, 2), [1, 16, 1]);
  assert.equal(codeOf(() => hp.stft(hp.tensor(noise(16, 2), [16, 1]), { frameStep: 4 })), 'SHAPE');
  assert.equal(codeOf(() => hp.stft(signal, {} as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.stft(signal, { frameStep: 0, frameLength: 4 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.stft(signal, { frameStep: 4, frameLength: 17 })), 'SHAPE');
  assert.equal(codeOf(() => hp.stft(signal, { frameStep: 4, frameLength: 4, window: hp.hannWindow({ size: 5 }) })), 'SHAPE');
  assert.equal(codeOf(() => hp.stft(signal, { frameStep: 4, window: hp.hannWindow({ size: 4, dtype: 'float64' }) })), 'DTYPE');
  assert.equal(codeOf(() => hp.stft(signal, { frameStep: 4, window: hp.empty([2, 2]) })), 'SHAPE');
  assert.equal(codeOf(() => hp.stft(hp.tensor(noise(32, 2), [1, 16, 2]), { frameStep: 4, frameLength: 4 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.hannWindow({} as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.hannWindow({ size: -1 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.hannWindow({ size: 2.5 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.hannWindow({ size: 4, periodic: 'yes' as unknown as boolean })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.hannWindow({ size: 4, dtype: 'int32' as 'float32' })), 'DTYPE');
  const mel = { numMelBins: 4, dftLength: 64, sampleRate: 8000, lowerEdgeHertz: 0, upperEdgeHertz: 4000 };
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, lowerEdgeHertz: 4000 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, upperEdgeHertz: 4001 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, lowerEdgeHertz: -1 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, upperEdgeHertz: Number.NaN })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, numMelBins: 0 })), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, sampleRate: undefined } as never)), 'ARGUMENT');
  assert.equal(codeOf(() => hp.melWeightMatrix({ ...mel, dtype: 'int32' as 'float32' })), 'DTYPE');
});
