/**
 * Hostile .npz directories (zip bombs) are refused before anything is inflated or allocated:
 * declared sizes deflate cannot produce, entries sharing one stream, totals past the heap, and
 * streams that inflate to more than declared. The archives are built here byte by byte from
 * the zip format (PKWARE APPNOTE), so the directory can say what a real writer never would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'fflate';
import { loadNpz } from '../../src/io/index.js';
import { assertThrowsCode, buildNpy, dict, tempDir, withRuntime } from '../npyHelpers.js';

const tmp = tempDir();
test.after(() => tmp.remove());

interface Entry {
  readonly name: string;
  /** The bytes stored in the archive for this entry. */
  readonly data: Uint8Array;
  readonly method: 0 | 8;
  /** The uncompressed size the directory declares. */
  readonly size: number;
  /** Point this entry's directory record at another entry's local header. */
  readonly sameAs?: number;
}

/** A zip archive: local headers and data, then the central directory and its end record. */
function zip(entries: readonly Entry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const name = (e: Entry): Uint8Array => new TextEncoder().encode(e.name);
  for (const e of entries) {
    if (e.sameAs !== undefined) {
      offsets.push(offsets[e.sameAs]!);
      continue;
    }
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, e.method, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.size, true);
    local.setUint16(26, name(e).length, true);
    offsets.push(at);
    parts.push(new Uint8Array(local.buffer), name(e), e.data);
    at += 30 + name(e).length + e.data.length;
  }
  const directoryStart = at;
  entries.forEach((e, i) => {
    const source = e.sameAs === undefined ? e : entries[e.sameAs]!;
    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true);
    record.setUint16(4, 20, true);
    record.setUint16(6, 20, true);
    record.setUint16(10, e.method, true);
    record.setUint32(20, source.data.length, true);
    record.setUint32(24, e.size, true);
    record.setUint16(28, name(e).length, true);
    record.setUint32(42, offsets[i]!, true);
    parts.push(new Uint8Array(record.buffer), name(e));
    at += 46 + name(e).length;
  });
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, at - directoryStart, true);
  end.setUint32(16, directoryStart, true);
  parts.push(new Uint8Array(end.buffer));
  const out = new Uint8Array(at + 22);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

test('npz: an entry declaring more than deflate can produce from its bytes is FORMAT before any allocation', async () => {
  // 100 bytes of deflate can inflate to at most 103 200 bytes: 3 GiB is a lie.
  const path = tmp.write('ratio.npz', zip([{ name: 'x.npy', data: new Uint8Array(100), method: 8, size: 3 * 2 ** 30 }]));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ["entry 'x.npy' declares a size its data cannot have", 'at most 103200 bytes', 'received 3221225472 bytes']);
    assert.equal(hp.memory().storages, 0);
  });
});

test('npz: entries sharing one stream (the overlapping zip bomb) are FORMAT', async () => {
  const data = deflateSync(buildNpy(dict('|u1', '(100000,)'), new Uint8Array(100_000)));
  const size = 128 + 100_000;
  const path = tmp.write('overlap.npz', zip([{ name: 'a.npy', data, method: 8, size }, { name: 'b.npy', data, method: 8, size, sameAs: 0 }, { name: 'c.npy', data, method: 8, size, sameAs: 0 }]));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['entries that overlap', "'a.npy'"]);
  });
});

test('npz: entries declaring more than the heap in all are MEMORY before anything is inflated', async () => {
  // Three entries of 1.4 MiB of (never inflated) bytes, each declaring 1.4 GiB: plausible for
  // deflate one by one, 4.2 GiB together.
  const bytes = 1.4 * 2 ** 20;
  const size = Math.floor(bytes * 1000);
  const entries = ['a', 'b', 'c'].map((n): Entry => ({ name: `${n}.npy`, data: new Uint8Array(bytes), method: 8, size }));
  const path = tmp.write('total.npz', zip(entries));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'MEMORY', ["entry 'c.npy' takes the archive past what the CPU heap can hold", `received ${3 * size} bytes declared`]);
    assert.equal(hp.memory().storages, 0);
  });
});

test('npz: a stream inflating past its declared size stops with FORMAT; a header disagreeing with it is FORMAT', async () => {
  const npy = buildNpy(dict('|u1', '(10,)'), new Uint8Array(10));
  // The .npy inside is 10 000 bytes longer than its header and the directory say.
  const long = deflateSync(new Uint8Array([...npy, ...new Uint8Array(10_000)]));
  const path = tmp.write('long.npz', zip([{ name: 'x.npy', data: long, method: 8, size: npy.length }]));
  const lying = tmp.write('lying.npz', zip([{ name: 'x.npy', data: deflateSync(npy), method: 8, size: npy.length + 64 }]));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['long.npz:x.npy', 'inflates to more bytes than its directory entry declares']);
    assertThrowsCode(() => loadNpz(hp, lying), 'FORMAT', ['lying.npz:x.npy', 'trailing bytes']);
    assert.equal(hp.memory().storages, 0);
  });
});

test('npz: stored and deflated entries built by hand load with their values', async () => {
  const values = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
  const npy = buildNpy(dict('|u1', '(3, 100)'), values);
  const path = tmp.write('ok.npz', zip([{ name: 's.npy', data: npy, method: 0, size: npy.length }, { name: 'd.npy', data: deflateSync(npy), method: 8, size: npy.length }]));
  await withRuntime((hp) => {
    const { s, d } = loadNpz(hp, path);
    assert.deepEqual([...s!.toArray()], [...values]);
    assert.deepEqual([...d!.toArray()], [...values]);
    assert.deepEqual(d!.shape, [3, 100]);
  });
});

test('npz: the total is checked against the room left in this runtime\'s heap before the first entry is inflated', async () => {
  // Two real 20 MB entries (zeros deflate ~1000:1) in a runtime whose heap holds 32 MiB: the
  // second would not fit, so neither is inflated.
  const npy = buildNpy(dict('|u1', '(20000000,)'), new Uint8Array(20_000_000));
  const data = deflateSync(npy, { level: 9 });
  const path = tmp.write('room.npz', zip(['a', 'b'].map((n): Entry => ({ name: `${n}.npy`, data, method: 8, size: npy.length }))));
  await withRuntime((hp) => {
    const room = hp.heapRoomBytes();
    assert.ok(room < 2 * npy.length && room >= npy.length, `room ${room}`);
    assertThrowsCode(() => loadNpz(hp, path), 'MEMORY', ["entry 'b.npy' takes the archive past what the CPU heap can hold", `at most ${room} bytes of arrays in all`]);
    assert.equal(hp.memory().storages, 0);
  }, { heapBytes: 32 << 20 });
});
