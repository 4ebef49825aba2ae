/**
 * `hotpath features` as a child process on the conformance speech: a 16 kHz .npy gives
 * kaldi-native-fbank's fbank (atol 2e-3) and the Whisper log-mel transcription (atol 1e-4) that
 * the reference data holds; a 22050 Hz WAV is resampled first (its frame count follows from the
 * WAV's sample count, read here from the RIFF header); bad input is a coded error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readNpy } from '../fbankFixtures.js';
import { assertCleanError, hotpath, maxAbsDiff } from '../helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-features-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SIGNALS = path.resolve('test/fixtures/streaming/signals');

/** The written .npy, read by the fixtures' own reader (float32, C order). */
function written(file: string): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(file);
  const header = bytes.readUInt16LE(8);
  const dict = bytes.subarray(10, 10 + header).toString('latin1');
  assert.match(dict, /'descr': '<f4'/);
  const shape = (/'shape': \(([^)]*)\)/.exec(dict)?.[1] ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  return { shape, data: new Float32Array(new Uint8Array(bytes.subarray(10 + header)).buffer) };
}


test('features of a 16 kHz .npy match kaldi-native-fbank and the Whisper log-mel reference', () => {
  const input = path.join(SIGNALS, 'enus_s3cut_16000.npy');
  const kaldiOut = path.join(tmp, 'fbank.npy');
  const r = hotpath('features', input, '--rate', '16000', '--preset', 'kaldi-fbank', '--out', kaldiOut, '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { shape: number[]; sampleRate: number; preset: string };
  const kaldi = readNpy('kaldi_fbank/fbank80_snip1_enus_s3cut_16000.npy');
  assert.deepEqual(summary.shape, kaldi.shape);
  const gotKaldi = written(kaldiOut);
  assert.deepEqual(gotKaldi.shape, kaldi.shape);
  assert.ok(maxAbsDiff(gotKaldi.data, kaldi.data) <= 2e-3);

  const whisperOut = path.join(tmp, 'logmel.npy');
  assert.equal(hotpath('features', input, '--rate', '16000', '--preset', 'whisper-80', '--out', whisperOut).code, 0);
  const whisper = readNpy('whisper_logmel/logmel80_enus_s3cut_16000.npy');
  const gotWhisper = written(whisperOut);
  assert.deepEqual(gotWhisper.shape, whisper.shape);
  assert.ok(maxAbsDiff(gotWhisper.data, whisper.data) <= 1e-4);
});

test('features of a 22050 Hz WAV: resampled to 16 kHz first, Whisper frames = resampled samples // 160', () => {
  const wav = path.join(SIGNALS, 'espeak_enus_s1.wav');
  const bytes = readFileSync(wav);
  // The data chunk's size (bytes) / 2 = PCM16 mono samples.
  let at = 12;
  let samples = 0;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'data') {
      samples = size / 2;
      break;
    }
    at += 8 + size + (size % 2);
  }
  assert.ok(samples > 0);
  const r = hotpath('features', wav, '--preset', 'whisper-80', '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { shape: number[]; sampleRate: number; resampledTo: number };
  assert.equal(summary.sampleRate, 22050);
  assert.equal(summary.resampledTo, 16000);
  // resample_poly 22050 -> 16000 is up 320 / down 441: ceil(N * 320 / 441) samples.
  assert.deepEqual(summary.shape, [80, Math.floor(Math.ceil((samples * 320) / 441) / 160)]);
});

test('features: bad presets, options and files are coded errors', () => {
  const npy = path.join(SIGNALS, 'enus_s3cut_16000.npy');
  assertCleanError(hotpath('features', npy, '--rate', '16000', '--preset', 'whisper-81'), 'ARGUMENT', 'unknown --preset');
  assertCleanError(hotpath('features', npy, '--preset', 'kaldi-fbank'), 'ARGUMENT', 'no sample rate');
  assertCleanError(hotpath('features', npy, '--rate', '16000', '--preset', 'whisper-80', '--snip-edges', 'false'), 'ARGUMENT', 'kaldi-fbank only');
  assertCleanError(hotpath('features', npy, '--rate', '16000', '--preset', 'kaldi-fbank', '--snip-edges', 'maybe'), 'ARGUMENT', 'invalid --snip-edges');
  const junk = path.join(tmp, 'junk.wav');
  writeFileSync(junk, 'RIFF\u0004\u0000\u0000\u0000WAVEjunk');
  assertCleanError(hotpath('features', junk, '--preset', 'kaldi-fbank'), 'FORMAT');
  assertCleanError(hotpath('features', path.join(tmp, 'missing.wav'), '--preset', 'kaldi-fbank'), 'IO');
});
