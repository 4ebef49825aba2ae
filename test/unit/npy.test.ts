/**
 * .npy / .npz reading and writing: fixtures written by numpy itself (with numpy's values next to
 * them), round trips for every dtype and layout, and row ranges of large files. Hostile files are
 * in npyHostile.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { after, test } from 'node:test';
import { DTYPES, type DType, type Runtime, type Tensor } from '../../src/index.js';
import { encodeNpyHeader, iterateRows, loadNpy, loadNpz, npyInfo, parseNpyHeader, readRows, saveNpy, saveNpz } from '../../src/io/index.js';
import { colStrides, rowStrides } from '../../src/tensor/layout.js';
import { values } from '../helpers.js';
import { assertRejectsCode, assertThrowsCode, buildNpy, DESCR_DTYPES, dict, elementsOf, expectedOf, fixture, FIXTURES, tempDir, withRuntime, type Expected } from '../npyHelpers.js';

const tmp = tempDir();
after(() => tmp.remove());

const NPY_FIXTURES = readdirSync(FIXTURES).filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4)).sort();

function checkAgainstNumpy(t: Tensor, want: Expected, label: string): void {
  const dtype = DESCR_DTYPES[want.descr.slice(1)]!;
  assert.equal(t.dtype, dtype, label);
  assert.deepEqual(t.shape, want.shape, label);
  assert.deepEqual(t.strides, want.fortran_order ? colStrides(want.shape) : rowStrides(want.shape), `${label}: strides`);
  assert.deepEqual(values(t), elementsOf(want.values, dtype), `${label}: values`);
}

test('every numpy-written .npy fixture loads with numpy’s dtype, shape, layout and values', async () => {
  assert.ok(NPY_FIXTURES.length >= 30, 'fixtures are present');
  await withRuntime((hp) => {
    for (const name of NPY_FIXTURES) {
      const t = loadNpy(hp, fixture(`${name}.npy`));
      checkAgainstNumpy(t, expectedOf(name), name);
      t.release();
    }
    assert.equal(hp.memory().storages, 0, 'every loaded tensor was released');
  });
});

test('big-endian fixtures are swapped: each reads the same values as its little-endian twin', async () => {
  await withRuntime((hp) => {
    const pairs = NPY_FIXTURES.filter((n) => n.endsWith('-be') && NPY_FIXTURES.includes(n.replace(/-be$/, '-le')));
    assert.equal(pairs.length, 8, 'f4 f8 i2 u2 i4 u4 i8 u8');
    for (const be of pairs) {
      assert.equal(npyInfo(fixture(`${be}.npy`)).descr[0], '>', be);
      assert.deepEqual(values(loadNpy(hp, fixture(`${be}.npy`))), values(loadNpy(hp, fixture(`${be.replace(/-be$/, '-le')}.npy`))), be);
    }
  });
});

test('a Fortran-order file becomes a col tensor read straight into its storage, with no copy', async () => {
  await withRuntime((hp) => {
    const t = loadNpy(hp, fixture('f8-fortran.npy'));
    assert.equal(t.layout, 'col');
    assert.equal(t.toString(), 'f64[3,4] col');
    assert.deepEqual(t.strides, [1, 3]);
    assert.deepEqual(hp.stats().copies, {}, 'no implicit copy recorded');
    assert.deepEqual(hp.memory(), { tensors: 1, storages: 1, bytes: 96 }, 'one storage of exactly the data');
    // Storage order is the file's order: column by column.
    const data = readFileSync(fixture('f8-fortran.npy'));
    const info = npyInfo(fixture('f8-fortran.npy'));
    const storage = t.data();
    assert.ok(data.subarray(info.dataOffset).equals(new Uint8Array(storage.buffer, storage.byteOffset, 96)), 'storage bytes are the file bytes');
    assert.equal(t.get(2, 1), expectedOf('f8-fortran').values[2 * 4 + 1]);
  });
});

test('header versions 1.0, 2.0 and 3.0 and older 16-byte alignment are all read', () => {
  assert.deepEqual(npyInfo(fixture('f8-le.npy')), { dtype: 'float64', descr: '<f8', shape: [2, 6], fortranOrder: false, dataOffset: 128, version: '1.0' });
  assert.equal(npyInfo(fixture('f8-v2.npy')).version, '2.0');
  assert.equal(npyInfo(fixture('i2-v3.npy')).version, '3.0');
  assert.equal(npyInfo(fixture('f8-v2.npy')).dataOffset % 64, 0);
  assert.equal(npyInfo(fixture('u2-align16.npy')).dataOffset, 80, 'not a multiple of 64, still accepted');
  assert.equal(npyInfo(fixture('b1-na.npy')).dtype, 'bool', 'numpy bool reads as bool, as numpy sees it');
});

test('0-d arrays load as rank-0 tensors and empty arrays load with their shape', async () => {
  await withRuntime((hp) => {
    const scalar = loadNpy(hp, fixture('f8-scalar.npy'));
    assert.equal(scalar.rank, 0);
    assert.equal(scalar.item(), 3.5);
    assert.equal(loadNpy(hp, fixture('i8-scalar-be.npy')).item(), -7n);
    assert.deepEqual(loadNpy(hp, fixture('i4-empty-2d.npy')).shape, [3, 0]);
    assert.equal(loadNpy(hp, fixture('f4-empty.npy')).size, 0);
  });
});

/** Twelve values of `dtype` that include its extremes. */
function sample(hp: Runtime, dtype: DType, shape: readonly number[]): Tensor {
  const edges: Record<DType, (number | bigint)[]> = {
    float32: [0, -0, 1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, Infinity, -Infinity, NaN, 0.1, 7, 8],
    float64: [0, -0, 1.5, -2.25, Number.MAX_VALUE, 5e-324, Infinity, -Infinity, NaN, 0.1, 7, 8],
    int8: [0, 1, -1, 127, -128, 5, 6, 7, 8, 9, 10, 11],
    uint8: [0, 1, 255, 128, 4, 5, 6, 7, 8, 9, 10, 11],
    int16: [0, 1, -1, 32767, -32768, 5, 6, 7, 8, 9, 10, 11],
    uint16: [0, 1, 65535, 32768, 4, 5, 6, 7, 8, 9, 10, 11],
    int32: [0, 1, -1, 2147483647, -2147483648, 5, 6, 7, 8, 9, 10, 11],
    uint32: [0, 1, 4294967295, 2147483648, 4, 5, 6, 7, 8, 9, 10, 11],
    int64: [0n, 1n, -1n, 9223372036854775807n, -9223372036854775808n, 5n, 6n, 7n, 8n, 9n, 10n, 11n],
    uint64: [0n, 1n, 18446744073709551615n, 9007199254740993n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n],
    bool: [0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0],
  };
  return hp.tensor(edges[dtype].slice(0, shape.reduce((p, d) => p * d, 1)) as number[], shape, { dtype });
}

test('every dtype round-trips through saveNpy/loadNpy in row, col and strided layouts', async () => {
  await withRuntime((hp) => {
    for (const dtype of DTYPES) {
      const x = sample(hp, dtype, [3, 4]);
      const cases: [string, Tensor, boolean][] = [
        ['row', x, false],
        ['col', x.contiguous('col'), true],
        ['strided', x.slice(null, [0, 4, 2]), false],
      ];
      for (const [layout, t, fortran] of cases) {
        const path = tmp.path(`${dtype}-${layout}.npy`);
        const written = saveNpy(hp, path, t);
        assert.equal(written.fortranOrder, fortran, `${dtype} ${layout}`);
        assert.equal(written.gathered, layout === 'strided');
        assert.equal(written.bytes, statSync(path).size);
        const info = npyInfo(path);
        assert.equal(info.fortranOrder, fortran);
        assert.equal(info.version, '1.0');
        assert.equal(info.dataOffset % 64, 0);
        assert.ok(info.descr.startsWith(dtype.endsWith('int8') || dtype === 'bool' ? '|' : '<'), info.descr);
        const back = loadNpy(hp, path);
        assert.equal(back.layout, fortran ? 'col' : 'row');
        assert.deepEqual(values(back), values(t), `${dtype} ${layout}`);
      }
    }
  });
});

test('rank-0 and empty tensors round-trip, and the header encoder agrees with the parser', async () => {
  await withRuntime((hp) => {
    for (const t of [hp.tensor(2.5), hp.empty([0, 3], 'int16'), hp.empty([4, 0], 'float64', { layout: 'col' })]) {
      const path = tmp.path('small.npy');
      saveNpy(hp, path, t);
      const back = loadNpy(hp, path);
      assert.deepEqual([back.dtype, back.shape], [t.dtype, t.shape]);
      assert.deepEqual(values(back), values(t));
    }
    const header = parseNpyHeader(encodeNpyHeader('uint16', [7, 1, 3], true));
    assert.deepEqual([header.descr, header.shape, header.fortranOrder, header.dataOffset, header.dataBytes], ['<u2', [7, 1, 3], true, 128, 42]);
    assert.equal(parseNpyHeader(encodeNpyHeader('int8', [5], false)).descr, '|i1');
  });
});

test('the header parser takes the literal forms Python allows: either quotes, any key order, spacing, no trailing comma', () => {
  const texts = [
    `{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}`,
    `{'shape': (2,3,), 'fortran_order':False,'descr':'<f4'}`,
    `{\n  'descr' : '<f4' ,\n  'fortran_order' : False ,\n  'shape' : ( 2 , 3 ) ,\n}`,
  ];
  for (const text of texts) {
    const bytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length + 1, 0, ...Buffer.from(`${text}\n`)]);
    const h = parseNpyHeader(bytes);
    assert.deepEqual([h.dtype, h.shape, h.fortranOrder], ['float32', [2, 3], false], text);
  }
});

test('byte order marks: < and > are explicit, = and | mean this machine; headers over 65535 bytes are written as 2.0', () => {
  const orders: [string, DType, boolean][] = [['<i4', 'int32', false], ['>u2', 'uint16', true], ['=f8', 'float64', false], ['|u1', 'uint8', false], ['>i1', 'int8', false]];
  for (const [descr, dtype, swap] of orders) {
    const h = parseNpyHeader(buildNpy(dict(descr, '(2,)')));
    assert.deepEqual([h.dtype, h.swap], [dtype, swap], descr);
  }
  const wide = encodeNpyHeader('float32', Array<number>(22_000).fill(1), false);
  assert.deepEqual([wide[6], wide.length % 64], [2, 0]);
  assert.equal(parseNpyHeader(wide, { maxHeaderBytes: 100_000 }).shape.length, 22_000);
});

test('readRows reads only the rows asked for, from C-order files, little- and big-endian', async () => {
  await withRuntime((hp) => {
    const rows = readRows(hp, fixture('rows-f4.npy'), 100, 64);
    assert.equal(rows.toString(), 'f32[64,3]');
    assert.deepEqual(values(rows), Array.from({ length: 64 * 3 }, (_, i) => 300 + i));
    assert.deepEqual(values(readRows(hp, fixture('rows-f4.npy'), 999, 1)), [2997, 2998, 2999]);
    assert.deepEqual(readRows(hp, fixture('rows-f4.npy'), 1000, 0).shape, [0, 3]);
    assert.deepEqual(values(readRows(hp, fixture('rows-i4-be.npy'), 10, 2)), [-90, -93, -96, -99, -102, -105]);
    // A Fortran file with one row: the row is contiguous after all.
    assert.equal(readRows(hp, fixture('i2-v3.npy'), 1, 3).toString(), 'i16[3]');
  });
});

test('readRows refuses Fortran-order files, rank-0 files and ranges outside the file', async () => {
  await withRuntime((hp) => {
    assertThrowsCode(() => readRows(hp, fixture('f8-fortran.npy'), 0, 1), 'LAYOUT', ['readRows:', 'f8-fortran.npy', 'Fortran order', 'rows are not contiguous']);
    assertThrowsCode(() => readRows(hp, fixture('f8-scalar.npy'), 0, 1), 'SHAPE', ['rank-0']);
    assertThrowsCode(() => readRows(hp, fixture('rows-f4.npy'), 990, 11), 'ARGUMENT', ['start + count <= 1000', 'start 990, count 11']);
    assertThrowsCode(() => readRows(hp, fixture('rows-f4.npy'), -1, 1), 'ARGUMENT', ['start -1']);
    assertThrowsCode(() => readRows(hp, fixture('rows-f4.npy'), 0.5, 1), 'ARGUMENT', ['start 0.5']);
    assert.equal(hp.memory().storages, 0, 'nothing allocated on refusal');
  });
});

test('iterateRows walks 1000 rows in batches of 64, one batch alive at a time', async () => {
  await withRuntime(async (hp) => {
    let next = 0;
    const sizes: number[] = [];
    for await (const batch of iterateRows(hp, fixture('rows-f4.npy'), { batch: 64 })) {
      assert.equal(hp.memory().storages, 1, 'only the current batch is held');
      sizes.push(batch.shape[0]!);
      assert.deepEqual(values(batch), Array.from({ length: batch.size }, (_, i) => next * 3 + i));
      next += batch.shape[0]!;
      batch.release();
    }
    assert.equal(next, 1000);
    assert.deepEqual(sizes, [...Array<number>(15).fill(64), 40]);
    const be: (number | bigint)[] = [];
    for await (const batch of iterateRows(hp, fixture('rows-i4-be.npy'), { batch: 64 })) {
      be.push(...values(batch));
      batch.release();
    }
    assert.deepEqual(be, elementsOf(expectedOf('rows-i4-be').values, 'int32'));
    // Leaving the loop early closes the file and leaves nothing behind.
    for await (const batch of iterateRows(hp, fixture('rows-f4.npy'), { batch: 10 })) {
      batch.release();
      break;
    }
    assert.equal(hp.memory().storages, 0);
    await assertRejectsCode(async () => {
      for await (const batch of iterateRows(hp, fixture('rows-f4.npy'), { batch: 0 })) {
        batch.release();
      }
    }, 'ARGUMENT', ['invalid batch', 'received 0']);
    await assertRejectsCode(async () => {
      for await (const batch of iterateRows(hp, fixture('f4-fortran-be.npy'), { batch: 1 })) {
        batch.release();
      }
    }, 'LAYOUT', ['iterateRows:', 'Fortran order']);
  });
});

test('npz archives written by np.savez and np.savez_compressed load with numpy’s values', async () => {
  await withRuntime((hp) => {
    for (const name of ['savez', 'savez-compressed']) {
      const want = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as { compression: number[]; arrays: Record<string, Expected> };
      assert.deepEqual(want.compression, name === 'savez' ? [0] : [8]);
      const got = loadNpz(hp, fixture(`${name}.npz`));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(want.arrays).sort());
      for (const [key, expected] of Object.entries(want.arrays)) {
        checkAgainstNumpy(got[key]!, expected, `${name}:${key}`);
      }
      assert.equal(got.grid!.layout, 'col');
    }
  });
});

test('saveNpz round-trips every dtype and layout, stored and compressed', async () => {
  await withRuntime((hp) => {
    const tensors: Record<string, Tensor> = {};
    for (const dtype of DTYPES) {
      const x = sample(hp, dtype, [3, 4]);
      tensors[dtype] = x;
      tensors[`${dtype}_col`] = x.contiguous('col');
      tensors[`${dtype}_strided`] = x.slice([0, 3, 2]);
    }
    tensors.scalar = hp.tensor(4);
    tensors.empty = hp.empty([0, 2]);
    tensors.__proto__ = hp.tensor([1, 2]);
    for (const compress of [false, true]) {
      const path = tmp.path(`all-${compress}.npz`);
      saveNpz(hp, path, tensors, { compress });
      const bytes = readFileSync(path);
      // The first local file header's compression method: 0 stored (np.savez), 8 deflate.
      assert.equal(bytes.readUInt16LE(8), compress ? 8 : 0);
      const back = loadNpz(hp, path);
      assert.deepEqual(Object.keys(back), Object.keys(tensors));
      for (const [key, t] of Object.entries(tensors)) {
        assert.deepEqual(values(back[key]!), values(t), key);
        assert.equal(back[key]!.layout, key.endsWith('_col') ? 'col' : 'row', key);
      }
      assert.equal(Object.getPrototypeOf(back), Object.prototype);
    }
  });
});
