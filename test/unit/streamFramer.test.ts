/**
 * Framer edge cases with values stated by hand or taken from numpy / Kaldi documentation:
 * short signals (repeated reflection), when frames come out, errors, NaN as data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Framer, HotpathError, type Frames, type Padding } from '../../src/index.js';

function rows(f: Frames): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < f.count; k++) out.push([...f.data.subarray(k * f.frameLength, (k + 1) * f.frameLength)]);
  return out;
}

function whole(signal: number[], frameLength: number, hop: number, padding: Padding): number[][] {
  const framer = new Framer({ frameLength, hop, padding });
  return [...rows(framer.push(Float32Array.from(signal))), ...rows(framer.end())];
}

const code = (c: string) => (e: unknown) => e instanceof HotpathError && e.code === c;

test("'reflect' on a signal shorter than the reflection reflects repeatedly, like numpy.pad", () => {
  // numpy 1.24: np.pad([1, 2, 3], 5, 'reflect') = [2 1 2 3 2 1 2 3 2 1 2 3 2]
  // L = 11, hop = 4: 1 + 3 // 4 = 1 frame, starting at -5.
  assert.deepEqual(whole([1, 2, 3], 11, 4, 'reflect'), [[2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2]]);
  // np.pad([7], 3, 'reflect') = [7 7 7 7 7 7 7]: a single sample repeats.
  assert.deepEqual(whole([7], 6, 1, 'reflect'), [[7, 7, 7, 7, 7, 7], [7, 7, 7, 7, 7, 7]]);
  // np.pad([1, 2], 4, 'reflect') = [1 2 1 2 1 2 1 2 1 2]; frames start at -4 and -2 (hop 2, L 8).
  assert.deepEqual(whole([1, 2], 8, 2, 'reflect'), [[1, 2, 1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 1, 2, 1, 2]]);
});

test("'kaldi' mirrors with the edge repeated (-1 -> 0, N -> N-1), repeatedly on short signals", () => {
  // L = 5, hop = 2: frame i starts at 2i + 1 - 2 = 2i - 1; floor((4 + 1) / 2) = 2 frames.
  assert.deepEqual(whole([1, 2, 3, 4], 5, 2, 'kaldi'), [[1, 1, 2, 3, 4], [2, 3, 4, 4, 3]]);
  // Kaldi's ExtractWindow, N = 2, L = 8, hop = 4: start 2 - 4 = -2, one frame; -2 -> 1, -1 -> 0,
  // 2 -> 1, 3 -> 0, 4 -> -1 -> 0, 5 -> -2 -> 1.
  assert.deepEqual(whole([1, 2], 8, 4, 'kaldi'), [[2, 1, 1, 2, 2, 1, 1, 2]]);
});

test("'zero' pads with zeros and 'none' drops what does not fill a frame", () => {
  assert.deepEqual(whole([1, 2, 3], 4, 2, 'zero'), [[0, 0, 1, 2], [1, 2, 3, 0]]);
  assert.deepEqual(whole([1, 2, 3, 4, 5], 2, 2, 'none'), [[1, 2], [3, 4]]);
  assert.deepEqual(whole([1, 2, 3, 4, 5, 6, 7], 2, 3, 'none'), [[1, 2], [4, 5]]); // hop > L skips 3 and 6
  assert.deepEqual(whole([1, 2, 3], 4, 1, 'none'), []); // shorter than a frame
});

test('an empty stream has no frames in any padding mode', () => {
  for (const padding of ['none', 'kaldi', 'reflect', 'zero'] as const) {
    const framer = new Framer({ frameLength: 4, hop: 2, padding });
    assert.equal(framer.push(new Float32Array(0)).count, 0);
    assert.equal(framer.end().count, 0, padding);
  }
});

test('a frame comes out with the push that brings the last sample it reads', () => {
  // reflect, L = 4, hop = 2: frame 0 = [x2, x1, x0, x1] reads x2; frame 1 = [x0..x3] reads x3.
  const framer = new Framer({ frameLength: 4, hop: 2, padding: 'reflect' });
  assert.equal(framer.push(Float32Array.of(10, 11)).count, 0);
  const f0 = framer.push(Float32Array.of(12));
  assert.deepEqual([f0.first, f0.count, ...f0.data], [0, 1, 12, 11, 10, 11]);
  assert.equal(framer.framesAfter(1), 1);
  assert.equal(framer.push(Float32Array.of(13)).count, 1);
  assert.equal(framer.framesAtEnd(), 1); // 1 + 4 // 2 = 3 frames in all; frame 2 reads past the end
  const last = framer.end();
  assert.deepEqual([last.first, ...last.data], [2, 12, 13, 12, 11]);
  assert.equal(framer.framesReady, 3);
  assert.equal(framer.samplesSeen, 4);
});

test('NaN and Inf samples are data: they go into the frames unchanged', () => {
  const framer = new Framer({ frameLength: 2, hop: 1, padding: 'none' });
  const f = framer.push(Float32Array.of(Number.NaN, 1, Number.NEGATIVE_INFINITY));
  assert.equal(f.count, 2);
  assert.ok(Number.isNaN(f.data[0]));
  assert.deepEqual([...f.data.subarray(1)], [1, 1, Number.NEGATIVE_INFINITY]);
});

test('pushInto writes into the caller buffer at an offset; too small is ARGUMENT and consumes nothing', () => {
  const framer = new Framer({ frameLength: 3, hop: 3, padding: 'none' });
  const out = new Float32Array(7);
  assert.throws(() => framer.pushInto(Float32Array.of(1, 2, 3, 4, 5, 6), out, 2), code('ARGUMENT'));
  assert.equal(framer.samplesSeen, 0);
  assert.equal(framer.pushInto(Float32Array.of(1, 2, 3, 4, 5, 6), out, 1), 2);
  assert.deepEqual([...out], [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(framer.endInto(new Float32Array(0)), 0);
});

test('bad options are ARGUMENT, wrong chunks DTYPE, use after end LIFETIME', () => {
  assert.throws(() => new Framer({ frameLength: 0, hop: 1, padding: 'none' }), code('ARGUMENT'));
  assert.throws(() => new Framer({ frameLength: 4, hop: 0, padding: 'none' }), code('ARGUMENT'));
  assert.throws(() => new Framer({ frameLength: 4, hop: 1.5, padding: 'none' }), code('ARGUMENT'));
  assert.throws(
    () => new Framer({ frameLength: 4, hop: 2, padding: 'center' as never }),
    (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && e.message.startsWith("Framer: unknown padding, expected 'none' | 'kaldi' | 'reflect' | 'zero', received 'center'"),
  );
  assert.throws(() => new Framer(undefined as never), code('ARGUMENT'));
  const framer = new Framer({ frameLength: 4, hop: 2, padding: 'zero' });
  assert.throws(() => framer.push(new Int16Array(4) as never), code('DTYPE'));
  assert.throws(() => framer.push(new Float64Array(4) as never), code('DTYPE'));
  framer.push(Float32Array.of(1, 2, 3));
  framer.end();
  assert.throws(
    () => framer.push(Float32Array.of(1)),
    (e: unknown) => e instanceof HotpathError && e.code === 'LIFETIME' && e.message.includes('push after end() (3 samples, 2 frames)'),
  );
  assert.throws(() => framer.end(), code('LIFETIME'));
  assert.equal(framer.framesAfter(10), 0);
});
