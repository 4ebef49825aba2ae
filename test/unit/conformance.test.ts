/**
 * The conformance runner's own behaviour (not the kernels'): pass, fail and decline are told
 * apart, fixture problems become failures with their message, and every tensor is released.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ONNX_NODE } from '../fixtures.js';
import { createRuntime } from '../../src/index.js';
import { readOnnxCase, runConformanceCase, type OnnxCase } from '../../src/testing/index.js';

const FIXTURES = ONNX_NODE;

function fixture(name: string): OnnxCase {
  return readOnnxCase(path.join(FIXTURES, name));
}

test('a fixture passes on ref and leaves no live tensors', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const r = runConformanceCase(hp, fixture('test_gemm_alpha'), { backend: 'ref' });
  assert.deepEqual([r.status, r.kernel, r.op], ['pass', 'gemm', 'Gemm'], r.reason);
  assert.ok(r.ratio !== undefined && r.ratio <= 1);
  assert.equal(hp.memory().tensors, 0);
});

test('unknown ops, old opsets and backends that cannot run the call are declined with a reason', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const relu = fixture('test_relu');
  const unknown = runConformanceCase(hp, { ...relu, op: 'Celu' }, { backend: 'ref' });
  assert.deepEqual([unknown.status, unknown.reason], ['declined', 'op Celu has no hotpath kernel']);
  const old = runConformanceCase(hp, { ...fixture('test_softmax_example'), opset: 11 }, { backend: 'ref' });
  assert.equal(old.status, 'declined');
  assert.match(old.reason ?? '', /opset 11/);
  const elsewhere = runConformanceCase(hp, relu, { backend: 'nowhere' });
  assert.equal(elsewhere.status, 'declined');
  assert.match(elsewhere.reason ?? '', /backend 'nowhere' is not available/);
  assert.equal(hp.memory().tensors, 0);
});

test('a kernel validation error or a wrong expected shape is a failure with the reason', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const gemm = fixture('test_gemm_alpha');
  const badC = new Map(gemm.inputs);
  badC.set(2, { name: 'c', dtype: 'float32', dims: [7], data: new Float32Array(7) });
  const invalid = runConformanceCase(hp, { ...gemm, inputs: badC }, { backend: 'ref' });
  assert.equal(invalid.status, 'fail');
  assert.match(invalid.reason ?? '', /^\[SHAPE\] gemm: /);

  const relu = fixture('test_relu');
  const expected = relu.outputs.get(0)!;
  const reshaped = new Map([[0, { ...expected, dims: [60] }]]);
  const shape = runConformanceCase(hp, { ...relu, outputs: reshaped }, { backend: 'ref' });
  assert.deepEqual([shape.status, shape.reason], ['fail', "output 0 ('y'): shape [3,4,5], expected [60]"]);
  assert.equal(hp.memory().tensors, 0);
});
