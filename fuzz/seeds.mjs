// `node fuzz/seeds.mjs`: (re)writes the seed corpora in fuzz/corpus/<target>/ from the test
// fixtures, so every target starts from real files: numpy-made .npy and .npz files, their
// headers and header texts, zip archives of them (stored and deflated, as np.savez and
// np.savez_compressed write), ONNX node-test models and tensors, and small wasm modules compiled
// here with asc as user kernels are (imported shared memory, imported globals, abort, data
// segments). Small files only (fuzzing is fastest on short inputs), named after their fixture.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { zipSync } from 'fflate';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.join(REPO, 'fuzz/corpus');
const NPY = path.join(REPO, 'test/fixtures/npy');
const ONNX = path.join(REPO, 'test/fixtures/onnx-node');
const MAX_SEED_BYTES = 8192;
/** ONNX fixtures are many: every model, and tensors from every few tests, keep the corpus small. */
const TENSOR_EVERY = 4;

function write(target, name, bytes) {
  if (bytes.length > MAX_SEED_BYTES) return;
  mkdirSync(path.join(CORPUS, target), { recursive: true });
  writeFileSync(path.join(CORPUS, target, name), bytes);
}

/** The header length of a .npy file (magic 6, version 2, then u16 or u32 little-endian). */
function dataOffset(bytes) {
  return bytes[6] === 1 ? 10 + (bytes[8] | (bytes[9] << 8)) : 12 + (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24));
}

for (const target of ['pyLiteral', 'npyHeader', 'npy', 'npz', 'onnxTensor', 'onnxModel', 'wasmSections']) {
  rmSync(path.join(CORPUS, target), { recursive: true, force: true });
}
const npyFiles = readdirSync(NPY).filter((f) => f.endsWith('.npy')).sort();
for (const file of npyFiles) {
  const bytes = readFileSync(path.join(NPY, file));
  const base = file.slice(0, -'.npy'.length);
  write('npy', file, bytes);
  write('npyHeader', file, bytes);
  const start = bytes[6] === 1 ? 10 : 12;
  write('pyLiteral', `${base}.txt`, bytes.subarray(start, dataOffset(bytes)));
}
for (const file of readdirSync(NPY).filter((f) => f.endsWith('.npz')).sort()) {
  write('npz', file, readFileSync(path.join(NPY, file)));
}
// Small archives of the small .npy fixtures, two to four entries each, stored and deflated.
const small = npyFiles.map((f) => [f, readFileSync(path.join(NPY, f))]).filter(([, b]) => b.length <= 512);
for (let i = 0; i + 1 < small.length; i += 3) {
  const entries = Object.fromEntries(small.slice(i, i + 3).map(([f, b]) => [f, b]));
  write('npz', `group-${i}-stored.npz`, zipSync(entries, { level: 0 }));
  write('npz', `group-${i}-deflated.npz`, zipSync(entries, { level: 6 }));
}
readdirSync(ONNX)
  .filter((d) => statSync(path.join(ONNX, d)).isDirectory())
  .sort()
  .forEach((test, i) => {
    write('onnxModel', `${test}.onnx`, readFileSync(path.join(ONNX, test, 'model.onnx')));
    if (i % TENSOR_EVERY !== 0) return;
    const data = path.join(ONNX, test, 'test_data_set_0');
    for (const pb of readdirSync(data).sort()) {
      write('onnxTensor', `${test}-${pb}`, readFileSync(path.join(data, pb)));
    }
  });
// AssemblyScript sources of the wasm seeds, built with the flags a user kernel's module gets.
const WASM_SEEDS = {
  rows: 'export function fill(y: usize, rowStart: i32, rowEnd: i32): void { for (let r = rowStart; r < rowEnd; r++) store<f32>(y + (<usize>r << 2), <f32>r); }',
  globals: '@external("env", "scale") declare const scale: f64;\nexport function scaled(x: f64, n: i64, f: f32): f64 { return x * scale + <f64>n + <f64>f; }',
  data: 'const table: StaticArray<f32> = [1.5, 2.5, 3.5];\nexport function pick(i: i32): f32 { assert(i >= 0 && i < 3, "index out of range"); return table[i]; }',
};
for (const [name, source] of Object.entries(WASM_SEEDS)) {
  const files = {};
  const flags = ['--runtime', 'stub', '--importMemory', '--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads', '--memoryBase', '65536', '--initialMemory', '2'];
  const { error } = await asc.main(['k.ts', '--outFile', 'k.wasm', '-O3', ...flags], { readFile: (f) => (f === 'k.ts' ? source : null), writeFile: (f, c) => (files[f] = c), listFiles: () => [] });
  if (error) throw error;
  write('wasmSections', `${name}.wasm`, files['k.wasm']);
}
for (const target of readdirSync(CORPUS).sort()) {
  const files = readdirSync(path.join(CORPUS, target));
  const bytes = files.reduce((a, f) => a + statSync(path.join(CORPUS, target, f)).size, 0);
  console.log(`${target}: ${files.length} seeds, ${bytes} bytes`);
}
