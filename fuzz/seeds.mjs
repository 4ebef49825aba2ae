// `node fuzz/seeds.mjs`: (re)writes the seed corpora in fuzz/corpus/<target>/ from the test
// fixtures, so every target starts from real files: numpy-made .npy and .npz files, their
// headers and header texts, zip archives of them (stored and deflated, as np.savez and
// np.savez_compressed write), and ONNX node-test models and tensors. Small files only (fuzzing
// is fastest on short inputs), named after their fixture.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

for (const target of ['pyLiteral', 'npyHeader', 'npy', 'npz', 'onnxTensor', 'onnxModel']) {
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
for (const target of readdirSync(CORPUS).sort()) {
  const files = readdirSync(path.join(CORPUS, target));
  const bytes = files.reduce((a, f) => a + statSync(path.join(CORPUS, target, f)).size, 0);
  console.log(`${target}: ${files.length} seeds, ${bytes} bytes`);
}
