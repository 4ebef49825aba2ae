/**
 * Where the reference data the tests read lives: inside the repository (test/fixtures/), copied
 * unchanged from ../shared/conformance (see test/fixtures/README.md). A missing or empty folder
 * throws at import, so a test run can never pass with zero cases.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** An absolute fixture folder that exists and holds at least `minEntries` entries. */
function folder(name: string, minEntries: number): string {
  const dir = path.join(HERE, 'fixtures', name);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`test fixtures missing: ${dir} does not exist (see test/fixtures/README.md)`);
  }
  const entries = readdirSync(dir).length;
  if (entries < minEntries) {
    throw new Error(`test fixtures incomplete: ${dir} holds ${entries} entries, expected at least ${minEntries}`);
  }
  return dir;
}

/** ONNX backend node tests (one folder per test, with model.onnx and test_data_set_0/). */
export const ONNX_NODE = folder('onnx-node', 100);
/** NumPy's ULP validation vectors (umath-validation-set-<fn>.csv). */
export const NUMPY_UMATH = folder('numpy-umath', 5);
/** Streaming audio reference data (resample_poly outputs, signals, ...), one subfolder per group. */
export const STREAMING = folder('streaming', 1);
