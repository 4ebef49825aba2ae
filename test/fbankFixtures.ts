/**
 * The streaming reference data the fbank tests read (test/fixtures/streaming/, copied unchanged
 * from ../shared/conformance/streaming/; see its README: kaldi-native-fbank and a numpy
 * transcription of Whisper's log_mel_spectrogram on espeak-ng speech).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STREAMING = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'streaming');

export const SIGNALS = ['enus_s1_16000', 'enus_s2_16000', 'enus_s3_16000', 'enus_s3cut_16000'] as const;

export interface NpyArray {
  readonly shape: number[];
  readonly data: Float32Array | Float64Array;
}

/** A little-endian, C-order float32 or float64 .npy (all these fixtures are), read directly. */
export function readNpy(relative: string): NpyArray {
  const bytes = readFileSync(path.join(STREAMING, relative));
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  if (/'fortran_order':\s*True/.test(header)) {
    throw new Error(`${relative}: fortran order is not expected here`);
  }
  const body = bytes.subarray(10 + headerLength);
  const copy = new Uint8Array(body).buffer;
  if (descr === '<f4') {
    return { shape, data: new Float32Array(copy) };
  }
  if (descr === '<f8') {
    return { shape, data: new Float64Array(copy) };
  }
  throw new Error(`${relative}: dtype ${String(descr)} is not expected here`);
}

export function signal(name: string): Float32Array {
  return readNpy(`signals/${name}.npy`).data as Float32Array;
}
