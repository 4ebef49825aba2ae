/**
 * Loads the wasm backend's module: the relaxed-SIMD build (fused multiply-add) when this Node
 * validates it, otherwise the plain SIMD128 build. The choice and its reason are reported by
 * `hotpath doctor`.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { readModule } from './sections.js';
import { checkExports, type Signature } from './signatures.js';

export interface LoadedModule {
  readonly module: WebAssembly.Module;
  /** 'relaxed-simd' or 'simd128'. */
  readonly simd: SimdBuild;
  /** Why this build was chosen, naming the Node and V8 versions. */
  readonly reason: string;
}

export type SimdBuild = 'relaxed-simd' | 'simd128';

/** What chooseSimd needs from the running engine; injected so each branch can be tested on any Node. */
export interface SimdProbe {
  /** Does this engine validate the relaxed-SIMD build right now? */
  readonly validatesRelaxed: () => boolean;
  /** Turns on V8's relaxed-SIMD flag (Node 20 ships the proposal behind it). */
  readonly enableRelaxedFlag: () => void;
  /** process.version, e.g. 'v20.20.2'. */
  readonly node: string;
  /** process.versions.v8. */
  readonly v8: string;
}

/**
 * Picks the SIMD build and says why. Relaxed SIMD is on by default from V8 11.4 (Node 22 ships
 * 12.4); Node 20's V8 11.3 has it behind --experimental-wasm-relaxed-simd, which must be set
 * before compiling. Without either, the plain SIMD128 build runs (separate mul and add).
 *
 * @example chooseSimd({ validatesRelaxed: () => true, enableRelaxedFlag() {}, node: 'v22.1.0', v8: '12.4' }).build // 'relaxed-simd'
 */
export function chooseSimd(probe: SimdProbe): { readonly build: SimdBuild; readonly reason: string } {
  // V8 major.minor decides which WebAssembly features validate; doctor prints the full versions.
  const engine = `V8 ${probe.v8.split('.').slice(0, 2).join('.')}, Node ${probe.node}`;
  if (probe.validatesRelaxed()) {
    return { build: 'relaxed-simd', reason: `relaxed SIMD validates by default (${engine}): fused multiply-add in matmul/gemm` };
  }
  probe.enableRelaxedFlag();
  if (probe.validatesRelaxed()) {
    return { build: 'relaxed-simd', reason: `relaxed SIMD validates only behind --experimental-wasm-relaxed-simd (${engine}), which hotpath sets: fused multiply-add in matmul/gemm` };
  }
  return { build: 'simd128', reason: `relaxed SIMD does not validate (${engine}), even with --experimental-wasm-relaxed-simd: plain SIMD128 mul+add` };
}

/** Built by scripts/build-wasm.mjs into <package root>/wasm; three levels up from src or dist. */
function wasmPath(name: string): URL {
  return new URL(`../../../wasm/${name}`, import.meta.url);
}

/**
 * Loads the SIMD build this Node runs best and checks every declared signature against its
 * exports.
 * @example loadModule(SIGNATURES).simd // 'relaxed-simd'
 * @throws Error when this Node cannot run wasm SIMD, or when an export of `signatures` is missing
 *   from the module or has other types (naming the export, the declared and the actual
 *   signature): the backend is then unavailable with that reason
 * @throws FORMAT when the module file is not a well-formed wasm binary
 */
export function loadModule(signatures: readonly Signature[]): LoadedModule {
  const plain = readFileSync(wasmPath('hotpath-simd.wasm'));
  if (!WebAssembly.validate(plain)) {
    throw new Error('this Node.js cannot validate WebAssembly SIMD128 (needs Node >= 16.4)');
  }
  const relaxed = readFileSync(wasmPath('hotpath-relaxed.wasm'));
  const choice = chooseSimd({
    validatesRelaxed: () => WebAssembly.validate(relaxed),
    enableRelaxedFlag: () => setFlagsFromString('--experimental-wasm-relaxed-simd'),
    node: process.version,
    v8: process.versions.v8,
  });
  const file = choice.build === 'relaxed-simd' ? 'hotpath-relaxed.wasm' : 'hotpath-simd.wasm';
  const bytes = choice.build === 'relaxed-simd' ? relaxed : plain;
  const problems = checkExports(readModule(bytes, `wasm/${file}`).functions, signatures);
  if (problems.length > 0) {
    throw new Error(`wasm/${file} does not match the signatures declared in src/backends/wasm/signatures.ts: ${problems.join('; ')} (rebuild with npm run build:wasm, or fix the declaration)`);
  }
  return { module: new WebAssembly.Module(bytes), simd: choice.build, reason: choice.reason };
}
