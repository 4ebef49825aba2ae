/**
 * The ONNX node tests (test/fixtures/onnx-node, copied from the ONNX project), every case on every available backend.
 * A case a backend declines is reported as skipped with its reason (and counted), never hidden.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ONNX_NODE } from '../fixtures.js';
import { createRuntime } from '../../src/index.js';
import { findConformanceTests, readOnnxCase, runConformanceCase, type CaseStatus } from '../../src/testing/index.js';

const FIXTURES = ONNX_NODE;

const hp = await createRuntime();
const backends = hp.backends().filter((b) => b.available).map((b) => b.name);
const dirs = findConformanceTests(FIXTURES);

for (const backend of backends) {
  describe(`onnx-node on ${backend}`, () => {
    const counts: Record<CaseStatus, number> = { pass: 0, fail: 0, declined: 0 };
    for (const dir of dirs) {
      test(path.basename(dir), (t) => {
        const result = runConformanceCase(hp, readOnnxCase(dir), { backend });
        counts[result.status]++;
        if (result.status === 'declined') {
          t.skip(`declined: ${result.reason ?? ''}`);
          return;
        }
        assert.equal(result.status, 'pass', `${result.reason ?? ''} ${result.worst ?? ''}`);
      });
    }
    after(() => {
      process.stdout.write(`# onnx-node on ${backend}: ${counts.pass} passed, ${counts.fail} failed, ${counts.declined} declined\n`);
      assert.equal(hp.memory().tensors, 0, 'the harness releases every tensor it makes');
    });
  });
}
