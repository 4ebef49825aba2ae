/**
 * The wasm fbank computes four frames per pass, one per SIMD lane, and splits groups across
 * threads: a frame's output must be the same bits whether it is computed alone (streaming: one
 * frame per hop), in a large offline call, at any lane position, next to any other frames, or on
 * another thread. Each frame is compared bit for bit with the same frame computed alone.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { presetOf, type PresetName } from '../../src/audio/presets.js';
import { frameSignal } from '../../src/audio/frame.js';
import { signal } from '../fbankFixtures.js';

const L = 400;
// Threads on from the smallest call, so the thread split is exercised too.
const hp = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
after(() => hp.close());

/** 23 speech frames with a silent one and a NaN one among them. */
function frames(): Float32Array {
  const x = frameSignal(signal('enus_s3cut_16000'), { frameLength: L, hop: 1111, padding: 'none' }).subarray(0, 23 * L);
  x.fill(0, 5 * L, 6 * L);
  x[9 * L + 123] = NaN;
  return x;
}

function fbankBits(rt: Runtime, preset: PresetName, data: Float32Array): Uint32Array {
  const n = data.length / L;
  const input = rt.tensor(data, [n, L]);
  const [y] = rt.run('fbank', [input], presetOf(preset).attrs);
  const bits = new Uint32Array(Float32Array.from(y!.toArray() as Float32Array).buffer);
  input.release();
  y!.release();
  return bits;
}

for (const preset of ['kaldi-fbank', 'whisper-80', 'knf-whisper'] as const) {
  test(`fbank ${preset}: each frame's bits do not depend on its call, lane, neighbours or thread`, () => {
    const all = frames();
    const n = all.length / L;
    const bands = presetOf(preset).attrs.nMels;
    const alone = Array.from({ length: n }, (_, f) => fbankBits(hp, preset, all.slice(f * L, (f + 1) * L)));
    const together = fbankBits(hp, preset, all);
    for (let f = 0; f < n; f++) {
      assert.deepEqual(together.subarray(f * bands, (f + 1) * bands), alone[f], `frame ${f} in one call of ${n}`);
    }
    // Frame f at lane position `lane` of a call, after `lane` other frames (reversed order) and
    // followed by 0..3 more: every lane position and every group length.
    for (let f = 0; f < n; f += 3) {
      for (let lane = 0; lane < 4; lane++) {
        for (let tail = 0; tail < 4; tail++) {
          const picks = [...Array.from({ length: lane }, (_, i) => n - 1 - i), f, ...Array.from({ length: tail }, (_, i) => (f + 7 + i) % n)];
          const call = new Float32Array(picks.length * L);
          picks.forEach((g, i) => call.set(all.subarray(g * L, (g + 1) * L), i * L));
          const got = fbankBits(hp, preset, call);
          assert.deepEqual(got.subarray(lane * bands, (lane + 1) * bands), alone[f], `frame ${f} at lane ${lane} with ${tail} after`);
        }
      }
    }
  });
}
