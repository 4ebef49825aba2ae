/**
 * The points file of `hotpath kmeans`: a .npy, or one array of an .npz archive (`--key NAME`, or
 * its only array), with integer and boolean arrays converted to float64 as scikit-learn's
 * KMeans does (check_array accepts float64 and float32 and converts anything else to float64).
 * Initial centroids from a file take the points' dtype, as scikit-learn's do.
 */
import { fail } from '../errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import { isZip } from '../io/zip.js';

export interface LoadedPoints {
  readonly x: Tensor;
  /** The dtype in the file, when it was converted (e.g. int32 read as float64). */
  readonly convertedFrom?: string;
  /** The archive entry read, for an .npz. */
  readonly key?: string;
}

/**
 * Reads `file` as the points (or centroids) of k-means.
 * @throws ARGUMENT for `--key` with a .npy or a key the archive lacks, or an archive of several
 *   arrays without `--key`; FORMAT, IO, MEMORY as loadNpy and loadNpz do
 */
export function loadPoints(hp: Runtime, file: string, key: string | undefined, name: string): LoadedPoints {
  if (!isZip(file)) {
    if (key !== undefined) {
      fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: `--key names an array of an .npz archive, but '${file}' is a .npy file`, expected: 'an .npz file with --key', received: `--key ${key}` });
    }
    return toFloat(hp, hp.load(file, { name }));
  }
  const arrays = hp.loadNpz(file);
  const names = Object.keys(arrays);
  const chosen = key ?? (names.length === 1 ? names[0] : undefined);
  const x = chosen === undefined ? undefined : arrays[chosen];
  for (const [entry, t] of Object.entries(arrays)) {
    if (entry !== chosen) {
      t.release();
    }
  }
  if (x === undefined || chosen === undefined) {
    const list = names.length === 0 ? 'no arrays' : names.map((n) => `'${n}'`).join(', ');
    return fail({
      code: 'ARGUMENT',
      kernel: 'kmeans',
      problem: key === undefined ? `'${file}' holds several arrays; say which with --key` : `'${file}' has no array '${key}'`,
      expected: `--key naming one of ${list}`,
      received: key === undefined ? 'no --key' : `--key ${key}`,
    });
  }
  return { ...toFloat(hp, x), key: chosen };
}

/** float32 and float64 as they are; any other dtype converted to float64 (released after). */
export function toFloat(hp: Runtime, t: Tensor): LoadedPoints {
  if (t.dtype === 'float32' || t.dtype === 'float64') {
    return { x: t };
  }
  return { x: convert(hp, t, 'float64'), convertedFrom: t.dtype };
}

/**
 * A copy of a freshly loaded (contiguous, offset 0) tensor in `dtype`, same shape and layout;
 * `t` is released. int64 beyond 2^53 rounds as numpy's astype(float64) does.
 */
export function convert(hp: Runtime, t: Tensor, dtype: 'float32' | 'float64'): Tensor {
  try {
    const out = hp.empty(t.shape, dtype, { layout: t.layout === 'col' ? 'col' : 'row', zero: false });
    const target = out.data('kmeans');
    const source = t.data('kmeans');
    for (let i = 0; i < t.size; i++) {
      target[i] = Number(source[i]!);
    }
    return out;
  } finally {
    t.release();
  }
}
