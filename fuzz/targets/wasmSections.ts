/**
 * Fuzz target: the wasm binary reader (src/backends/wasm/sections.ts) that checks built-in and
 * user kernels' modules against their declared signatures. It returns a consistent result or
 * throws FORMAT; and a module WebAssembly.validate accepts must be read, unless it uses a
 * feature the reader declines by name (GC types, 64-bit memories, other constant instructions).
 */
import { HotpathError } from '../../src/errors.js';
import { readModule } from '../../src/backends/wasm/sections.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

/** The reader's own words for features it declines on purpose (see sections.ts). */
const DECLINED = /not a function type|unknown value type|unsupported/;

export const target: Target = {
  name: 'wasmSections',
  parse(data) {
    let info;
    try {
      info = readModule(data, 'fuzz.wasm');
    } catch (error) {
      if (error instanceof HotpathError && !DECLINED.test(error.message) && WebAssembly.validate(data)) {
        throw new Finding(`wasmSections: refused a module WebAssembly.validate accepts: ${error.message}`);
      }
      throw error;
    }
    const dataBytes = info.data.reduce((sum, d) => sum + d.bytes, 0);
    const funcExports = info.exports.filter((e) => e.kind === 'func').map((e) => e.name);
    const valid = dataBytes <= data.length && funcExports.length === info.functions.length && info.functions.every((f, i) => f.name === funcExports[i]) && info.data.every((d) => d.offset === null || (Number.isInteger(d.offset) && d.offset >= 0 && d.offset < 2 ** 32));
    if (!valid) {
      throw new Finding(`wasmSections: an inconsistent result ${JSON.stringify(info)} for ${data.length} bytes`);
    }
  },
  // Small objects per byte read (types, names, segments): far below 64 bytes per input byte.
  bound: (length) => 64 * length,
};

export const fuzz = fuzzer(target);
