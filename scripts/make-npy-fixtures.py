#!/usr/bin/env python3
"""Writes the .npy/.npz fixtures in test/fixtures/npy/ with numpy itself, so that hotpath's
reader is checked against files it did not write. Next to each file goes a JSON with numpy's
own view of the data (dtype, shape, fortran_order, values in C order from tolist()).

Run from the repository root:  python3 scripts/make-npy-fixtures.py
Values that JSON cannot hold exactly are strings: "NaN", "Infinity", "-Infinity", and integers
beyond 2**53 (int64/uint64 extremes) as decimal text.
"""
import json
import math
import os
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')

# Edge values per numpy type character + size: extremes, zero, negative zero, specials.
SAMPLES = {
    'f4': [0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, math.inf, -math.inf, math.nan, 0.1, 1e-3, 65504.0],
    'f8': [0.0, -0.0, 1.5, -2.25, 1.7976931348623157e308, 5e-324, math.inf, -math.inf, math.nan, 0.1, 1e-300, 123456789.125],
    'i1': [0, 1, -1, 127, -128, 42],
    'u1': [0, 1, 255, 128, 7, 200],
    'i2': [0, 1, -1, 32767, -32768, 1234],
    'u2': [0, 1, 65535, 32768, 258, 4660],
    'i4': [0, 1, -1, 2147483647, -2147483648, 16909060],
    'u4': [0, 1, 4294967295, 2147483648, 16909060, 3735928559],
    'i8': [0, 1, -1, 9223372036854775807, -9223372036854775808, 2 ** 53 + 1],
    'u8': [0, 1, 18446744073709551615, 2 ** 63, 2 ** 53 + 1, 72623859790382856],
    'b1': [True, False, False, True, True, False],
}


def plain(value):
    """One element as JSON can hold it exactly."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, float):
        if math.isnan(value):
            return 'NaN'
        if math.isinf(value):
            return 'Infinity' if value > 0 else '-Infinity'
        return value
    if isinstance(value, int) and abs(value) > 2 ** 53:
        return str(value)
    return value


def expected(arr):
    return {
        'descr': np.lib.format.dtype_to_descr(arr.dtype),
        'shape': list(arr.shape),
        'fortran_order': bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
        'values': [plain(v) for v in arr.ravel(order='C').tolist()],
    }


def write_json(name, content):
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(content, f, indent=None, separators=(',', ':'))
        f.write('\n')


def save(name, arr, version=None):
    path = os.path.join(OUT, name + '.npy')
    if version is None:
        np.save(path, arr)
    else:
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, arr, version=version)
    write_json(name, expected(arr))


def save_aligned16(name, arr):
    """A header padded to 16 bytes, as numpy before 1.9 wrote: the data offset is not a multiple of 64."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %r, }" % (np.lib.format.dtype_to_descr(arr.dtype), arr.shape)
    total = 10 + len(header) + 1
    header += ' ' * ((16 - total % 16) % 16) + '\n'
    assert (10 + len(header)) % 64 != 0
    with open(os.path.join(OUT, name + '.npy'), 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + len(header).to_bytes(2, 'little') + header.encode('latin1'))
        f.write(arr.tobytes(order='C'))
    write_json(name, expected(arr))


def save_empty_fortran(name, shape, descr):
    """np.save never marks an empty array Fortran-ordered (it is both C and F contiguous), so
    the header is written by numpy's header writer directly."""
    with open(os.path.join(OUT, name + '.npy'), 'wb') as f:
        np.lib.format.write_array_header_1_0(f, {'descr': descr, 'fortran_order': True, 'shape': shape})
    write_json(name, {'descr': descr, 'shape': list(shape), 'fortran_order': True, 'values': []})


def save_npz(name, arrays, compressed):
    path = os.path.join(OUT, name + '.npz')
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    with zipfile.ZipFile(path) as z:
        kinds = sorted({i.compress_type for i in z.infolist()})
    write_json(name, {'compression': kinds, 'arrays': {k: expected(v) for k, v in arrays.items()}})


def main():
    os.makedirs(OUT, exist_ok=True)
    for code, values in SAMPLES.items():
        orders = '|' if code[1] == '1' else '<>'
        for order in orders:
            dtype = np.dtype(('?' if code == 'b1' else order + code))
            if code != 'b1' and order == '|':
                dtype = np.dtype(code)
            arr = np.array(values, dtype=dtype).reshape(2, -1)
            tag = {'<': 'le', '>': 'be', '|': 'na'}[order]
            save('%s-%s' % (code, tag), arr)
    # Fortran order: the file holds the column-major bytes and says fortran_order: True.
    save('f8-fortran', np.asfortranarray(np.arange(12, dtype='<f8').reshape(3, 4) * 0.5 - 1))
    save('i4-fortran-3d', np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4) - 7))
    save('f4-fortran-be', np.asfortranarray(np.arange(6, dtype='>f4').reshape(2, 3) / 4))
    # Header versions: 2.0 (u32 length) and 3.0 (u32 length, utf8 text).
    save('f8-v2', np.arange(6, dtype='<f8').reshape(2, 3) + 0.25, version=(2, 0))
    save('i2-v3', np.arange(5, dtype='<i2') - 2, version=(3, 0))
    save_aligned16('u2-align16', np.arange(7, dtype='<u2') * 1000)
    # Rank 0 and empty arrays.
    save('f8-scalar', np.array(3.5, dtype='<f8'))
    save('i8-scalar-be', np.array(-7, dtype='>i8'))
    save('f4-empty', np.zeros((0,), dtype='<f4'))
    save('i4-empty-2d', np.zeros((3, 0), dtype='<i4'))
    save_empty_fortran('f8-empty-fortran', (0, 4), '<f8')
    # 1000 rows of 3 for readRows / iterateRows: value = 3 * row + col.
    save('rows-f4', np.arange(3000, dtype='<f4').reshape(1000, 3))
    save('rows-i4-be', (np.arange(300, dtype='>i4') * -3).reshape(100, 3))
    # k-means input as numpy users have it: integer points in a compressed archive, one array.
    save_npz('points-i4', {'points': np.array([[0, 0], [1, 0], [0, 1], [1, 1], [10, 10], [11, 10], [10, 11], [11, 11], [-10, 5], [-11, 5], [-10, 6], [-11, 6]], dtype='<i4')}, compressed=True)
    arrays = {
        'weights': np.arange(6, dtype='<f8').reshape(2, 3) / 8,
        'labels': np.array([3, -1, 7, 0], dtype='<i8'),
        'mask': np.array([True, False, True], dtype='?'),
        'grid': np.asfortranarray(np.arange(6, dtype='<f4').reshape(3, 2)),
    }
    save_npz('savez', arrays, compressed=False)
    save_npz('savez-compressed', arrays, compressed=True)


if __name__ == '__main__':
    main()
