/**
 * User modules use relaxed SIMD (fused multiply-add where the CPU has it). Node 22 and 24
 * validate it by default; Node 20 (V8 11.3) only behind --experimental-wasm-relaxed-simd,
 * which must be set before a module is compiled. hotpath's wasm backend sets it when it loads
 * its own module (module.ts); code that compiles or validates user modules without a runtime
 * (hotpath build, the cache) calls this first.
 */
import { setFlagsFromString } from 'node:v8';

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd)):
// the smallest module that validates only with relaxed SIMD.
const PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x3d, 0x01, 0x3b, 0x00,
  0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x85, 0x02, 0x0b,
]);

/** Makes relaxed SIMD available in this process; false when this engine has none at all. */
export function ensureRelaxedSimd(): boolean {
  if (WebAssembly.validate(PROBE)) {
    return true;
  }
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(PROBE);
}
