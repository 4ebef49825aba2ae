/**
 * The binary shard results of the k-means agents (src/batch/parts.ts): the layout is checked
 * against bytes built here by hand (skeleton length, JSON, zero padding, float64 LE values), the
 * round trip keeps every bit (-0, NaN, subnormals) after any 8-byte prefix, and bytes that are
 * not such a value (truncated, lengths that do not add up, arrays outside the data) are FORMAT.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { partBytes, signalHeader } from '../../src/batch/agentKeys.js';
import { decodeParts, encodeParts } from '../../src/batch/parts.js';
import { isHotpathError } from '../../src/errors.js';

const float64Bits = (values: Float64Array): bigint[] => Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length));

test('the layout: u32 skeleton length, the skeleton, zero padding to 8 bytes, then the arrays, after the prefix', () => {
  const a = new Float64Array([1.5, -0, Number.NaN]);
  const b = new Float64Array([2 ** -1074]);
  const prefix = signalHeader(7, 3);
  const bytes = encodeParts({ x: a, y: [b, 'h'], n: 4 }, prefix);
  const skeleton = Buffer.from(JSON.stringify({ x: { $f64: [0, 3] }, y: [{ $f64: [3, 1] }, 'h'], n: 4 }));
  const head = Math.ceil((4 + skeleton.length) / 8) * 8;
  const expected = Buffer.alloc(8 + head + 8 * 4);
  prefix.copy(expected, 0);
  expected.writeUInt32LE(skeleton.length, 8);
  skeleton.copy(expected, 12);
  [1.5, -0, Number.NaN, 2 ** -1074].forEach((v, i) => expected.writeDoubleLE(v, 8 + head + 8 * i));
  assert.deepEqual(bytes, expected);
  assert.deepEqual(partBytes(7, 3, { x: a, y: [b, 'h'], n: 4 }), expected);
});

test('round trip: every float64 bit and the JSON around the arrays, after any 8-byte prefix', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.double(), { maxLength: 40 }), { maxLength: 6 }),
      fc.string({ maxLength: 30 }),
      fc.integer({ min: 0, max: 3 }),
      (arrays, label, words) => {
        const typed = arrays.map((v) => Float64Array.from(v));
        const prefix = new Uint8Array(8 * words).fill(0xab);
        const bytes = encodeParts({ label, parts: typed.map((values, i) => ({ i, values })) }, prefix);
        assert.deepEqual(new Uint8Array(bytes.subarray(0, prefix.length)), prefix);
        const back = decodeParts(bytes.subarray(prefix.length), 'test') as { label: string; parts: { i: number; values: Float64Array }[] };
        assert.equal(back.label, label);
        assert.equal(back.parts.length, typed.length);
        back.parts.forEach((p, i) => {
          assert.equal(p.i, i);
          assert.ok(p.values instanceof Float64Array);
          assert.deepEqual(float64Bits(p.values), float64Bits(typed[i]!));
        });
      },
    ),
  );
});

test('bytes that are not an encoded value are FORMAT, naming the caller', () => {
  const good = encodeParts({ v: new Float64Array([1, 2, 3]) });
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['truncated length', good.subarray(0, 3)],
    ['truncated data', good.subarray(0, good.length - 4)],
    ['skeleton longer than the bytes', Buffer.from([255, 255, 0, 0, 0, 0, 0, 0])],
  ];
  const outside = Buffer.from(good);
  // The skeleton names 3 values from 0; make it name 3 values from 1 (one past the data).
  const text = outside.toString('utf8', 4, 4 + outside.readUInt32LE(0)).replace('[0,3]', '[1,3]');
  outside.write(text, 4, 'utf8');
  cases.push(['an array outside the data', outside]);
  const notJson = Buffer.from(good);
  notJson.write('{', 4 + notJson.readUInt32LE(0) - 1, 'utf8');
  cases.push(['a skeleton that is not JSON', notJson]);
  for (const [name, bytes] of cases) {
    assert.throws(() => decodeParts(bytes, 'where'), (e: unknown) => isHotpathError(e) && e.code === 'FORMAT' && e.message.includes('where'), name);
  }
});
