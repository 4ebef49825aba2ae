/**
 * The ONNX node tests on every native instruction-set path this machine runs, not only the
 * widest (which onnx.test.ts covers with the default runtime): createRuntime({ native: { isa } })
 * forces each narrower path, so an AVX-512 machine tests the AVX2 and scalar code too.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ONNX_NODE } from '../fixtures.js';
import { createRuntime } from '../../src/index.js';
import { findConformanceTests, readOnnxCase, runConformanceCase, type CaseStatus } from '../../src/testing/index.js';
import { nativePaths, nativeSkip } from '../native.js';

const dirs = findConformanceTests(ONNX_NODE);

if (nativeSkip !== undefined) {
  test('onnx-node on every native path', { skip: nativeSkip }, () => undefined);
}

for (const isa of nativePaths.slice(1)) {
  const hp = await createRuntime({ native: { isa }, threads: 2, parallelThreshold: 0 });
  describe(`onnx-node on native ${isa}`, () => {
    const counts: Record<CaseStatus, number> = { pass: 0, fail: 0, declined: 0 };
    for (const dir of dirs) {
      test(path.basename(dir), (t) => {
        const result = runConformanceCase(hp, readOnnxCase(dir), { backend: 'native' });
        counts[result.status]++;
        if (result.status === 'declined') {
          t.skip(`declined: ${result.reason ?? ''}`);
          return;
        }
        assert.equal(result.status, 'pass', `${result.reason ?? ''} ${result.worst ?? ''}`);
      });
    }
    after(async () => {
      process.stdout.write(`# onnx-node on native ${isa}: ${counts.pass} passed, ${counts.fail} failed, ${counts.declined} declined\n`);
      assert.equal(hp.memory().tensors, 0, 'the harness releases every tensor it makes');
      await hp.close();
    });
  });
}
