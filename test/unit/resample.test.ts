/**
 * The polyphase resampler against scipy.signal.resample_poly (SciPy 1.10.1 outputs and taps in
 * test/fixtures/streaming/resample/, README §5 of the conformance drop), against a plain
 * float64 loop of resample_poly's formula for other ratios, and against facts (numpy.i0 values,
 * unit DC gain, a 1 kHz tone staying a 1 kHz tone). Whole and chunked runs must agree bit for bit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotpathError } from '../../src/errors.js';
import { Resampler, resample } from '../../src/stream/resample.js';
import { besselI0, firwinKaiser, rateRatio } from '../../src/stream/resampleFilter.js';
import { maxAbsDiff } from '../helpers.js';
import { readFloatNpy } from '../streamingNpy.js';


/** resample_poly's formula, term by term: y[m] = sum_n x[n] * up * taps[m*down - n*up + halfLen]. */
function directResample(x: Float64Array, taps: Float64Array, up: number, down: number): Float64Array {
  const halfLen = (taps.length - 1) / 2;
  const y = new Float64Array(Math.ceil((x.length * up) / down));
  for (let m = 0; m < y.length; m++) {
    let acc = 0;
    for (let n = 0; n < x.length; n++) {
      const k = m * down - n * up + halfLen;
      if (k >= 0 && k < taps.length) {
        acc += x[n]! * up * taps[k]!;
      }
    }
    y[m] = acc;
  }
  return y;
}

/** Splits x into chunks of the given sizes (cycled), then pushes them and concatenates. */
function chunked(rs: Resampler<'float64'>, x: Float64Array, sizes: readonly number[]): Float64Array {
  const out: number[] = [];
  let at = 0;
  for (let i = 0; at < x.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(...rs.push(x.subarray(at, Math.min(x.length, at + size))));
    at += size;
  }
  out.push(...rs.end());
  return Float64Array.from(out);
}

test('besselI0 matches numpy.i0', () => {
  // numpy 1.24.2: [repr(float(np.i0(x))) for x in (0, 0.5, 1, 2.5, 5)]
  const expected: [number, number][] = [[0, 1.0], [0.5, 1.0634833707413234], [1, 1.2660658777520082], [2.5, 3.289839144050123], [5, 27.239871823604442]];
  for (const [x, value] of expected) {
    assert.ok(Math.abs(besselI0(x) - value) <= 4 * Number.EPSILON * value, `I0(${x}) = ${besselI0(x)}, numpy ${value}`);
  }
});

test('rateRatio reduces by the gcd', () => {
  assert.deepEqual(rateRatio(44100, 16000), { up: 160, down: 441, halfLen: 4410 });
  assert.deepEqual(rateRatio(48000, 16000), { up: 1, down: 3, halfLen: 30 });
  assert.deepEqual(rateRatio(22050, 16000), { up: 320, down: 441, halfLen: 4410 });
  assert.deepEqual(rateRatio(8000, 16000), { up: 2, down: 1, halfLen: 20 });
});

for (const [up, down, from] of [[160, 441, 44100], [1, 3, 48000]] as const) {
  test(`firwin taps for ${up}/${down} match scipy's`, () => {
    const expected = readFloatNpy(`resample/firwin_up${up}_down${down}.npy`);
    const taps = firwinKaiser(rateRatio(from, 16000));
    assert.equal(taps.length, expected.length);
    const peak = Math.max(...expected.map(Math.abs));
    const relative = maxAbsDiff(taps, expected) / peak;
    assert.ok(relative < 1e-13, `max diff relative to the largest tap: ${relative}`);
  });
}

const CASES = [
  { name: 'resample_44100_16000_enus_s1', input: 'enus_s1_44100', from: 44100 },
  { name: 'resample_48000_16000_enus_s1', input: 'enus_s1_48000', from: 48000 },
  { name: 'resample_48000_16000_enus_s3cut', input: 'enus_s3cut_48000', from: 48000 },
] as const;

for (const c of CASES) {
  test(`${c.name}: whole and chunked within 1e-12 of resample_poly, identical to each other`, () => {
    const x = readFloatNpy(`signals/${c.input}.npy`);
    const expected = readFloatNpy(`resample/${c.name}.npy`);
    const whole = resample(x, c.from, 16000, { dtype: 'float64' });
    assert.equal(whole.length, expected.length);
    const diff = maxAbsDiff(whole, expected);
    assert.ok(diff < 1e-12, `max abs diff ${diff}`);
    const pieces = chunked(new Resampler({ from: c.from, to: 16000, dtype: 'float64' }), x, [1, 0, 7, 4409, 97, 40_000, 2, 13]);
    assert.deepEqual(pieces, whole);
    // The float32 output is the float64 one rounded: within the 1e-4 bar with room to spare.
    const single = resample(x, c.from, 16000);
    assert.ok(single instanceof Float32Array);
    assert.deepEqual(single, Float32Array.from(whole));
  });
}

for (const [from, to] of [[22050, 16000], [32000, 16000], [8000, 16000], [16000, 44100], [7, 5], [3, 11]] as const) {
  test(`${from} -> ${to} equals resample_poly's formula as a plain loop`, () => {
    const n = 700;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.25 * Math.cos(i * 1.91) - (i % 13) / 40);
    const { up, down } = rateRatio(from, to);
    const expected = directResample(x, firwinKaiser(rateRatio(from, to)), up, down);
    const y = resample(x, from, to, { dtype: 'float64' });
    assert.ok(maxAbsDiff(y, expected) < 1e-13, `max abs diff ${maxAbsDiff(y, expected)}`);
  });
}

test('a 1 kHz tone stays a 1 kHz tone and DC keeps unit gain (22050, 32000, 8000 -> 16000)', () => {
  for (const from of [22050, 32000, 8000, 44100, 48000]) {
    const seconds = 0.5;
    const x = Float64Array.from({ length: from * seconds }, (_, i) => 0.5 + 0.4 * Math.sin((2 * Math.PI * 1000 * i) / from));
    const y = resample(x, from, 16000, { dtype: 'float64' });
    assert.equal(y.length, 16000 * seconds);
    // Away from the edges (where the zero padding shows) the output is the same function at 16 kHz.
    let worst = 0;
    for (let m = 400; m < y.length - 400; m++) {
      worst = Math.max(worst, Math.abs(y[m]! - (0.5 + 0.4 * Math.sin((2 * Math.PI * 1000 * m) / 16000))));
    }
    assert.ok(worst < 2e-3, `${from} Hz: worst deviation ${worst}`);
  }
});

test('outputs leave as soon as their last input arrives (48000 -> 16000: output m needs x[3m+30])', () => {
  const rs = new Resampler({ from: 48000, to: 16000 });
  assert.equal(rs.push(new Float32Array(30)).length, 0);
  assert.equal(rs.push(new Float32Array(1)).length, 1); // x[30] arrived: y[0] is complete
  assert.equal(rs.push(new Float32Array(2)).length, 0);
  assert.equal(rs.push(new Float32Array(1)).length, 1); // x[33]: y[1]
  assert.equal(rs.end().length, Math.ceil(34 / 3) - 2);
});

test('output length is ceil(N*up/down), also for tiny and empty inputs', () => {
  for (const n of [0, 1, 2, 3, 440, 441, 442, 1000]) {
    for (const [from, to] of [[44100, 16000], [48000, 16000], [8000, 16000], [16000, 16000]] as const) {
      const { up, down } = from === to ? { up: 1, down: 1 } : rateRatio(from, to);
      assert.equal(resample(new Float32Array(n).fill(0.5), from, to).length, Math.ceil((n * up) / down), `${n} samples ${from} -> ${to}`);
    }
  }
});

test('equal rates pass the samples through unchanged', () => {
  const x = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i) * 0.7);
  assert.deepEqual(resample(x, 16000, 16000), x);
});

test('memory stays bounded by the filter, not the stream', () => {
  const rs = new Resampler({ from: 44100, to: 16000 });
  const chunk = new Float32Array(441).fill(0.1);
  let most = 0;
  for (let i = 0; i < 2000; i++) {
    rs.push(chunk);
    most = Math.max(most, rs.buffered);
  }
  // 8821 taps / 160 phases: an output reads at most 56 inputs; one 441-sample chunk on top.
  assert.ok(most <= 56 + 441, `held ${most} inputs`);
  assert.equal(rs.samplesIn, 2000 * 441);
});

test('bad arguments and misuse throw HotpathError with stable codes', () => {
  const code = (fn: () => unknown, expected: string): void => {
    assert.throws(fn, (e: unknown) => e instanceof HotpathError && e.code === expected);
  };
  for (const rate of [0, -16000, 1.5, Number.NaN, Infinity]) {
    code(() => new Resampler({ from: rate, to: 16000 }), 'ARGUMENT');
    code(() => new Resampler({ from: 16000, to: rate }), 'ARGUMENT');
  }
  code(() => new Resampler({ from: 1_000_003, to: 16000 }), 'ARGUMENT');
  code(() => new Resampler({ from: 16000, to: 16000, dtype: 'int16' as 'float32' }), 'ARGUMENT');
  const rs = new Resampler({ from: 48000, to: 16000 });
  code(() => rs.push([1, 2, 3] as unknown as Float32Array), 'DTYPE');
  code(() => rs.push(new Int16Array(3) as unknown as Float32Array), 'DTYPE');
  rs.end();
  code(() => rs.push(new Float32Array(3)), 'LIFETIME');
  code(() => rs.end(), 'LIFETIME');
  assert.throws(() => new Resampler({ from: 1_000_003, to: 16000 }), /reduces to 16000\/1000003/);
});

test('a Resampler given the designed taps gives the same samples; taps of another length are ARGUMENT', () => {
  const x = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i / 3) + 0.1 * Math.cos(i / 17));
  const taps = firwinKaiser(rateRatio(44100, 16000));
  const own = new Resampler({ from: 44100, to: 16000 });
  const given = new Resampler({ from: 44100, to: 16000, taps });
  const a = [...own.push(x), ...own.end()];
  const b = [...given.push(x), ...given.end()];
  assert.deepEqual(b, a);
  assert.throws(() => new Resampler({ from: 44100, to: 16000, taps: taps.subarray(1) }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /8820 taps/.test(e.message));
  assert.throws(() => new Resampler({ from: 48000, to: 16000, taps }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});
