/**
 * The directory of a zip archive (an .npz): each entry's name, method, sizes and where its data
 * starts, read from the central directory and the local headers (PKWARE APPNOTE 6.3, with
 * zip64). Nothing is inflated here; every offset and size is checked against the archive's
 * length, so a hostile directory is refused (FORMAT) before anything is allocated for it.
 * Inflating is fflate's (see npzEntry.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate (other methods are refused by the caller). */
  readonly method: number;
  /** General-purpose flags; bit 0 means encrypted. */
  readonly flags: number;
  /** Bytes of (possibly compressed) data in the archive. */
  readonly compressedSize: number;
  /** Bytes of the entry once inflated, as the directory declares. */
  readonly size: number;
  /** Where the entry's local header starts in the archive. */
  readonly headerStart: number;
  /** Where the entry's data starts in the archive (after its local header). */
  readonly dataStart: number;
}

export interface ZipSource {
  readonly source: string;
  readonly where: string;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_BYTES = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_BYTES = 30;
/** The 32-bit field value that says "the real value is in the zip64 extra field". */
const ZIP64_MARK = 0xffffffff;
const ZIP64_EXTRA_ID = 0x0001;
/** The longest archive comment a zip can carry, so the end record is within this of the end. */
const MAX_COMMENT_BYTES = 0xffff;

/**
 * The entries of a zip archive held in memory, in directory order.
 * @throws FORMAT for anything that is not a well-formed, single-disk zip archive: no end record,
 *   a directory or entry outside the archive, bad signatures, sizes beyond 2^53
 */
export function readZipDirectory(archive: Uint8Array, file: ZipSource): ZipEntry[] {
  const bad = (problem: string, expected: string, received: string): never =>
    fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' ${problem}`, expected, received, hint: 'an .npz file is a zip of .npy files, as np.savez writes' });
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number, what: string): number => {
    const high = u32(at + 4);
    // 2^21 * 2^32 = 2^53: beyond that a size cannot be a JS integer (nor a real file).
    return high >= 0x200000 ? bad(`declares a ${what} beyond 2^53 bytes`, 'sizes a file can have', `high word ${high}`) : high * 2 ** 32 + u32(at);
  };
  const inside = (start: number, bytes: number, what: string): void => {
    if (start < 0 || bytes < 0 || start + bytes > archive.length) {
      bad(`has a ${what} outside the file`, `bytes ${start}..${start + bytes} within ${archive.length}`, 'a range past the end');
    }
  };

  const eocd = findEndRecord(archive, view);
  if (eocd < 0) {
    return fail({ code: 'FORMAT', kernel: file.where, problem: `'${file.source}' is not a readable zip archive (no end-of-central-directory record)`, expected: 'an .npz file (a zip of .npy files, as np.savez writes)', received: `${archive.length} bytes without PK\\x05\\x06 in the last 64 KiB` });
  }
  let count = u16(eocd + 10);
  let directorySize = u32(eocd + 12);
  let directoryStart = u32(eocd + 16);
  const locator = eocd - ZIP64_LOCATOR_BYTES;
  if (locator >= 0 && u32(locator) === ZIP64_LOCATOR_SIGNATURE) {
    const record = u64(locator + 8, 'zip64 record offset');
    inside(record, 56, 'zip64 end record');
    if (u32(record) !== ZIP64_EOCD_SIGNATURE) {
      bad('has a zip64 locator that points at no zip64 end record', 'the bytes PK\\x06\\x06', `0x${u32(record).toString(16)}`);
    }
    count = u64(record + 32, 'entry count');
    directorySize = u64(record + 40, 'directory size');
    directoryStart = u64(record + 48, 'directory offset');
  }
  inside(directoryStart, directorySize, 'central directory');
  // Every directory record is at least 46 bytes: a count the directory cannot hold is a lie.
  if (count * CENTRAL_BYTES > directorySize) {
    bad('declares more entries than its directory can hold', `at most ${Math.floor(directorySize / CENTRAL_BYTES)} entries`, `${count}`);
  }

  const entries: ZipEntry[] = [];
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    inside(at, CENTRAL_BYTES, 'directory record');
    if (u32(at) !== CENTRAL_SIGNATURE) {
      bad(`has a broken central directory at record ${i}`, 'the bytes PK\\x01\\x02', `0x${u32(at).toString(16)}`);
    }
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const nameBytes = u16(at + 28);
    const extraBytes = u16(at + 30);
    const commentBytes = u16(at + 32);
    inside(at + CENTRAL_BYTES, nameBytes + extraBytes + commentBytes, 'directory record');
    const nameStart = at + CENTRAL_BYTES;
    // Bit 11: the name is UTF-8; otherwise code page 437, read here as latin1 (names are ASCII in practice).
    const name = new TextDecoder((flags & 0x800) !== 0 ? 'utf-8' : 'latin1').decode(archive.subarray(nameStart, nameStart + nameBytes));
    const sizes = { compressed: u32(at + 20), size: u32(at + 24), offset: u32(at + 42) };
    readZip64Extra(nameStart + nameBytes, extraBytes, sizes, u16, u64);
    inside(sizes.offset, LOCAL_BYTES, `local header of '${name}'`);
    if (u32(sizes.offset) !== LOCAL_SIGNATURE) {
      bad(`has no local header where the directory puts '${name}'`, 'the bytes PK\\x03\\x04', `0x${u32(sizes.offset).toString(16)}`);
    }
    const dataStart = sizes.offset + LOCAL_BYTES + u16(sizes.offset + 26) + u16(sizes.offset + 28);
    inside(dataStart, sizes.compressed, `data of '${name}'`);
    entries.push({ name, method, flags, compressedSize: sizes.compressed, size: sizes.size, headerStart: sizes.offset, dataStart });
    at = nameStart + nameBytes + extraBytes + commentBytes;
  }
  checkNoOverlap(entries, bad);
  return entries;
}

/**
 * Entries that share bytes are how the densest zip bombs multiply one deflate stream into many
 * entries; no zip writer produces them, so they are refused and every declared size stays
 * backed by bytes of its own.
 */
function checkNoOverlap(entries: readonly ZipEntry[], bad: (problem: string, expected: string, received: string) => never): void {
  const byStart = [...entries].sort((a, b) => a.headerStart - b.headerStart);
  for (let i = 1; i < byStart.length; i++) {
    const before = byStart[i - 1]!;
    const entry = byStart[i]!;
    if (entry.headerStart < before.dataStart + before.compressedSize) {
      bad(`has entries that overlap ('${before.name}' and '${entry.name}')`, 'each entry in bytes of its own', `'${entry.name}' at byte ${entry.headerStart}, inside '${before.name}'`);
    }
  }
}

/** The last end-of-central-directory record (searching back over a possible comment), or -1. */
function findEndRecord(archive: Uint8Array, view: DataView): number {
  const last = archive.length - EOCD_BYTES;
  const first = Math.max(0, last - MAX_COMMENT_BYTES);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      return at;
    }
  }
  return -1;
}

/**
 * Replaces the sizes and offset that hold the zip64 mark with the 64-bit values of the zip64
 * extra field, which lists only those, in this order: size, compressed size, offset.
 */
function readZip64Extra(start: number, bytes: number, sizes: { compressed: number; size: number; offset: number }, u16: (at: number) => number, u64: (at: number, what: string) => number): void {
  const end = start + bytes;
  for (let at = start; at + 4 <= end; at += 4 + u16(at + 2)) {
    if (u16(at) !== ZIP64_EXTRA_ID) {
      continue;
    }
    let field = at + 4;
    const fieldEnd = Math.min(end, field + u16(at + 2));
    for (const key of ['size', 'compressed', 'offset'] as const) {
      if (sizes[key] === ZIP64_MARK && field + 8 <= fieldEnd) {
        sizes[key] = u64(field, `zip64 ${key}`);
        field += 8;
      }
    }
    return;
  }
}

/** The four bytes every zip archive (and so every .npz) starts with: 'PK\x03\x04'. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;

/**
 * True when the file starts like a zip archive, so an .npz is read as one whatever its name; a
 * file that cannot be read gives false and is left to loadNpy, whose IO error names it.
 * @example isZip('data.npz')   // true
 */
export function isZip(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = new Uint8Array(ZIP_MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.every((b, i) => b === ZIP_MAGIC[i]);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}
