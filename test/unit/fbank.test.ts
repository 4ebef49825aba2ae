/**
 * fbank's pieces and edges: the Slaney bank against Whisper's own mel_filters.npz (float32), the
 * windows' defining values, validation errors, empty input and NaN frames, on every backend.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { melBank } from '../../src/audio/mel.js';
import { analysisWindow } from '../../src/audio/window.js';
import { frameCount, frameSignal } from '../../src/audio/frame.js';
import { presetOf } from '../../src/audio/presets.js';
import { assertCode, eachRuntime } from '../helpers.js';
import { readNpy } from '../fbankFixtures.js';

const RUNTIMES = [
  { name: 'ref', options: { require: 'ref' } },
  { name: 'wasm', options: { require: 'wasm', threads: 2 } },
] as const;

test("the Slaney bank equals Whisper's mel_80 to float32 precision", () => {
  const whisper = readNpy('whisper_logmel/mel_filters_80.npy');
  assert.deepEqual(whisper.shape, [80, 201]);
  const bank = melBank({ sampleRate: 16000, nFft: 400, nMels: 80, fMin: 0, fMax: 8000, melScale: 'slaney', melNorm: 'slaney' });
  let nonzero = 0;
  for (let m = 0; m < 80; m++) {
    for (let k = 0; k < 201; k++) {
      const e = whisper.data[m * 201 + k]!;
      const a = bank[m]![k]!;
      nonzero += e !== 0 ? 1 : 0;
      // librosa builds the weights in float32: one rounding of each factor.
      assert.ok(Math.abs(a - e) <= 4 * 2 ** -24 * Math.abs(e) + 1e-12, `mel ${m} bin ${k}: ${a} vs ${e}`);
    }
  }
  assert.ok(nonzero > 300, 'the file has the triangles');
});

test("Kaldi's bank: unit peaks, no weight on the Nyquist bin, triangles in HTK mels", () => {
  const bank = melBank({ sampleRate: 16000, nFft: 512, nMels: 80, fMin: 20, fMax: 8000, melScale: 'htk-kaldi', melNorm: 'none' });
  for (const row of bank) {
    assert.equal(row.length, 257);
    assert.equal(row[256], 0);
    assert.ok(Math.max(...row) <= 1 && Math.max(...row) > 0, "every band has weight");
  }
  // Band 0 spans mel(20) .. mel(20) + 2 delta, delta = (mel(8000) - mel(20)) / 81 (1127 ln(1 + f/700)).
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const delta = (mel(8000) - mel(20)) / 81;
  const bin1 = mel(31.25);
  assert.ok(Math.abs(bank[0]![1]! - (bin1 - mel(20)) / delta) < 1e-12);
});

test('windows: periodic Hann and Povey at their defining points', () => {
  const hann = analysisWindow('hann', 400);
  assert.equal(hann[0], 0);
  assert.equal(hann[200], 1);
  assert.ok(Math.abs(hann[100]! - 0.5) < 1e-15);
  const povey = analysisWindow('povey', 400);
  assert.equal(povey[0], 0);
  assert.ok(Math.abs(povey[399]!) < 1e-12, 'symmetric: zero at both ends');
  assert.ok(Math.abs(povey[100]! - Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * 100) / 399), 0.85)) < 1e-15);
  assert.ok(Math.abs(analysisWindow('hamming', 400)[0]! - 0.08) < 1e-15);
});

test('framing: Kaldi snip_edges true/false and Whisper reflect counts and edges', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => i);
  assert.equal(frameCount(1000, { frameLength: 400, hop: 160, padding: 'none' }), 4);
  assert.equal(frameCount(399, { frameLength: 400, hop: 160, padding: 'none' }), 0);
  assert.equal(frameCount(1000, { frameLength: 400, hop: 160, padding: 'kaldi' }), 6);
  assert.equal(frameCount(1000, { frameLength: 400, hop: 160, padding: 'reflect', dropLast: true }), 6);
  const mirror = frameSignal(x, { frameLength: 400, hop: 160, padding: 'kaldi' });
  // Frame 0 starts at -120: -120 -> 119, -1 -> 0.
  assert.deepEqual([mirror[0], mirror[119], mirror[120]], [119, 0, 0]);
  const reflect = frameSignal(x, { frameLength: 400, hop: 160, padding: 'reflect', dropLast: true });
  // Frame 0 starts at -200: -200 -> 200, -1 -> 1.
  assert.deepEqual([reflect[0], reflect[199], reflect[200]], [200, 1, 0]);
  // The last frame of 970 samples (5) starts at 600: 969 is the last sample, 970 -> 968.
  const short = frameSignal(x.subarray(0, 970), { frameLength: 400, hop: 160, padding: 'reflect', dropLast: true });
  assert.equal(short.length, 6 * 400);
  assert.deepEqual([short[5 * 400 + 369], short[5 * 400 + 370], short[5 * 400 + 399]], [969, 968, 939]);
  // Kaldi's last frame (5) starts at 680: 1000 -> 999, 1079 -> 920.
  assert.deepEqual([mirror[5 * 400 + 319], mirror[5 * 400 + 320], mirror[5 * 400 + 399]], [999, 999, 920]);
});

eachRuntime(RUNTIMES, 'fbank validates its input and attributes', (hp) => {
  const frames = hp.tensor(new Float32Array(8 * 400), [8, 400]);
  assertCode(() => hp.run('fbank', [frames], { nFft: 256 }), 'SHAPE', 'nFft');
  assertCode(() => hp.run('fbank', [hp.tensor(new Float32Array(400), [400])]), 'SHAPE', 'rank 2');
  assertCode(() => hp.run('fbank', [hp.tensor(new Int32Array(400), [1, 400])]), 'DTYPE', 'frames');
  assertCode(() => hp.run('fbank', [frames], { window: 'blackman' as never }), 'ARGUMENT', "'povey'");
  assertCode(() => hp.run('fbank', [frames], { log: 'log2' as never }), 'ARGUMENT', 'ln-kaldi');
  assertCode(() => hp.run('fbank', [frames], { fMax: 9000 }), 'ARGUMENT', 'frequency range');
  assertCode(() => hp.run('fbank', [frames], { preemph: 2 }), 'ARGUMENT', 'preemph');
  assertCode(() => hp.run('fbank', [frames], { nMels: 0 }), 'ARGUMENT', 'nMels');
  assertCode(() => hp.run('fbank', [frames], { colour: 1 } as never), 'ARGUMENT', 'colour');
});

eachRuntime(RUNTIMES, 'fbank of zero frames is [0, nMels]; NaN frames give NaN rows only', (hp) => {
  const { attrs } = presetOf('kaldi-fbank');
  const [empty] = hp.run('fbank', [hp.tensor(new Float32Array(0), [0, 400])], attrs);
  assert.deepEqual(empty!.shape, [0, 80]);
  const data = new Float32Array(6 * 400).map((_, i) => Math.sin(i * 0.37));
  data[2 * 400 + 17] = NaN;
  const [y] = hp.run('fbank', [hp.tensor(data, [6, 400])], attrs);
  const v = y!.toArray() as Float32Array;
  for (let f = 0; f < 6; f++) {
    const row = Array.from(v.subarray(f * 80, f * 80 + 80));
    assert.equal(row.every(Number.isNaN), f === 2, `frame ${f}`);
    assert.equal(row.some(Number.isNaN), f === 2, `frame ${f}`);
  }
  // Digital silence hits the floor ln(FLT_EPSILON) exactly, on every backend.
  const [silent] = hp.run('fbank', [hp.tensor(new Float32Array(400), [1, 400])], attrs);
  assert.ok((silent!.toArray() as Float32Array).every((e) => e === Math.fround(Math.log(2 ** -23))));
});

eachRuntime(RUNTIMES, 'melMajor gives the transpose of the frame-major output, bit for bit, for every frame count (whole and partial lane groups)', (hp) => {
  for (const preset of ['whisper-80', 'kaldi-fbank'] as const) {
    const { attrs, frame } = presetOf(preset);
    for (const n of [1, 3, 4, 7, 13]) {
      const data = new Float32Array(n * frame.frameLength).map((_, i) => Math.sin(i * 0.113) * 0.3 + Math.cos(i * 0.0071) * 0.1);
      const x = hp.tensor(data, [n, frame.frameLength]);
      const [rows] = hp.run('fbank', [x], attrs);
      const [mels] = hp.run('fbank', [x], { ...attrs, melMajor: true });
      assert.deepEqual(mels!.shape, [attrs.nMels, n]);
      const a = rows!.toArray() as Float32Array;
      const b = mels!.toArray() as Float32Array;
      for (let f = 0; f < n; f++) {
        for (let m = 0; m < attrs.nMels; m++) {
          assert.ok(Object.is(b[m * n + f], a[f * attrs.nMels + m]), `${preset} n=${n} frame ${f} mel ${m}: ${b[m * n + f]} vs ${a[f * attrs.nMels + m]}`);
        }
      }
    }
  }
  assertCode(() => hp.run('fbank', [hp.tensor(new Float32Array(400), [1, 400])], { melMajor: 'yes' as never }), 'ARGUMENT', 'melMajor');
});
