/**
 * Fuzz target: the .npy header parser (src/io/npyHeader.ts) and the data-size check on the
 * bytes of a whole file. An accepted header must describe a shape whose byte count is the
 * product of its dims and the dtype's width, and the file must hold exactly that much data.
 */
import { checkDataBytes, parseNpyHeader } from '../../src/io/npyHeader.js';
import { dtypeInfo } from '../../src/tensor/dtype.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

export const target: Target = {
  name: 'npyHeader',
  parse(data) {
    const header = parseNpyHeader(data, { source: 'fuzz.npy', where: 'fuzz' });
    checkDataBytes(header, data.length - header.dataOffset, { source: 'fuzz.npy', where: 'fuzz' });
    const size = header.shape.reduce((a, b) => a * b, 1);
    const valid = header.shape.every((d) => Number.isSafeInteger(d) && d >= 0) && header.size === size && header.dataBytes === size * dtypeInfo(header.dtype).bytes && header.dataOffset + header.dataBytes === data.length;
    if (!valid) {
      throw new Finding(`npyHeader: accepted an inconsistent header ${JSON.stringify({ ...header, length: data.length })}`);
    }
  },
  bound: (length) => 4 * length,
};

export const fuzz = fuzzer(target);
