// Builds the wasm backend's module twice from src/backends/wasm/assembly: plain SIMD128 and
// relaxed SIMD (fused multiply-add). Output: wasm/hotpath-simd.wasm, wasm/hotpath-relaxed.wasm.
// `--check` compiles both without writing anything (the diagnostics only, a few seconds): the
// install test uses it to keep the build free of compiler warnings.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src/backends/wasm/assembly/index.ts');
const out = path.join(root, 'wasm');
const check = process.argv.includes('--check');
const asc = path.join(root, 'node_modules/assemblyscript/bin/asc.js');
const common = ['--noAssert', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads', '--importMemory', '--sharedMemory', '--initialMemory', '17', '--maximumMemory', '65536', '--noExportMemory'];
if (!check) {
  mkdirSync(out, { recursive: true });
}
for (const [name, extra] of [['hotpath-simd.wasm', []], ['hotpath-relaxed.wasm', ['--enable', 'relaxed-simd']]]) {
  const target = check ? ['--noEmit'] : ['-O3', '-o', path.join(out, name)];
  execFileSync(process.execPath, [asc, entry, ...common, ...extra, ...target], { stdio: 'inherit' });
}
