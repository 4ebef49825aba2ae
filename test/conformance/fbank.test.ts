/**
 * fbank against the streaming reference data on every available backend: Kaldi fbank80 with
 * snip_edges (kaldi-native-fbank), kaldi-native-fbank's Whisper mel power (Kaldi snip_edges=false
 * framing) and Whisper's log-mel (a float64 transcription of whisper/audio.py), on four speech
 * signals, at the reference data's suggested tolerances. A backend that declines is counted.
 */
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { frameSignal } from '../../src/audio/frame.js';
import { presetOf, type PresetName } from '../../src/audio/presets.js';
import { readNpy, signal, SIGNALS } from '../fbankFixtures.js';

const hp = await createRuntime();
const backends = hp.backends().filter((b) => b.available).map((b) => b.name);

/** The kernel's [frames, nMels] output for a preset on a backend, or the reason it declined. */
function features(rt: Runtime, backend: string, preset: PresetName, x: Float32Array): { values: Float32Array; frames: number } | string {
  const { frame, attrs } = presetOf(preset);
  const frames = frameSignal(x, frame);
  const n = frames.length / frame.frameLength;
  const input = rt.tensor(frames, [n, frame.frameLength]);
  try {
    const why = rt.explain('fbank', [input], attrs, { backend });
    if (why.backend !== backend) {
      return why.passed.map((p) => `${p.backend}: ${p.reason}`).join('; ');
    }
    const [y] = rt.run('fbank', [input], attrs, { backend });
    const values = Float32Array.from(y!.toArray() as Float32Array);
    y!.release();
    return { values, frames: n };
  } finally {
    input.release();
  }
}

/** Whisper's global floor and scaling, written out here from whisper/audio.py (not the library's). */
function whisperScale(logSpec: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logSpec) {
    max = Math.max(max, v);
  }
  return Float64Array.from(logSpec, (v) => (Math.max(v, max - 8) + 4) / 4);
}

for (const backend of backends) {
  describe(`fbank conformance on ${backend}`, () => {
    const counts = { pass: 0, declined: 0 };
    /** The features, or undefined after counting a decline and skipping the test. */
    const computed = (t: TestContext, preset: PresetName, name: string): { values: Float32Array; frames: number } | undefined => {
      const got = features(hp, backend, preset, signal(name));
      if (typeof got === 'string') {
        counts.declined++;
        t.skip(`declined: ${got}`);
        return undefined;
      }
      return got;
    };
    for (const name of SIGNALS) {
      test(`kaldi fbank80 snip_edges=true ${name}`, (t) => {
        const expected = readNpy(`kaldi_fbank/fbank80_snip1_${name}.npy`);
        const got = computed(t, 'kaldi-fbank', name);
        if (got === undefined) {
          return;
        }
        assert.deepEqual([got.frames, 80], expected.shape);
        let worst = 0;
        got.values.forEach((v, i) => {
          worst = Math.max(worst, Math.abs(v - expected.data[i]!));
        });
        t.diagnostic(`max |diff| ${worst.toExponential(2)}`);
        assert.ok(worst <= 2e-3, `max |diff| ${worst} of the ln energies exceeds 2e-3`);
        counts.pass++;
      });
      test(`knf whisper80 mel power ${name}`, (t) => {
        const expected = readNpy(`knf_whisper/knfwhisper80_${name}.npy`);
        const got = computed(t, 'knf-whisper', name);
        if (got === undefined) {
          return;
        }
        assert.deepEqual([got.frames, 80], expected.shape);
        let worst = 0;
        for (let f = 0; f < got.frames; f++) {
          let peak = 0;
          for (let m = 0; m < 80; m++) {
            peak = Math.max(peak, expected.data[f * 80 + m]!);
          }
          for (let m = 0; m < 80; m++) {
            const d = Math.abs(got.values[f * 80 + m]! - expected.data[f * 80 + m]!);
            worst = Math.max(worst, peak > 0 ? d / peak : d);
            // Pure digital silence is exactly 0 in the reference: it must be 0 here too.
            assert.ok(d <= 5e-5 * peak, `frame ${f} mel ${m}: |diff| ${d} exceeds 5e-5 of the frame's peak ${peak}`);
          }
        }
        t.diagnostic(`max |diff| / frame peak ${worst.toExponential(2)}`);
        counts.pass++;
      });
      test(`whisper log-mel 80 ${name}`, (t) => {
        const expected = readNpy(`whisper_logmel/logmel80_${name}.npy`);
        const got = computed(t, 'whisper-80', name);
        if (got === undefined) {
          return;
        }
        const scaled = whisperScale(got.values);
        const frames = got.frames;
        assert.deepEqual([80, frames], expected.shape);
        let worst = 0;
        for (let f = 0; f < frames; f++) {
          for (let m = 0; m < 80; m++) {
            // Expected is mel-major [80, frames]; ours frame-major [frames, 80].
            worst = Math.max(worst, Math.abs(scaled[f * 80 + m]! - expected.data[m * frames + f]!));
          }
        }
        t.diagnostic(`max |diff| ${worst.toExponential(2)}`);
        assert.ok(worst <= 1e-4, `max |diff| ${worst} exceeds 1e-4`);
        counts.pass++;
      });
    }
    after(() => {
      process.stdout.write(`# fbank conformance on ${backend}: ${counts.pass} passed, ${counts.declined} declined\n`);
    });
  });
}

after(async () => {
  await hp.close();
});
