/**
 * One .npz entry into a new tensor, with no staging copy of the whole entry: a stored entry is
 * copied from the archive into the tensor's storage, a deflated one is inflated (fflate's
 * streaming Inflate) piece by piece into it. The .npy header is parsed from the first inflated
 * bytes and must agree with the size the zip directory declares before the tensor is allocated;
 * inflating stops with FORMAT as soon as the data runs past it.
 */
import { Inflate } from 'fflate';
import { fail, HotpathError } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDataBytes, parseNpyHeader, parseNpyPreamble, PREAMBLE_BYTES, type NpyHeader } from './npyHeader.js';
import { decodeNpy } from './npy.js';
import { allocateFor, fixBytes, tensorBytes, type FileOptions } from './npyData.js';
import type { ZipEntry } from './zip.js';

/**
 * Compressed bytes handed to the inflater at a time. Deflate expands at most 1032:1, so one
 * piece never inflates to more than about 17 MB before the size checks see it.
 */
const PIECE_BYTES = 16 * 1024;

/**
 * Reads a stored or deflated entry holding a .npy file.
 * @throws FORMAT for a bad .npy header, a header that disagrees with the declared size, or a
 *   deflate stream that is corrupt or inflates to more or fewer bytes than declared; MEMORY when
 *   the array does not fit in the heap
 */
export function readEntry(hp: RuntimeCore, archive: Uint8Array, entry: ZipEntry, file: FileOptions): Tensor {
  const data = archive.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  return entry.method === 0 ? decodeNpy(hp, data, file) : inflateEntry(hp, data, entry, file);
}

function inflateEntry(hp: RuntimeCore, compressed: Uint8Array, entry: ZipEntry, file: FileOptions): Tensor {
  const bad = (problem: string, expected: string, received: string): never => fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' ${problem}`, expected, received });
  // The header arrives first: collect it (at most the header limit), then allocate.
  let head = new Uint8Array(PREAMBLE_BYTES);
  let headFill = 0;
  let headNeeded = PREAMBLE_BYTES;
  let header: NpyHeader | undefined;
  let tensor: Tensor | undefined;
  let target: Uint8Array | undefined;
  let written = 0;

  const take = (chunk: Uint8Array): void => {
    let at = 0;
    while (at < chunk.length) {
      if (target === undefined) {
        const n = Math.min(headNeeded - headFill, chunk.length - at);
        head.set(chunk.subarray(at, at + n), headFill);
        headFill += n;
        at += n;
        if (headFill < headNeeded) {
          return;
        }
        if (header === undefined && headNeeded === PREAMBLE_BYTES) {
          const preamble = parseNpyPreamble(head, file);
          headNeeded = preamble.headerStart + preamble.headerLength;
          if (headNeeded > PREAMBLE_BYTES) {
            const longer = new Uint8Array(headNeeded);
            longer.set(head);
            head = longer;
            continue;
          }
        }
        header = parseNpyHeader(head.subarray(0, headNeeded), file);
        checkDataBytes(header, entry.size - header.dataOffset, file);
        tensor = allocateFor(hp, header, header.shape, header.fortranOrder ? 'col' : 'row', file);
        target = tensorBytes(tensor, file.where);
        // A 1.0 header can end before byte 12: those bytes are already data.
        const early = head.subarray(header.dataOffset, headFill);
        if (early.length > target.length) {
          bad('inflates to more bytes than its directory entry declares', `${entry.size} bytes`, 'more');
        }
        target.set(early);
        written = early.length;
        continue;
      }
      if (written + chunk.length - at > target.length) {
        bad('inflates to more bytes than its directory entry declares', `${entry.size} bytes`, 'more');
      }
      target.set(chunk.subarray(at), written);
      written += chunk.length - at;
      at = chunk.length;
    }
  };

  try {
    const inflater = new Inflate((chunk) => take(chunk));
    for (let at = 0; at < compressed.length || at === 0; at += PIECE_BYTES) {
      const end = Math.min(compressed.length, at + PIECE_BYTES);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
    if (target === undefined || header === undefined || tensor === undefined) {
      // Too short for its header: let the header parser say what is missing.
      parseNpyHeader(head.subarray(0, headFill), file);
      return bad('ends inside its .npy header', `${headNeeded} bytes`, `${headFill} bytes`);
    }
    if (written !== target.length) {
      bad('inflates to fewer bytes than its directory entry declares', `${entry.size} bytes`, `${header.dataOffset + written} bytes`);
    }
    fixBytes(target, header);
    return tensor;
  } catch (error) {
    tensor?.release();
    if (error instanceof HotpathError) {
      throw error;
    }
    // fflate's errors: a corrupt deflate stream (invalid block type, distance, unexpected end).
    return bad('holds a corrupt deflate stream', 'valid deflate data', error instanceof Error ? error.message : String(error));
  }
}
