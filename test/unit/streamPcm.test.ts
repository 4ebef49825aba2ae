/** PcmDecoder: PCM16 and float32 bytes split at every offset decode to the same samples. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HotpathError, PcmDecoder } from '../../src/index.js';

function decodeSplit(format: 'pcm16' | 'float32', bytes: Uint8Array, cuts: number[]): number[] {
  const decoder = new PcmDecoder(format);
  const out: number[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...decoder.decode(bytes.subarray(at, cut)));
    at = cut;
  }
  decoder.end();
  return out;
}

test('PCM16: s / 32768 (-32768 -> -1, 32767 -> 1 - 2^-15), little-endian, whatever the split', () => {
  // Little-endian int16 bytes written by hand: 0x8000 = -32768, 0x7fff = 32767, 0xfffe = -2, 0x0001 = 1.
  const bytes = Uint8Array.of(0x00, 0x80, 0xff, 0x7f, 0xfe, 0xff, 0x01, 0x00);
  const want = [-1, 1 - 2 ** -15, -2 / 32768, 1 / 32768];
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b++) {
      assert.deepEqual(decodeSplit('pcm16', bytes, [a, b]), want, `cuts at ${a}, ${b}`);
    }
  }
  assert.deepEqual([...new PcmDecoder('pcm16').decode(Int16Array.of(-32768, 16384))], [-1, 0.5]);
});

test('float32 bytes split anywhere, ArrayBuffer chunks, and Float32Array chunks passed through', () => {
  const values = Float32Array.of(0.1, -2.5, Number.POSITIVE_INFINITY, 3e-39);
  const bytes = new Uint8Array(values.buffer.slice(0));
  for (let a = 0; a <= bytes.length; a++) {
    assert.deepEqual(decodeSplit('float32', bytes, [a, Math.min(bytes.length, a + 3)]), [...values], `cut at ${a}`);
  }
  assert.deepEqual([...new PcmDecoder('float32').decode(values.buffer.slice(4, 8))], [-2.5]);
  const chunk = Float32Array.of(1, 2);
  assert.equal(new PcmDecoder().decode(chunk), chunk);
});

test('a stream ending inside a sample is FORMAT; a chunk of the wrong kind DTYPE; an unknown format ARGUMENT', () => {
  const decoder = new PcmDecoder('float32');
  decoder.decode(Uint8Array.of(1, 2, 3, 4, 5, 6));
  assert.throws(
    () => decoder.end(),
    (e: unknown) => e instanceof HotpathError && e.code === 'FORMAT' && e.message === 'PcmDecoder.end: the stream ended inside a float32 sample, expected a multiple of 4 bytes, received 2 bytes left over',
  );
  assert.throws(
    () => new PcmDecoder('float32').decode(new Int16Array(2)),
    (e: unknown) => e instanceof HotpathError && e.code === 'DTYPE' && e.message.endsWith("received Int16Array; hint: declare { format: 'pcm16' }"),
  );
  assert.throws(() => new PcmDecoder('pcm16').decode([1, 2] as never), (e: unknown) => e instanceof HotpathError && e.code === 'DTYPE');
  assert.throws(() => new PcmDecoder('int8' as never), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT');
});
