/**
 * The server's warm-up (src/serve/warm.ts): every preset x rate gets its own stream with the
 * asked seconds of int16 audio through push, then end(); refused presets are skipped; a server
 * started with warmUp: false builds no stream before its first client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fail } from '../../src/errors.js';
import { startServer, warmUp } from '../../src/serve/index.js';
import type { FeatureStream, FeatureStreamOptions } from '../../src/serve/types.js';

interface Seen {
  readonly options: FeatureStreamOptions;
  samples: number;
  pushes: number;
  ended: boolean;
}

function recorder(refuse?: string): { seen: Seen[]; factory: (o: FeatureStreamOptions) => FeatureStream } {
  const seen: Seen[] = [];
  const factory = (options: FeatureStreamOptions): FeatureStream => {
    if (options.preset === refuse) {
      fail({ code: 'ARGUMENT', kernel: 'test', problem: 'refused preset', expected: 'another', received: options.preset });
    }
    const s: Seen = { options, samples: 0, pushes: 0, ended: false };
    seen.push(s);
    return {
      bins: 2,
      push(x: Float32Array): Float32Array {
        s.samples += x.length;
        s.pushes++;
        for (const v of x) {
          assert.ok(v >= -1 && v < 1, 'decoded int16 samples are in [-1, 1)');
        }
        return new Float32Array(2);
      },
      end(): Float32Array {
        s.ended = true;
        return new Float32Array(0);
      },
    } as unknown as FeatureStream;
  };
  return { seen, factory };
}

test('warmUp streams the asked seconds for every preset and rate, and skips refused presets', () => {
  const { seen, factory } = recorder('bad');
  warmUp(factory, { presets: ['a', 'bad', 'b'], sampleRates: [16000, 44100], seconds: 1.5 });
  assert.deepEqual(
    seen.map((s) => [s.options.preset, s.options.sampleRate]),
    [['a', 16000], ['a', 44100], ['b', 16000], ['b', 44100]],
  );
  for (const s of seen) {
    assert.equal(s.samples, 1.5 * s.options.sampleRate, 'every sample of the warm-up audio is pushed');
    // 0.75 s in 10 ms messages, 0.75 s in 20 ms ones.
    assert.equal(s.pushes, 75 + 38);
    assert.equal(s.ended, true);
  }
});

test('a server started with warmUp: false makes no stream before a client; by default it warms the default preset at each rate', async () => {
  const off = recorder();
  const quiet = await startServer({ preset: 'a', factory: off.factory, warmUp: false, sampleRates: [16000] });
  assert.equal(off.seen.length, 0);
  assert.equal(quiet.warmUpMs, 0);
  await quiet.close();
  const on = recorder();
  const warm = await startServer({ preset: 'a', factory: on.factory, sampleRates: [16000, 48000] });
  assert.deepEqual(on.seen.map((s) => [s.options.preset, s.options.sampleRate]), [['a', 16000], ['a', 48000]]);
  assert.ok(on.seen.every((s) => s.ended && s.samples === 2 * s.options.sampleRate));
  await warm.close();
});
