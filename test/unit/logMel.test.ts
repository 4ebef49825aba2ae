/**
 * The offline speech features hp.logMel and hp.fbank on the streaming reference data: Whisper's
 * log-mel 80 (mel-major, global floor) and Kaldi fbank80 with snip_edges true, on every CPU
 * backend configuration; snip_edges false against a float64 loop written here; argument errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCode, eachRuntime } from '../helpers.js';
import { readNpy, signal } from '../fbankFixtures.js';
import { whisperFloor } from '../../src/audio/logMel.js';
import { frameSignal } from '../../src/audio/frame.js';
import { presetOf } from '../../src/audio/presets.js';

const RUNTIMES = [
  { name: 'ref', options: { require: 'ref' } },
  { name: 'wasm 2 threads', options: { require: 'wasm', threads: 2, parallelThreshold: 0 } },
] as const;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

eachRuntime(RUNTIMES, "hp.logMel matches Whisper's log_mel_spectrogram (whisper-80)", (hp) => {
  for (const name of ['enus_s1_16000', 'enus_s3cut_16000']) {
    const expected = readNpy(`whisper_logmel/logmel80_${name}.npy`);
    const x = hp.tensor(signal(name));
    const mel = hp.logMel(x, { preset: 'whisper-80' });
    assert.deepEqual(mel.shape, expected.shape);
    assert.ok(maxDiff(mel.toArray() as Float32Array, expected.data) <= 1e-4, name);
  }
});

eachRuntime(RUNTIMES, 'hp.fbank matches kaldi-native-fbank (snip_edges true)', (hp) => {
  const expected = readNpy('kaldi_fbank/fbank80_snip1_enus_s3cut_16000.npy');
  const feats = hp.fbank(hp.tensor(signal('enus_s3cut_16000')));
  assert.deepEqual(feats.shape, expected.shape);
  assert.ok(maxDiff(feats.toArray() as Float32Array, expected.data) <= 2e-3);
});

eachRuntime(RUNTIMES, 'hp.fbank with snipEdges false: (N + 80) // 160 frames, mirrored edges', (hp) => {
  // 1000 samples of a chirp: frames start at 160 i - 120; the first and last frames reach past the edges.
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(0.001 * i * i) * 0.5);
  const feats = hp.fbank(hp.tensor(x), { snipEdges: false });
  assert.deepEqual(feats.shape, [6, 80]);
  const short = hp.fbank(hp.tensor(x), { snipEdges: true });
  assert.deepEqual(short.shape, [4, 80]);
  // Frame 1 of snip_edges=false starts at 40, entirely inside: it equals a frame computed from x[40:440] alone.
  const alone = hp.fbank(hp.tensor(x.slice(40, 440)));
  assert.deepEqual(Array.from((feats.toArray() as Float32Array).subarray(80, 160)), Array.from(alone.toArray() as Float32Array));
  // Frame 0 starts at -120: x[-120 .. -1] mirrored to x[119 .. 0].
  const mirrored = new Float32Array(400);
  for (let t = 0; t < 400; t++) {
    const s = t - 120;
    mirrored[t] = x[s < 0 ? -s - 1 : s]!;
  }
  const first = hp.fbank(hp.tensor(mirrored));
  assert.deepEqual(Array.from((feats.toArray() as Float32Array).subarray(0, 80)), Array.from(first.toArray() as Float32Array));
});

eachRuntime(RUNTIMES, 'hp.logMel and hp.fbank reject bad signals and options', (hp) => {
  assertCode(() => hp.logMel(hp.tensor(new Float32Array(800), [2, 400])), 'SHAPE', 'mono');
  assertCode(() => hp.logMel(hp.tensor(new Int32Array(800))), 'DTYPE', 'float');
  assertCode(() => hp.logMel(hp.tensor(new Float32Array(800)), { preset: 'whisper-99' as never }), 'ARGUMENT', 'preset');
  assertCode(() => hp.fbank(hp.tensor(new Float32Array(800)), { snipEdges: 'yes' as never }), 'ARGUMENT', 'snipEdges');
  assertCode(() => hp.fbank(null as never), 'ARGUMENT', 'not a tensor');
  // Shorter than a frame: no frames, not an error.
  assert.deepEqual(hp.fbank(hp.tensor(new Float32Array(399))).shape, [0, 80]);
  assert.deepEqual(hp.logMel(hp.tensor(new Float32Array(100))).shape, [80, 0]);
  assert.deepEqual(hp.logMel(hp.tensor(new Float32Array(1000)), { preset: 'whisper-128' }).shape, [128, 6]);
});

eachRuntime(RUNTIMES, 'hp.logMel is bit for bit whisperFloor of the frame-major kernel output, transposed (also with NaN in the signal)', (hp) => {
  const { attrs, frame } = presetOf('whisper-80');
  const base = signal('enus_s3cut_16000');
  const withNaN = Float32Array.from(base);
  withNaN[1234] = NaN;
  for (const x of [base, withNaN]) {
    const frames = frameSignal(x, { ...frame, dropLast: false });
    const all = frames.length / frame.frameLength;
    const kept = all - 1;
    const [rows] = hp.run('fbank', [hp.tensor(frames, [all, frame.frameLength])], attrs);
    const spec = (rows!.toArray() as Float32Array).slice(0, kept * attrs.nMels);
    whisperFloor(spec);
    const mel = hp.logMel(hp.tensor(x), { preset: 'whisper-80' }).toArray() as Float32Array;
    assert.equal(mel.length, spec.length);
    // torch: log_spec.max() is NaN when any is, and maximum(x, NaN) is NaN: every value is NaN.
    assert.equal(mel.every(Number.isNaN), x === withNaN);
    for (let f = 0; f < kept; f++) {
      for (let m = 0; m < attrs.nMels; m++) {
        assert.ok(Object.is(mel[m * kept + f], spec[f * attrs.nMels + m]), `frame ${f} mel ${m}: ${mel[m * kept + f]} vs ${spec[f * attrs.nMels + m]}`);
      }
    }
  }
});
