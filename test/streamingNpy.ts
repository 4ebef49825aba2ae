/** Reads a float .npy fixture of test/fixtures/streaming/ as float64 (float32 widened exactly). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpyHeader } from '../src/io/npyHeader.js';
import { STREAMING } from './fixtures.js';

export function streamingPath(relative: string): string {
  return join(STREAMING, relative);
}

export function readFloatNpy(relative: string): Float64Array {
  return readFloatNpyFile(streamingPath(relative));
}

/** The same for any path (e.g. a file a CLI test wrote). */
export function readFloatNpyFile(path: string): Float64Array {
  const bytes = readFileSync(path);
  const header = parseNpyHeader(bytes, { source: path });
  if (header.fortranOrder || header.swap || (header.dtype !== 'float32' && header.dtype !== 'float64')) {
    throw new Error(`${path}: expected a little-endian C-order float .npy, got ${header.descr}`);
  }
  const data = bytes.buffer.slice(bytes.byteOffset + header.dataOffset, bytes.byteOffset + header.dataOffset + header.dataBytes);
  return header.dtype === 'float32' ? Float64Array.from(new Float32Array(data)) : new Float64Array(data);
}
