/**
 * The ONNX node-test reader: every fixture in the shared conformance folder decodes to the
 * dims, dtypes, names and attributes MANIFEST.json lists; hostile files (truncated, garbage,
 * inconsistent, unsupported) are rejected with code FORMAT, never a crash or a wrong tensor.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { ONNX_NODE } from '../fixtures.js';
import { HotpathError, type TypedArray } from '../../src/index.js';
import { decodeTensor, readOnnxCase } from '../../src/testing/index.js';

const { onnx } = onnxProto;

const FIXTURES = ONNX_NODE;

interface ManifestFile {
  readonly name: string;
  readonly dtype: string;
  readonly dims: number[];
  readonly count: number;
}
interface ManifestTest {
  readonly op: string;
  readonly opset: number;
  readonly attributes: Record<string, unknown>;
  readonly node_inputs: string[];
  readonly node_outputs: string[];
  readonly files: Record<string, ManifestFile>;
}

const MANIFEST = JSON.parse(readFileSync(path.join(FIXTURES, 'MANIFEST.json'), 'utf8')) as { tests: Record<string, ManifestTest> };

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-onnx-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh copy of one fixture folder that a test may damage. */
function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmp, `${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** A typed array's elements as a plain array (numbers or bigints). */
function elements(data: TypedArray): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (let i = 0; i < data.length; i++) {
    out.push(data[i]!);
  }
  return out;
}

function tensorBytes(props: Record<string, unknown>): Uint8Array {
  return onnx.TensorProto.encode(onnx.TensorProto.create(props)).finish();
}

function formatError(fn: () => unknown): HotpathError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HotpathError, `expected a HotpathError, got ${String(error)}`);
    assert.equal(error.code, 'FORMAT', error.message);
    assert.match(error.message, /^.+: .+, expected .+, received .+/);
    return error;
  }
  return assert.fail('expected a FORMAT error, got none');
}

test('every fixture decodes to the dims, dtypes, names and attributes MANIFEST.json lists', () => {
  const names = Object.keys(MANIFEST.tests);
  assert.ok(names.length >= 70, `expected the whole manifest, found ${names.length} tests`);
  for (const name of names) {
    const m = MANIFEST.tests[name]!;
    const c = readOnnxCase(path.join(FIXTURES, name));
    assert.equal(c.name, name);
    assert.equal(c.op, m.op, name);
    assert.equal(c.opset, m.opset, name);
    assert.deepEqual(c.nodeInputs, m.node_inputs, name);
    assert.deepEqual(c.nodeOutputs, m.node_outputs, name);
    assert.deepEqual(c.attributes, m.attributes, name);
    let inputs = 0;
    let outputs = 0;
    for (const [file, f] of Object.entries(m.files)) {
      const isInput = /\/input_\d+\.pb$/.test(file);
      const position = (isInput ? m.node_inputs : m.node_outputs).indexOf(f.name);
      const t = (isInput ? c.inputs : c.outputs).get(position);
      assert.ok(t !== undefined, `${name} ${file}: no tensor at node position ${position}`);
      assert.equal(t.name, f.name, `${name} ${file}`);
      assert.equal(t.dtype, f.dtype, `${name} ${file}`);
      assert.deepEqual(t.dims, f.dims, `${name} ${file}`);
      assert.equal(t.data.length, f.count, `${name} ${file}`);
      // Fresh, aligned memory: not a view into the file's bytes.
      assert.equal(t.data.byteOffset, 0);
      assert.equal(t.data.buffer.byteLength, t.data.byteLength);
      isInput ? inputs++ : outputs++;
    }
    assert.equal(c.inputs.size, inputs, name);
    assert.equal(c.outputs.size, outputs, name);
  }
});

test('values: test_add output is the float32 sum of its inputs; int64 scalars are BigInt', () => {
  const add = readOnnxCase(path.join(FIXTURES, 'test_add'));
  const [x, y, sum] = [add.inputs.get(0)!.data, add.inputs.get(1)!.data, add.outputs.get(0)!.data];
  assert.ok(x instanceof Float32Array && y instanceof Float32Array && sum instanceof Float32Array);
  for (let i = 0; i < sum.length; i++) {
    assert.equal(sum[i], Math.fround(x[i]! + y[i]!));
  }
  const stft = readOnnxCase(path.join(FIXTURES, 'test_stft'));
  assert.equal(stft.inputs.has(2), false, "the window ('') has no tensor");
  assert.deepEqual(elements(stft.inputs.get(1)!.data), [8n]);
  assert.deepEqual(elements(stft.inputs.get(3)!.data), [16n]);
  const dft = readOnnxCase(path.join(FIXTURES, 'test_dft'));
  assert.deepEqual([...dft.inputs.keys()], [0, 2], 'axis is node input 2 though it is graph input 1');
});

test('typed fields: float_data, int32_data, int64_data (Long or number), uint64_data, double_data', () => {
  const f = decodeTensor(tensorBytes({ dims: [2], dataType: 1, floatData: [1.5, -2] }), 'f.pb');
  assert.deepEqual([f.dtype, elements(f.data)], ['float32', [1.5, -2]]);
  const i8 = decodeTensor(tensorBytes({ dims: [3], dataType: 3, int32Data: [-1, 2, 127] }), 'i8.pb');
  assert.deepEqual([i8.dtype, elements(i8.data)], ['int8', [-1, 2, 127]]);
  const i64 = decodeTensor(tensorBytes({ dims: [2], dataType: 7, int64Data: [-5, 9007199254740993n.toString()] }), 'i64.pb');
  assert.deepEqual([i64.dtype, elements(i64.data)], ['int64', [-5n, 9007199254740993n]]);
  const u32 = decodeTensor(tensorBytes({ dims: [1], dataType: 12, uint64Data: [4294967295] }), 'u32.pb');
  assert.deepEqual([u32.dtype, elements(u32.data)], ['uint32', [4294967295]]);
  const f64 = decodeTensor(tensorBytes({ dims: [], dataType: 11, doubleData: [0.1] }), 'f64.pb');
  assert.deepEqual([f64.dtype, f64.dims, elements(f64.data)], ['float64', [], [0.1]]);
  const empty = decodeTensor(tensorBytes({ dims: [2, 0, 4], dataType: 1 }), 'empty.pb');
  assert.equal(empty.data.length, 0);
});

test('BOOL tensors decode as dtype bool, one byte per element, any non-zero byte read as 1', () => {
  const raw = decodeTensor(tensorBytes({ dims: [2, 2], dataType: 9, rawData: Uint8Array.of(0, 1, 7, 255) }), 'bool.pb');
  assert.equal(raw.dtype, 'bool');
  assert.deepEqual(raw.dims, [2, 2]);
  assert.deepEqual(Array.from(raw.data as Uint8Array), [0, 1, 1, 1]);
  const fields = decodeTensor(tensorBytes({ dims: [3], dataType: 9, int32Data: [1, 0, 2] }), 'bool-fields.pb');
  assert.deepEqual(Array.from(fields.data as Uint8Array), [1, 0, 1]);
  const real = decodeTensor(readFileSync(path.join(FIXTURES, 'test_and2d/test_data_set_0/input_0.pb')), 'and2d');
  assert.equal(real.dtype, 'bool');
  assert.ok(Array.from(real.data as Uint8Array).every((v) => v === 0 || v === 1));
});

test('hostile tensors: wrong lengths, unsupported types, external data, negative dims, garbage', () => {
  const raw = new Uint8Array(240);
  const short = formatError(() => decodeTensor(tensorBytes({ dims: [3, 4, 6], dataType: 1, rawData: raw }), 'bad.pb'));
  assert.match(short.message, /^bad\.pb: raw_data length does not match dims, expected 288 bytes/);
  formatError(() => decodeTensor(tensorBytes({ dims: [3], dataType: 1, floatData: [1, 2] }), 'few.pb'));
  const f16 = formatError(() => decodeTensor(tensorBytes({ dims: [2], dataType: 10, rawData: new Uint8Array(4) }), 'h.pb'));
  assert.match(f16.message, /FLOAT16 \(10\)/);
  formatError(() => decodeTensor(tensorBytes({ dims: [2], dataType: 8, stringData: [new Uint8Array(1), new Uint8Array(1)] }), 'string.pb'));
  formatError(() => decodeTensor(tensorBytes({ dims: [3], dataType: 9, rawData: new Uint8Array(2) }), 'bool-short.pb'));
  formatError(() => decodeTensor(tensorBytes({ dims: [2], dataType: 0 }), 'undefined.pb'));
  formatError(() => decodeTensor(tensorBytes({ dims: [1], dataType: 1, dataLocation: 1 }), 'ext.pb'));
  formatError(() => decodeTensor(tensorBytes({ dims: [1], dataType: 1, externalData: [{ key: 'location', value: 'w.bin' }] }), 'ext2.pb'));
  formatError(() => decodeTensor(tensorBytes({ dims: [-1], dataType: 1 }), 'neg.pb'));
  formatError(() => decodeTensor(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 'garbage.pb'));
  const real = readFileSync(path.join(FIXTURES, 'test_add/test_data_set_0/input_0.pb'));
  for (const cut of [1, 7, real.length - 1]) {
    formatError(() => decodeTensor(real.subarray(0, cut), `cut${cut}.pb`));
  }
});

test('fuzz finding: dims promising 2^40 elements with one float_data value are FORMAT, not a RangeError from allocating them', () => {
  const e = formatError(() => decodeTensor(tensorBytes({ dims: [2 ** 20, 2 ** 20], dataType: 1, floatData: [1] }), 'huge.pb'));
  assert.match(e.message, /float_data length does not match dims, expected 1099511627776 elements/);
});

test('hostile folders: missing folder or model, garbage or truncated model, missing or damaged .pb', () => {
  formatError(() => readOnnxCase(path.join(tmp, 'does-not-exist')));
  const noModel = mkdtempSync(path.join(tmp, 'empty-'));
  formatError(() => readOnnxCase(noModel));

  const garbage = copyFixture('test_add');
  writeFileSync(path.join(garbage, 'model.onnx'), Buffer.from('this is not protobuf at all \xff\xff\xff'));
  formatError(() => readOnnxCase(garbage));

  const truncated = copyFixture('test_gemm_alpha');
  const model = readFileSync(path.join(truncated, 'model.onnx'));
  writeFileSync(path.join(truncated, 'model.onnx'), model.subarray(0, Math.floor(model.length / 2)));
  formatError(() => readOnnxCase(truncated));

  const missing = copyFixture('test_add');
  unlinkSync(path.join(missing, 'test_data_set_0/input_1.pb'));
  assert.match(formatError(() => readOnnxCase(missing)).message, /input_1\.pb: file for graph input 1 is missing/);

  const cut = copyFixture('test_add');
  const pb = path.join(cut, 'test_data_set_0/output_0.pb');
  writeFileSync(pb, readFileSync(pb).subarray(0, 100));
  formatError(() => readOnnxCase(cut));

  const renamed = copyFixture('test_relu');
  const input = path.join(renamed, 'test_data_set_0/input_0.pb');
  const decoded = onnx.TensorProto.decode(readFileSync(input));
  decoded.name = 'not_x';
  writeFileSync(input, onnx.TensorProto.encode(decoded).finish());
  assert.match(formatError(() => readOnnxCase(renamed)).message, /tensor name does not match/);

  const extra = copyFixture('test_relu');
  mkdirSync(path.join(extra, 'test_data_set_0'), { recursive: true });
  writeFileSync(path.join(extra, 'test_data_set_0/input_1.pb'), tensorBytes({ dims: [1], dataType: 1, floatData: [1] }));
  formatError(() => readOnnxCase(extra));
});
