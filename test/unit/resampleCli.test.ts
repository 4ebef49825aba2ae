/**
 * `hotpath resample`, run as a child process the way users run it: a WAV (rate from the file)
 * and a .npy (rate from --rate), the JSON summary, the .npy written (against the library, SciPy's
 * resample_poly and SoX's independent 16 kHz conversion of the same WAV), and bad input (exit 2,
 * one coded line naming the problem).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readAudio } from '../../src/io/wav.js';
import { resample } from '../../src/stream/resample.js';
import { assertCleanError, hotpath } from '../helpers.js';
import { readFloatNpy, readFloatNpyFile, streamingPath } from '../streamingNpy.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-resample-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const WAV = streamingPath('signals/espeak_enus_s1.wav');

test('resample a WAV: rate from the file, summary, output equal to the library and close to SoX', () => {
  const out = path.join(tmp, 's1_16k.npy');
  const r = hotpath('resample', WAV, '--to', '16000', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(
    { kind: summary.kind, from: summary.from, to: summary.to, up: summary.up, down: summary.down, taps: summary.taps, samplesIn: summary.samplesIn, samplesOut: summary.samplesOut, dtype: summary.dtype },
    { kind: 'wav pcm16', from: 22050, to: 16000, up: 320, down: 441, taps: 8821, samplesIn: 133293, samplesOut: 96721, dtype: 'float32' },
  );
  const y = readFloatNpyFile(out);
  assert.deepEqual(y, Float64Array.from(resample(readAudio(WAV).samples, 22050, 16000)));
  // SoX made enus_s1_16000 from the same WAV with its own filter (and int16 output): the same
  // signal up to filter differences, and any misalignment by a sample would show far above 5%.
  const sox = readFloatNpy('signals/enus_s1_16000.npy');
  assert.equal(y.length, sox.length);
  let error = 0;
  let energy = 0;
  for (let i = 0; i < y.length; i++) {
    error += (y[i]! - sox[i]!) ** 2;
    energy += sox[i]! ** 2;
  }
  assert.ok(Math.sqrt(error / energy) < 0.05, `relative rms difference from SoX ${Math.sqrt(error / energy)}`);
  const text = hotpath('resample', WAV, '--to', '16000', '--out', out);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^resampled .*espeak_enus_s1\.wav \(wav pcm16, 22050 Hz, 6\.045 s\) to 16000 Hz: 133293 -> 96721 samples/);
});

test('resample a .npy with --rate, float64 output: within 1e-12 of resample_poly', () => {
  const out = path.join(tmp, 's3cut_16k.npy');
  const r = hotpath('resample', streamingPath('signals/enus_s3cut_48000.npy'), '--rate', '48000', '--to', '16000', '--dtype', 'float64', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const y = readFloatNpyFile(out);
  const expected = readFloatNpy('resample/resample_48000_16000_enus_s3cut.npy');
  assert.equal(y.length, expected.length);
  let worst = 0;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(y[i]! - expected[i]!));
  }
  assert.ok(worst < 1e-12, `max abs diff ${worst}`);
});

test('bad input: exit 2 with one coded error line', () => {
  const out = path.join(tmp, 'never.npy');
  const npy = streamingPath('signals/enus_s3cut_48000.npy');
  assertCleanError(hotpath('resample', npy, '--to', '16000', '--out', out), 'ARGUMENT', '--rate');
  assertCleanError(hotpath('resample', WAV, '--rate', '16000', '--to', '16000', '--out', out), 'ARGUMENT', 'disagrees');
  assertCleanError(hotpath('resample', WAV, '--to', 'fast', '--out', out), 'ARGUMENT', 'invalid --to');
  assertCleanError(hotpath('resample', WAV, '--to', '0', '--out', out), 'ARGUMENT', 'invalid --to');
  assertCleanError(hotpath('resample', WAV, '--to', '16000', '--dtype', 'int16', '--out', out), 'ARGUMENT', '--dtype');
  assertCleanError(hotpath('resample', npy, '--rate', '1000003', '--to', '16000', '--out', out), 'ARGUMENT', 'taps');
  assertCleanError(hotpath('resample', path.join(tmp, 'missing.wav'), '--to', '16000', '--out', out), 'IO', 'missing.wav');
  const truncated = path.join(tmp, 'truncated.wav');
  writeFileSync(truncated, readFileSync(WAV).subarray(0, 1001));
  assertCleanError(hotpath('resample', truncated, '--to', '16000', '--out', out), 'FORMAT', 'truncated.wav');
  const text = path.join(tmp, 'notes.txt');
  writeFileSync(text, 'not audio');
  assertCleanError(hotpath('resample', text, '--rate', '16000', '--to', '8000', '--out', out), 'FORMAT', 'neither a WAV nor a .npy');
  const matrix = path.join(tmp, 'matrix.npy');
  // A numpy v1.0 file: 10-byte preamble, header dict padded to 128 bytes in all, then 4 floats.
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const bytes = new Uint8Array(128 + 16);
  bytes.set([0x93, ...'NUMPY'].map((c) => (typeof c === 'number' ? c : c.charCodeAt(0))), 0);
  bytes.set([1, 0, padded.length & 0xff, padded.length >> 8], 6);
  bytes.set([...padded].map((c) => c.charCodeAt(0)), 10);
  writeFileSync(matrix, bytes);
  assertCleanError(hotpath('resample', matrix, '--rate', '16000', '--to', '8000', '--out', out), 'FORMAT', 'not a mono signal');
});
