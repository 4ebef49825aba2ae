/**
 * readAudio: the espeak-ng WAVs of the streaming drop (checked against a plain DataView decode
 * in this file and against scipy.io.wavfile facts), every supported format built by hand, and
 * hostile files: every prefix of a file, lying sizes, absurd fields, other codecs, random
 * header corruption. Bad input must give FORMAT (or IO) naming the file, never a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { HotpathError } from '../../src/errors.js';
import { readAudio } from '../../src/io/wav.js';
import { streamingPath } from '../streamingNpy.js';
import { bytesOf, int24, makeWav } from '../wavBytes.js';

function throwsCode(fn: () => unknown, code: string, text?: RegExp, label = ''): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HotpathError, `${label}: not a HotpathError: ${String(e)}`);
    assert.equal(e.code, code, `${label}: ${e.message}`);
    if (text !== undefined) {
      assert.match(e.message, text, label);
    }
    return true;
  }, label);
}

// scipy.io.wavfile.read (SciPy 1.17.1): frames, sum and sum of squares of the int16 samples.
const ESPEAK = [
  { k: 1, frames: 133293, sum: 5250555, squares: 1151372588913 },
  { k: 2, frames: 118311, sum: 3744723, squares: 923460967003 },
  { k: 3, frames: 147154, sum: 4748665, squares: 1350725890123 },
];

for (const w of ESPEAK) {
  test(`espeak_enus_s${w.k}.wav: 22050 Hz mono PCM16, samples / 32768 exactly`, () => {
    const path = streamingPath(`signals/espeak_enus_s${w.k}.wav`);
    const audio = readAudio(path);
    assert.equal(audio.sampleRate, 22050);
    assert.equal(audio.channels, 1);
    assert.equal(audio.format, 'pcm16');
    assert.equal(audio.samples.length, w.frames);
    // The file is a canonical 44-byte-header WAV: its samples are int16 from byte 44.
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset + 44, w.frames * 2);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < w.frames; i++) {
      const v = view.getInt16(2 * i, true);
      sum += v;
      squares += v * v;
      if (audio.samples[i] !== v / 32768) {
        assert.fail(`sample ${i}: ${audio.samples[i]}, expected ${v}/32768`);
      }
    }
    assert.equal(sum, w.sum);
    assert.equal(squares, w.squares);
    // The same bytes given in memory read the same.
    assert.deepEqual(readAudio(new Uint8Array(bytes), { name: 'espeak' }).samples, audio.samples);
  });
}

test('every supported format decodes to the expected float values', () => {
  const cases = [
    { bits: 8, tag: 1, data: Uint8Array.of(0, 128, 255, 64), expected: [-1, 0, 127 / 128, -0.5], format: 'pcm8' },
    { bits: 16, tag: 1, data: bytesOf(Int16Array.of(-32768, 0, 32767, 1)), expected: [-1, 0, 32767 / 32768, 1 / 32768], format: 'pcm16' },
    { bits: 24, tag: 1, data: int24([-8388608, 8388607, 1, -2]), expected: [-1, 8388607 / 8388608, 1 / 8388608, -2 / 8388608], format: 'pcm24' },
    { bits: 32, tag: 1, data: bytesOf(Int32Array.of(-2147483648, 1 << 30, -(1 << 20))), expected: [-1, 0.5, -(2 ** -11)], format: 'pcm32' },
    { bits: 32, tag: 3, data: bytesOf(Float32Array.of(0.25, -1.5, 1e-8)), expected: [0.25, -1.5, Math.fround(1e-8)], format: 'float32' },
    { bits: 64, tag: 3, data: bytesOf(Float64Array.of(0.1, -0.75)), expected: [Math.fround(0.1), -0.75], format: 'float64' },
  ] as const;
  for (const c of cases) {
    for (const extensible of [false, true]) {
      const bytes = makeWav({ bits: c.bits, rate: 8000, data: c.data, ...(extensible ? { tag: 0xfffe, subTag: c.tag } : { tag: c.tag }) });
      const audio = readAudio(bytes, { name: `${c.format}.wav` });
      assert.equal(audio.format, c.format);
      assert.equal(audio.sampleRate, 8000);
      assert.deepEqual(Array.from(audio.samples), c.expected.map(Math.fround), `${c.format}${extensible ? ' (extensible)' : ''}`);
    }
  }
});

test('multi-channel files are averaged to mono', () => {
  const stereo = makeWav({ channels: 2, data: bytesOf(Int16Array.of(16384, -16384, 32767, 32767, -32768, 0)) });
  const audio = readAudio(stereo);
  assert.equal(audio.channels, 2);
  assert.deepEqual(Array.from(audio.samples), [0, 32767 / 32768, -0.5].map(Math.fround));
  const three = makeWav({ tag: 3, bits: 32, channels: 3, data: bytesOf(Float32Array.of(0.1, 0.2, 0.3)) });
  assert.deepEqual(Array.from(readAudio(three).samples), [Math.fround((Math.fround(0.1) + Math.fround(0.2) + Math.fround(0.3)) / 3)]);
});

test('chunks before fmt, odd-sized chunks (padded) and data before fmt are read', () => {
  const data = bytesOf(Int16Array.of(1000, -1000));
  const expected = [1000 / 32768, -1000 / 32768];
  assert.deepEqual(Array.from(readAudio(makeWav({ data, before: [['LIST', Uint8Array.of(1, 2, 3)]] })).samples), expected);
  assert.deepEqual(Array.from(readAudio(makeWav({ data, dataFirst: true })).samples), expected);
});

test('every prefix of a file is refused with FORMAT, except the whole file', () => {
  const full = makeWav({ channels: 2, data: bytesOf(Int16Array.of(1, 2, 3, 4, 5, 6)) });
  for (let n = 0; n < full.length; n++) {
    throwsCode(() => readAudio(full.subarray(0, n), { name: `cut${n}.wav` }), 'FORMAT', new RegExp(`'cut${n}\\.wav'`));
  }
  assert.equal(readAudio(full).samples.length, 3);
});

test('hostile and unsupported headers give FORMAT with a reason, and allocate nothing from them', () => {
  const data = bytesOf(Int16Array.of(1, 2, 3, 4));
  const cases: [string, Uint8Array, RegExp][] = [
    ['data size beyond the file', makeWav({ data, dataSize: 0xfffffff0 }), /truncated/],
    ['streaming writer size', makeWav({ data, dataSize: 0xffffffff }), /truncated/],
    ['zero channels', makeWav({ data, channels: 0, blockAlign: 2 }), /channel count/],
    ['65535 channels', makeWav({ data, channels: 65535, blockAlign: 2 }), /channel count/],
    ['zero rate', makeWav({ data, rate: 0 }), /sample rate/],
    ['4 GHz rate', makeWav({ data, rate: 0xffffffff }), /sample rate/],
    ['12-bit', makeWav({ data, bits: 12, blockAlign: 2 }), /12-bit integer/],
    ['0-bit', makeWav({ data, bits: 0, blockAlign: 2 }), /0-bit integer/],
    ['16-bit float', makeWav({ data, tag: 3 }), /16-bit float/],
    ['MP3', makeWav({ data, tag: 0x55 }), /MPEG Layer 3/],
    ['IMA ADPCM', makeWav({ data, tag: 0x11, bits: 4, blockAlign: 1 }), /IMA ADPCM/],
    ['mu-law', makeWav({ data, tag: 7, bits: 8 }), /mu-law/],
    ['extensible, unknown GUID', patched(makeWav({ data, tag: 0xfffe, subTag: 1 }), 20 + 38, 0x55), /subformat/],
    ['block align lie', makeWav({ data, blockAlign: 3 }), /block size/],
    ['partial frame', makeWav({ data: Uint8Array.of(1, 2, 3) }), /whole number of frames/],
    ['RIFX', retag(makeWav({ data }), 0, 'RIFX'), /RIFX/],
    ['RF64', retag(makeWav({ data }), 0, 'RF64'), /RF64/],
    ['AVI', retag(makeWav({ data }), 8, 'AVI '), /not a WAV file/],
    ['no data chunk', retag(makeWav({ data }), 36, 'date'), /no 'data' chunk/],
    ['no fmt chunk', retag(makeWav({ data }), 12, 'fmtx'), /no 'fmt ' chunk/],
    ['fmt size huge', patched32(makeWav({ data }), 16, 0x7ffffff0), /bad fmt chunk/],
    ['empty', new Uint8Array(0), /too short/],
    ['text', new TextEncoder().encode('hello, this is not audio at all'), /not a WAV file/],
  ];
  for (const [what, bytes, reason] of cases) {
    throwsCode(() => readAudio(bytes, { name: 'hostile.wav' }), 'FORMAT', reason, what);
  }
});

test('random corruption of a header gives samples or FORMAT, never another error', () => {
  const base = makeWav({ channels: 2, bits: 24, data: int24([1, -1, 100, -100, 8000, -8000]) });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
      const bytes = base.slice();
      for (const [at, value] of edits) {
        bytes[at] = value;
      }
      try {
        const audio = readAudio(bytes, { name: 'fuzzed.wav' });
        assert.ok(audio.samples.length <= bytes.length);
      } catch (e) {
        assert.ok(e instanceof HotpathError && e.code === 'FORMAT', String(e));
      }
    }),
    { seed: 7, numRuns: 400 },
  );
});

test('paths: missing files are IO, large ones refused by maxBytes, bad sources ARGUMENT', () => {
  throwsCode(() => readAudio('/nonexistent/x.wav'), 'IO', /x\.wav/);
  throwsCode(() => readAudio(streamingPath('signals/espeak_enus_s1.wav'), { maxBytes: 1000 }), 'FORMAT', /larger than the limit/);
  throwsCode(() => readAudio(42 as unknown as string), 'ARGUMENT');
});

function retag(bytes: Uint8Array, at: number, id: string): Uint8Array {
  const out = bytes.slice();
  out.set([...id].map((c) => c.charCodeAt(0)), at);
  return out;
}

function patched(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  out[at] = value;
  return out;
}

function patched32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value, true);
  return out;
}
