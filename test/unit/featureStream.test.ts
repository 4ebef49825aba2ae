/**
 * hp.featureStream: streaming Whisper log-mel and Kaldi fbank on the conformance speech
 * (test/fixtures/streaming/, copied unchanged from ../shared/conformance/streaming/).
 * - Whatever the chunking (whole, one sample at a time, kaldi-native-fbank's recorded random
 *   chunks, chunks of 0 / primes / larger than a frame), the rows are bit for bit those of the
 *   whole signal framed by the offline framing (src/audio/frame.ts: its own index arithmetic, not
 *   the Framer) through the same kernel.
 * - Kaldi fbank rows match kaldi-native-fbank's within the README's atol 2e-3.
 * - A 48 kHz stream gives the rows of the offline resample_poly-equivalent followed by features.
 * - The first frame comes as soon as the samples it reads are in: 201 samples for Whisper's
 *   centred frames (frame 0 reads samples -200..199, reflected, so up to index 200), 400 for
 *   Kaldi's snip_edges frames.
 * Runs on every backend that has fbank (ref and wasm).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { frameSignal } from '../../src/audio/frame.js';
import { presetOf, type PresetName } from '../../src/audio/presets.js';
import { createRuntime, HotpathError, resample, type Runtime } from '../../src/index.js';
import { readNpy, signal } from '../fbankFixtures.js';

const fixture = (relative: string): string => fileURLToPath(new URL(`../fixtures/streaming/${relative}`, import.meta.url));

const runtimes: Runtime[] = [];
after(async () => {
  await Promise.all(runtimes.map((hp) => hp.close()));
});

async function runtime(backend: 'ref' | 'wasm'): Promise<Runtime> {
  const hp = await createRuntime({ backends: [backend], require: backend, threads: 2 });
  runtimes.push(hp);
  return hp;
}

/** The offline rows: the whole signal framed by src/audio/frame.ts, one kernel call. */
function offline(hp: Runtime, x: Float32Array, preset: PresetName): Float32Array {
  const p = presetOf(preset);
  const frames = frameSignal(x, p.frame);
  const count = frames.length / p.frame.frameLength;
  if (count === 0) {
    return new Float32Array(0);
  }
  return hp.scope(() => hp.run('fbank', [hp.tensor(frames, [count, p.frame.frameLength])], p.attrs)[0]!.toArray() as Float32Array);
}

/** Rows of a stream fed `chunks` (sizes) of `x`, then ended, concatenated. */
function streamed(hp: Runtime, x: Float32Array, preset: PresetName, chunks: Iterable<number>, sampleRate?: number): Float32Array {
  const s = hp.featureStream({ preset, ...(sampleRate === undefined ? {} : { sampleRate }) });
  const parts: Float32Array[] = [];
  let at = 0;
  for (const size of chunks) {
    parts.push(s.push(x.subarray(at, at + size)));
    at += size;
  }
  assert.equal(at, x.length, 'the chunk sizes cover the signal');
  parts.push(s.end());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  assert.equal(s.framesOut * s.bins, out.length);
  return out;
}

/** Sizes 0, 1, 2, 3, 5, 7, 11, ... 401, 1009, then the rest, cycling, until n is covered. */
function* awkward(n: number): Generator<number> {
  const sizes = [0, 1, 2, 3, 5, 7, 11, 13, 160, 0, 399, 401, 1009, 4001];
  let left = n;
  for (let i = 0; left > 0; i++) {
    const size = Math.min(left, sizes[i % sizes.length]!);
    left -= size;
    yield size;
  }
}

function bitsEqual(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i]) {
      assert.fail(`${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
    }
  }
}

for (const backend of ['ref', 'wasm'] as const) {
  test(`featureStream on ${backend}: any chunking gives the offline rows bit for bit, for every preset`, async () => {
    const hp = await runtime(backend);
    const x = signal('enus_s3cut_16000');
    const recorded = hp.scope(() => Array.from(hp.load(fixture('kaldi_fbank/fbank80_snip1_enus_s3cut_16000.chunks.npy')).toArray() as Int32Array));
    for (const preset of ['whisper-80', 'whisper-128', 'kaldi-fbank', 'knf-whisper'] as const) {
      const expected = offline(hp, x, preset);
      bitsEqual(streamed(hp, x, preset, [x.length]), expected, `${preset} whole`);
      bitsEqual(streamed(hp, x, preset, awkward(x.length)), expected, `${preset} awkward chunks`);
      if (preset === 'kaldi-fbank') {
        bitsEqual(streamed(hp, x, preset, recorded), expected, `${preset} kaldi-native-fbank's chunks`);
      }
    }
    // One sample at a time, on a shorter signal (each push is a call when a frame completes).
    const short = x.subarray(0, 4000);
    bitsEqual(streamed(hp, short, 'whisper-80', Array.from({ length: short.length }, () => 1)), offline(hp, short, 'whisper-80'), 'whisper-80 one sample at a time');
  });

  test(`featureStream on ${backend}: Kaldi fbank rows match kaldi-native-fbank (atol 2e-3, README)`, async () => {
    const hp = await runtime(backend);
    for (const name of ['enus_s1_16000', 'enus_s3cut_16000']) {
      const expected = readNpy(`kaldi_fbank/fbank80_snip1_${name}.npy`);
      const got = streamed(hp, signal(name), 'kaldi-fbank', awkward(signal(name).length));
      assert.equal(got.length, expected.data.length, name);
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i]! - expected.data[i]!));
      }
      assert.ok(worst <= 2e-3, `${name}: max |diff| ${worst}`);
    }
  });
}

test('featureStream at 48 kHz: the rows of the offline resample followed by the offline features', async () => {
  const hp = await runtime('wasm');
  const x = signal('enus_s3cut_48000');
  const expected = offline(hp, resample(x, 48000, 16000), 'kaldi-fbank');
  bitsEqual(streamed(hp, x, 'kaldi-fbank', awkward(x.length), 48000), expected, 'kaldi-fbank from 48 kHz');
  const whisper = offline(hp, resample(x, 48000, 16000), 'whisper-80');
  bitsEqual(streamed(hp, x, 'whisper-80', [x.length], 48000), whisper, 'whisper-80 from 48 kHz');
});

test('featureStream at 44.1 kHz, two streams on one runtime (the second reuses the filter the first designed): the offline rows', async () => {
  const hp = await runtime('wasm');
  const x = signal('enus_s1_44100').subarray(0, 44100);
  const expected = offline(hp, resample(x, 44100, 16000), 'kaldi-fbank');
  bitsEqual(streamed(hp, x, 'kaldi-fbank', awkward(x.length), 44100), expected, 'first 44.1 kHz stream');
  bitsEqual(streamed(hp, x, 'kaldi-fbank', [x.length], 44100), expected, 'second 44.1 kHz stream');
});

test('featureStream: the first frame comes with the last sample it reads', async () => {
  const hp = await runtime('wasm');
  const x = signal('enus_s1_16000');
  for (const [preset, needed] of [['whisper-80', 201], ['kaldi-fbank', 400]] as const) {
    const s = hp.featureStream({ preset });
    let pushed = 0;
    while (s.push(x.subarray(pushed, pushed + 1)).length === 0) {
      pushed++;
    }
    assert.equal(pushed + 1, needed, preset);
    assert.equal(s.framesOut, 1);
  }
});

test('featureStream: bad presets, rates, chunks and use after end are coded errors', async () => {
  const hp = await runtime('ref');
  const code = (c: string) => (e: unknown) => e instanceof HotpathError && e.code === c;
  assert.throws(() => hp.featureStream({ preset: 'whisper-81' as PresetName }), code('ARGUMENT'));
  assert.throws(() => hp.featureStream({ preset: 'kaldi-fbank', sampleRate: -5 }), code('ARGUMENT'));
  const s = hp.featureStream({ preset: 'kaldi-fbank' });
  assert.throws(() => s.push(new Float64Array(10) as unknown as Float32Array), code('DTYPE'));
  s.end();
  assert.throws(() => s.push(new Float32Array(10)), code('LIFETIME'));
  assert.throws(() => s.end(), code('LIFETIME'));
});
