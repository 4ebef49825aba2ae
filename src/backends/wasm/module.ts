/**
 * Loads the wasm backend's module: the relaxed-SIMD build (fused multiply-add) when this Node
 * validates it, otherwise the plain SIMD128 build. The choice and its reason are reported by
 * `hotpath doctor`.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

export interface LoadedModule {
  readonly module: WebAssembly.Module;
  /** 'relaxed-simd' or 'simd128'. */
  readonly simd: string;
  /** Why this build was chosen. */
  readonly reason: string;
}

/** Built by scripts/build-wasm.mjs into <package root>/wasm; three levels up from src or dist. */
function wasmPath(name: string): URL {
  return new URL(`../../../wasm/${name}`, import.meta.url);
}

export function loadModule(): LoadedModule {
  const plain = readFileSync(wasmPath('hotpath-simd.wasm'));
  if (!WebAssembly.validate(plain)) {
    throw new Error('this Node.js cannot validate WebAssembly SIMD128 (needs Node >= 16.4)');
  }
  const relaxed = readFileSync(wasmPath('hotpath-relaxed.wasm'));
  if (!WebAssembly.validate(relaxed)) {
    // Node 20 ships relaxed SIMD behind a flag; it must be set before compiling.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  }
  if (WebAssembly.validate(relaxed)) {
    return { module: new WebAssembly.Module(relaxed), simd: 'relaxed-simd', reason: 'relaxed SIMD validates: fused multiply-add in matmul/gemm' };
  }
  return { module: new WebAssembly.Module(plain), simd: 'simd128', reason: 'relaxed SIMD does not validate on this Node; plain SIMD128 mul+add' };
}
