/**
 * padInto (src/audio/frame.ts): the padded signal, read with row stride hop, holds exactly the
 * frames the streaming Framer cuts (frameSignal), for every padding and for signals shorter than
 * a frame; the reflect edges against numpy.pad(mode='reflect') facts written out here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameCount, frameSignal, paddedLength, padInto, type FrameOptions } from '../../src/audio/frame.js';

const PADDINGS = ['none', 'kaldi', 'reflect', 'zero'] as const;

test('the padded signal viewed with stride hop equals the Framer frames', () => {
  for (const padding of PADDINGS) {
    for (const [frameLength, hop] of [[400, 160], [7, 3], [4, 4], [5, 2]] as const) {
      for (const n of [0, 1, 2, 3, 6, 7, 8, 13, 401, 1000]) {
        const o: FrameOptions = { frameLength, hop, padding };
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + i / 64);
        const frames = frameSignal(x, o);
        const padded = new Float32Array(paddedLength(n, o));
        padInto(x, o, padded);
        const all = frameCount(n, o);
        assert.equal(frames.length, all * frameLength);
        for (let f = 0; f < all; f++) {
          for (let t = 0; t < frameLength; t++) {
            assert.equal(padded[f * hop + t], frames[f * frameLength + t], `${padding} L ${frameLength} hop ${hop} n ${n}: frame ${f} sample ${t}`);
          }
        }
      }
    }
  }
});

test('reflect padding mirrors without repeating the edge (numpy.pad reflect)', () => {
  // np.pad([1, 2, 3, 4, 5], 2, mode='reflect') = [3, 2, 1, 2, 3, 4, 5, 4, 3]; frames of 4, hop 2: 3 frames.
  const o: FrameOptions = { frameLength: 4, hop: 2, padding: 'reflect' };
  const padded = new Float32Array(paddedLength(5, o));
  padInto(Float32Array.of(1, 2, 3, 4, 5), o, padded);
  assert.deepEqual([...padded], [3, 2, 1, 2, 3, 4, 5, 4]);
});
