// Builds the wasm backend's module twice from src/backends/wasm/assembly: plain SIMD128 and
// relaxed SIMD (fused multiply-add). Output: wasm/hotpath-simd.wasm, wasm/hotpath-relaxed.wasm.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src/backends/wasm/assembly/index.ts');
const out = path.join(root, 'wasm');
mkdirSync(out, { recursive: true });
const asc = path.join(root, 'node_modules/assemblyscript/bin/asc.js');
const common = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads', '--importMemory', '--sharedMemory', '--initialMemory', '17', '--maximumMemory', '65536', '--noExportMemory'];
for (const [name, extra] of [['hotpath-simd.wasm', []], ['hotpath-relaxed.wasm', ['--enable', 'relaxed-simd']]]) {
  execFileSync(process.execPath, [asc, entry, ...common, ...extra, '-o', path.join(out, name)], { stdio: 'inherit' });
}
