// End to end on real speech: `hotpath serve`'s factory (hp.featureStream) behind the server, the
// conformance speech sent as int16 (the fixture signals are int16 / 32768, so exactly), the rows
// compared with kaldi-native-fbank's reference (README atol 2e-3) and, bit for bit, with the
// same feature stream fed the whole signal in process (the server adds no change to any value).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PresetName } from '../../src/audio/presets.js';
import { createRuntime, type Runtime } from '../../src/index.js';
import { CLOSE, startServer, type FeatureServer } from '../../src/serve/index.js';
import { readNpy, signal } from '../fbankFixtures.js';
import { connect } from '../serveHelpers.js';

let hp: Runtime;
let server: FeatureServer;
before(async () => {
  hp = await createRuntime({ threads: 2 });
  server = await startServer({ factory: ({ preset, sampleRate }) => hp.featureStream({ preset: preset as PresetName, sampleRate }) });
});
after(async () => {
  await server.close();
  await hp.close();
});

/** Streams `x` (float32 = int16 / 32768) in chunks of `sizes` (cycled) and returns all rows. */
async function serve(x: Float32Array, query: string, sizes: readonly number[]): Promise<{ rows: Float32Array; bins: number }> {
  const pcm = Int16Array.from(x, (v) => v * 32768);
  assert.deepEqual(Float32Array.from(pcm, (v) => v / 32768), x, 'the signal is exact in int16');
  const client = await connect(server, query);
  const bins = (await client.ready).bins as number;
  for (let at = 0, i = 0; at < pcm.length; i++) {
    const size = sizes[i % sizes.length] as number;
    client.sendPcm(pcm.subarray(at, at + size));
    at += size;
  }
  client.end();
  assert.equal((await client.closed).code, CLOSE.normal);
  const rows = new Float32Array(client.frames.reduce((n, m) => n + m.frames.length, 0));
  let o = 0;
  for (const m of client.frames) {
    assert.equal(m.firstFrame * bins, o, 'no gap');
    rows.set(m.frames, o);
    o += m.frames.length;
  }
  return { rows, bins };
}

function inProcess(x: Float32Array, preset: PresetName, sampleRate: number): Float32Array {
  const s = hp.featureStream({ preset, sampleRate });
  const a = s.push(x);
  const b = s.end();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

test('kaldi-fbank over the server matches kaldi-native-fbank (atol 2e-3) and the in-process stream bit for bit', async () => {
  const x = signal('enus_s1_16000');
  const { rows, bins } = await serve(x, 'preset=kaldi-fbank&rate=16000', [1, 0, 159, 400, 997, 3, 4001]);
  const reference = readNpy('kaldi_fbank/fbank80_snip1_enus_s1_16000.npy');
  assert.equal(bins, 80);
  assert.deepEqual([rows.length / bins, bins], reference.shape);
  let worst = 0;
  for (let i = 0; i < rows.length; i++) {
    worst = Math.max(worst, Math.abs((rows[i] as number) - (reference.data[i] as number)));
  }
  assert.ok(worst <= 2e-3, `max abs diff ${worst}`);
  assert.deepEqual(rows, inProcess(x, 'kaldi-fbank', 16000));
});

test('whisper-80 from a 48 kHz client (resampled in the stream) equals the in-process stream bit for bit', async () => {
  const x = readNpy('signals/enus_s3cut_48000.npy').data as Float32Array;
  const { rows, bins } = await serve(x, 'preset=whisper-80&rate=48000&format=int16', [960, 7, 4801]);
  assert.equal(bins, 80);
  assert.equal(rows.length / bins, Math.floor(Math.ceil(x.length / 3) / 160));
  assert.deepEqual(rows, inProcess(x, 'whisper-80', 48000));
});
