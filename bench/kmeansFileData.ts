/**
 * Points files for the out-of-core k-means benches, written streaming (1 MiB at a time, never the
 * whole array in memory): float32 [n, d] around 64 blob centres in [-10, 10]^d, each point its
 * centre plus uniform noise in [-1, 1) (a fixed LCG, so the same arguments give the same file).
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { encodeNpyHeader } from '../src/io/npyHeader.js';

/** Writes the file unless one of the right size is already there; returns its size in bytes. */
export function writeBlobsFile(path: string, n: number, d: number): number {
  const header = encodeNpyHeader('float32', [n, d], false);
  const bytes = header.length + n * d * 4;
  if (existsSync(path) && statSync(path).size === bytes) {
    return bytes;
  }
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const centres = Float32Array.from({ length: 64 * d }, () => 20 * next() - 10);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    const rows = Math.max(1, Math.floor(2 ** 18 / d));
    const piece = new Float32Array(rows * d);
    for (let r0 = 0; r0 < n; r0 += rows) {
      const count = Math.min(rows, n - r0);
      for (let i = 0; i < count; i++) {
        const c = Math.floor(next() * 64);
        for (let p = 0; p < d; p++) {
          piece[i * d + p] = centres[c * d + p]! + 2 * next() - 1;
        }
      }
      writeSync(fd, new Uint8Array(piece.buffer, 0, count * d * 4));
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
