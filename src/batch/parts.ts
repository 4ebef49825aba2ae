/**
 * Binary shard results for the k-means agents (kmeansAgent.ts): a JSON skeleton with every
 * Float64Array replaced by a reference to raw little-endian float64 bytes after it, so the
 * per-chunk sums travel as their 8 bytes per value (no base64, no decimal text) and come back
 * bit for bit. Layout: u32 LE skeleton length, the skeleton (UTF-8 JSON), zero padding to a
 * multiple of 8, then the arrays back to back.
 */
import { fail } from '../errors.js';

const REF = '$f64';

/**
 * Packs a JSON-like value whose leaves may be Float64Arrays, after `prefix` (a multiple of 8
 * bytes, kept as given: decode what follows it).
 * @example decodeParts(encodeParts({ sums: new Float64Array([1, 2]) }), 'x') // { sums: Float64Array [1, 2] }
 */
export function encodeParts(value: unknown, prefix: Uint8Array = new Uint8Array(0)): Buffer {
  const arrays: Float64Array[] = [];
  let at = 0;
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float64Array) {
      arrays.push(v);
      const ref = { [REF]: [at, v.length] };
      at += v.length;
      return ref;
    }
    return v;
  });
  const text = Buffer.from(skeleton ?? 'null', 'utf8');
  const head = Math.ceil((4 + text.length) / 8) * 8;
  const out = Buffer.alloc(prefix.length + head + 8 * at);
  out.set(prefix, 0);
  out.writeUInt32LE(text.length, prefix.length);
  text.copy(out, prefix.length + 4);
  let offset = prefix.length + head;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

/** @throws FORMAT when the bytes are not a value written by encodeParts */
export function decodeParts(bytes: Buffer, where: string): unknown {
  const bad = (problem: string): never => fail({ code: 'FORMAT', kernel: where, problem: `a shard result is not readable (${problem})`, expected: 'bytes written by a hotpath batch worker of this version', received: `${bytes.length} bytes` });
  if (bytes.length < 4) {
    return bad('too short');
  }
  const length = bytes.readUInt32LE(0);
  const head = Math.ceil((4 + length) / 8) * 8;
  if (head > bytes.length || (bytes.length - head) % 8 !== 0) {
    return bad('lengths do not add up');
  }
  // A copy: 8-byte alignment for Float64Array, and the values outlive the Redis reply.
  const values = new Float64Array((bytes.length - head) / 8);
  new Uint8Array(values.buffer).set(bytes.subarray(head));
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(bytes.toString('utf8', 4, 4 + length), (_key, v: unknown) => {
      if (typeof v === 'object' && v !== null && REF in v) {
        const [start, count] = (v as Record<string, [number, number]>)[REF]!;
        if (!(start >= 0 && count >= 0 && start + count <= values.length)) {
          bad('an array lies outside the data');
        }
        return values.subarray(start, start + count);
      }
      return v;
    });
  } catch (error) {
    throw error instanceof SyntaxError ? bad('the skeleton is not JSON') : error;
  }
  return skeleton;
}
