/**
 * Fuzz target: a whole .npy file from bytes into a tensor (decodeNpy: header, size checks,
 * allocation in the CPU heap, byte-order and bool fixes). An accepted file gives a tensor of the
 * header's shape holding the file's data; it is released after each input. The heap may not
 * grow by more than the file's own size (plus the oracle's slack).
 */
import { decodeNpy } from '../../src/io/npy.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

const hp = await createRuntime({ backends: ['ref'] });
const probe = hp.empty([1], 'uint8', { name: 'heap probe' });

export const target: Target = {
  name: 'npy',
  parse(data) {
    const t = decodeNpy(hp, data, { source: 'fuzz.npy', where: 'fuzz' });
    try {
      if (t.size * (t.data('fuzz').BYTES_PER_ELEMENT) > data.length) {
        throw new Finding(`npy: a ${data.length}-byte file gave ${t.toString()}`);
      }
      t.toArray();
    } finally {
      t.release();
    }
  },
  bound: (length) => length,
  heapBytes: () => probe.data('fuzz').buffer.byteLength,
};

export const fuzz = fuzzer(target);
