/**
 * Hostile and broken .npy/.npz files: each is refused with FORMAT (or MEMORY/IO where that is
 * the truth), a message naming the file and what was expected and received, and no tensor left
 * behind. Headers are built by hand here so each test shows the exact bytes it feeds in.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { iterateRows, loadNpy, loadNpz, npyInfo, parseNpyHeader, readRows } from '../../src/io/index.js';
import { values } from '../helpers.js';
import { assertRejectsCode, assertThrowsCode, buildNpy, dict, tempDir, withRuntime, type BuildOptions } from '../npyHelpers.js';

const tmp = tempDir();
after(() => tmp.remove());
let counter = 0;

/** Writes the file, then asserts loadNpy, npyInfo and readRows all refuse it with `code` and the fragments. */
async function refused(bytes: Uint8Array, code: string, fragments: readonly (string | RegExp)[]): Promise<void> {
  const path = tmp.write(`hostile-${counter++}.npy`, bytes);
  await withRuntime(async (hp) => {
    const error = assertThrowsCode(() => loadNpy(hp, path), code, ['loadNpy:', path, ...fragments]);
    assert.ok(error.expected !== undefined && error.received !== undefined, 'expected and received are both given');
    assertThrowsCode(() => npyInfo(path), code, ['npyInfo:', ...fragments]);
    assertThrowsCode(() => readRows(hp, path, 0, 0), code, ['readRows:', ...fragments]);
    await assertRejectsCode(async () => {
      for await (const t of iterateRows(hp, path, { batch: 1 })) {
        t.release();
      }
    }, code, ['iterateRows:', ...fragments]);
    assert.equal(hp.memory().storages, 0, 'no tensor is left behind');
  });
}

function f8(n: number): Uint8Array {
  return new Uint8Array(new Float64Array(n).fill(1.5).buffer);
}

function npy(text: string, data?: Uint8Array, options?: BuildOptions): Uint8Array {
  return buildNpy(text, data, options);
}

test('a file without the \\x93NUMPY magic is refused', async () => {
  await refused(npy(dict('<f8', '(2,)'), f8(2), { magic: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58] }), 'FORMAT', ['bad magic', 'expected the bytes \\x93NUMPY', 'received \\x93NUMPX']);
  await refused(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0]), 'FORMAT', ['bad magic', 'PK\\x03\\x04', 'zip archive, as np.savez writes: read it with loadNpz()']);
  await refused(new Uint8Array(0), 'FORMAT', ['bad magic', 'received an empty file']);
});

test('unknown format versions are refused: 4.0, 0.x, 1.1', async () => {
  await refused(npy(dict('<f8', '(2,)'), f8(2), { major: 4 }), 'FORMAT', ['unsupported format version', 'expected version 1.0, 2.0 or 3.0', 'received 4.0']);
  await refused(npy(dict('<f8', '(2,)'), f8(2), { major: 0, minor: 9 }), 'FORMAT', ['received 0.9']);
  await refused(npy(dict('<f8', '(2,)'), f8(2), { minor: 1 }), 'FORMAT', ['received 1.1']);
});

test('a header length field over 10 000 bytes is refused unless maxHeaderBytes allows it', async () => {
  const long = npy(dict('<f8', '(2,)') + ' '.repeat(20_000), f8(2), { major: 2 });
  await refused(long, 'FORMAT', ['longer than allowed', 'expected at most 10000 bytes', 'received 20084 bytes', 'maxHeaderBytes']);
  const path = tmp.write('long-header.npy', long);
  await withRuntime((hp) => {
    assert.deepEqual(values(loadNpy(hp, path, { maxHeaderBytes: 30_000 })), [1.5, 1.5]);
  });
});

test('a file that ends inside its header is refused', async () => {
  const whole = npy(dict('<f8', '(2,)'), f8(2));
  await refused(whole.subarray(0, 50), 'FORMAT', ['ends inside the header', 'expected at least 128 bytes', 'received 50 bytes']);
  await refused(whole.subarray(0, 8), 'FORMAT', ['ends inside the header']);
  await refused(npy(dict('<f8', '(2,)'), f8(2), { headerLength: 5000 }), 'FORMAT', ['ends inside the header', 'expected at least 5010 bytes']);
});

test('a header that is not a Python dict literal is refused, and nothing in it is evaluated', async () => {
  const texts = [
    "{'descr': '<f8', 'fortran_order': False, 'shape': __import__('os').system('touch /tmp/pwned'), }",
    "dict(descr='<f8', fortran_order=False, shape=(2,))",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2) }",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,) } extra",
    "{'descr': '<f8' 'fortran_order': False, 'shape': (2,) }",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,",
    "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (2,) }",
    "{descr: '<f8', 'fortran_order': False, 'shape': (2,) }",
    `{'descr': '<f8', 'fortran_order': False, 'shape': ${'('.repeat(40)}${')'.repeat(40)} }`,
  ];
  for (const text of texts) {
    await refused(npy(text, f8(2)), 'FORMAT', ['not a Python dict literal', /at character \d+/]);
  }
});

test('missing, extra and duplicate header keys are refused', async () => {
  await refused(npy("{'descr': '<f8', 'shape': (2,), }", f8(2)), 'FORMAT', ["exactly 'descr', 'fortran_order', 'shape'", "received 'descr', 'shape'"]);
  await refused(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", f8(2)), 'FORMAT', ['wrong header keys', "'x'"]);
  await refused(npy("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", f8(2)), 'FORMAT', ["duplicate key 'descr'"]);
  await refused(npy('{}', f8(2)), 'FORMAT', ['wrong header keys', 'received none']);
});

test('unsupported descrs are refused: complex, unicode, bytes, float16, datetime, structured', async () => {
  for (const descr of ['<c8', '<U4', '|S3', '<f2', '<M8[ns]', '<f16', 'float32']) {
    await refused(npy(dict(descr, '(2,)'), f8(2)), 'FORMAT', ['unsupported descr', `received '${descr}'`, 'f4, f8']);
  }
  await refused(npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }", f8(2)), 'FORMAT', ['structured descr', 'not supported']);
  await refused(npy("{'descr': 4, 'fortran_order': False, 'shape': (2,), }", f8(2)), 'FORMAT', ["bad 'descr'", 'received 4']);
});

test('object arrays (pickles) are refused', async () => {
  await refused(npy(dict('|O', '(2,)'), f8(2)), 'FORMAT', ['pickled object arrays are refused', "received '|O'"]);
});

test('a bad fortran_order is refused', async () => {
  await refused(npy(dict('<f8', '(2,)', '0'), f8(2)), 'FORMAT', ["bad 'fortran_order'", 'expected True or False', 'received 0']);
});

test('negative, non-integer and non-tuple shapes are refused', async () => {
  await refused(npy(dict('<f8', '(-1, 2)'), f8(2)), 'FORMAT', ['bad dim 0', 'received -1']);
  await refused(npy(dict('<f8', '(2.5,)'), f8(2)), 'FORMAT', ['bad dim 0', 'received 2.5']);
  await refused(npy(dict('<f8', '(1, True)'), f8(2)), 'FORMAT', ['bad dim 1', 'received True']);
  await refused(npy(dict('<f8', "('2',)"), f8(2)), 'FORMAT', ['bad dim 0', "received '2'"]);
  await refused(npy(dict('<f8', '(99999999999999999999,)'), f8(2)), 'FORMAT', ['bad dim 0']);
  await refused(npy(dict('<f8', '[2]'), f8(2)), 'FORMAT', ["bad 'shape'", 'received [2]']);
});

test('a shape whose element count overflows 2^53 is refused', async () => {
  await refused(npy(dict('<f8', '(1099511627776, 1099511627776)'), f8(2)), 'FORMAT', ['size overflows', 'at most 2^53 - 1', '1099511627776 * 1099511627776']);
  await refused(npy(dict('<f8', '(4503599627370496, 4)'), f8(2)), 'FORMAT', ['size overflows']);
});

test('truncated data reports the bytes expected and received', async () => {
  await refused(npy(dict('<f8', '(10,)'), f8(5)), 'FORMAT', ['truncated data', '<f8 [10]', 'expected 80 bytes of data', 'received 40 bytes']);
  await refused(npy(dict('<f8', '(1000000000, 1000)'), f8(5)), 'FORMAT', ['truncated data', 'expected 8000000000000 bytes']);
});

test('trailing bytes after the data are refused', async () => {
  await refused(npy(dict('<f8', '(2,)'), f8(3)), 'FORMAT', ['trailing bytes', 'expected 16 bytes of data', 'received 24 bytes']);
});

test('a version 3.0 header that is not UTF-8 is refused', async () => {
  const raw = new Uint8Array(116).fill(0x20);
  raw.set(Buffer.from(dict('<f8', '(2,)')));
  raw[3] = 0xff;
  raw[115] = 0x0a;
  await refused(npy('', f8(2), { major: 3, rawHeader: raw }), 'FORMAT', ['not valid UTF-8']);
});

test('an array larger than the heap is a MEMORY error and leaves the heap usable', async () => {
  const path = tmp.write('big.npy', npy(dict('<f8', '(1048576,)'), new Uint8Array(8 << 20)));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpy(hp, path), 'MEMORY', ['in chunks']);
    assert.equal(hp.memory().storages, 0);
    assert.equal(readRows(hp, path, 5, 1000).size, 1000, 'a range of rows still fits');
  }, { heapBytes: 8 << 20 });
});

test('a b1 array holding bytes other than 0 and 1 reads as 0/1', async () => {
  const path = tmp.write('bool.npy', npy(dict('|b1', '(4,)'), Uint8Array.of(0, 1, 7, 255)));
  await withRuntime((hp) => {
    assert.deepEqual(values(loadNpy(hp, path)), [0, 1, 1, 1]);
  });
});

test('a missing file is an IO error naming it', async () => {
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpy(hp, tmp.path('absent.npy')), 'IO', ['loadNpy: cannot open', 'absent.npy', 'ENOENT']);
    assertThrowsCode(() => loadNpz(hp, tmp.path('absent.npz')), 'IO', ['loadNpz: cannot read', 'ENOENT']);
  });
});

test('parseNpyHeader refuses the same headers without a file name', () => {
  assertThrowsCode(() => parseNpyHeader(npy(dict('|O', '()'))), 'FORMAT', ['parseNpyHeader: the data holds Python objects']);
});

test('npz: a file that is not a zip archive is refused', async () => {
  const path = tmp.write('not-a-zip.npz', npy(dict('<f8', '(2,)'), f8(2)));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['loadNpz:', 'not-a-zip.npz', 'not a readable zip archive', 'expected an .npz file']);
  });
});

test('npz: an entry that is not a .npy file is refused', async () => {
  const path = tmp.write('odd.npz', zipSync({ 'a.npy': npy(dict('<f8', '(2,)'), f8(2)), 'notes.txt': Buffer.from('hi') }));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['not a .npy file', "received 'notes.txt'"]);
  });
});

test('npz: a hostile entry is refused with its name, and entries loaded before it are released', async () => {
  const path = tmp.write('bad-entry.npz', zipSync({ 'good.npy': npy(dict('<f8', '(2,)'), f8(2)), 'bad.npy': npy(dict('|O', '(2,)'), f8(2)) }, { level: 6 }));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['loadNpz:', 'bad-entry.npz:bad.npy', 'pickled object arrays are refused']);
    assert.equal(hp.memory().storages, 0);
  });
});

test('npz: an entry whose data is cut short is refused', async () => {
  const path = tmp.write('short-entry.npz', zipSync({ 'x.npy': npy(dict('<i4', '(3, 3)'), new Uint8Array(20)) }));
  await withRuntime((hp) => {
    assertThrowsCode(() => loadNpz(hp, path), 'FORMAT', ['short-entry.npz:x.npy', 'truncated data', 'expected 36 bytes of data', 'received 20 bytes']);
  });
});

test('iterateRows over a shape of 2^53 - 1 zero-byte rows ends at once with one empty batch', async () => {
  const dir = tempDir();
  try {
    const path = dir.write('zero-rows.npy', buildNpy(dict('<f4', '(9007199254740991, 0)')));
    await withRuntime(async (hp) => {
      const shapes: number[][] = [];
      for await (const rows of iterateRows(hp, path, { batch: 64 })) {
        shapes.push([...rows.shape]);
        rows.release();
      }
      assert.deepEqual(shapes, [[9007199254740991, 0]]);
    });
  } finally {
    dir.remove();
  }
});
