/**
 * Fuzz target: an .npz archive from bytes (decodeNpz: the zip directory, the size checks made
 * before inflating, stored and deflated entries inflated into tensors). Every tensor is released
 * after each input, also when a later entry is refused (the heap must be back where it was).
 * Deflate expands at most 1032:1, so the heap may grow by at most that times the input.
 */
import { decodeNpz } from '../../src/io/npz.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

const hp = await createRuntime({ backends: ['ref'] });
const probe = hp.empty([1], 'uint8', { name: 'heap probe' });

export const target: Target = {
  name: 'npz',
  parse(data) {
    const before = hp.memory().storages;
    let arrays: ReturnType<typeof decodeNpz> = {};
    try {
      arrays = decodeNpz(hp, data, { source: 'fuzz.npz', where: 'fuzz' });
      for (const t of Object.values(arrays)) {
        t.toArray();
      }
    } finally {
      Object.values(arrays).forEach((t) => t.release());
      if (hp.memory().storages !== before) {
        throw new Finding(`npz: ${hp.memory().storages - before} tensors left allocated after the input`);
      }
    }
  },
  bound: (length) => 1032 * length,
  heapBytes: () => probe.data('fuzz').buffer.byteLength,
};

export const fuzz = fuzzer(target);
