/**
 * Fuzz target: the ONNX model reader (parseOnnxModel in src/testing/onnx.ts: ModelProto
 * decoding by onnx-proto, the single-node graph, opset and attributes) on any bytes.
 */
import { parseOnnxModel } from '../../src/testing/onnx.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

export const target: Target = {
  name: 'onnxModel',
  parse(data) {
    const model = parseOnnxModel(data, 'fuzz.onnx');
    if (model.op === '' || !Number.isSafeInteger(model.opset)) {
      throw new Finding(`onnxModel: accepted op '${model.op}' opset ${model.opset}`);
    }
  },
  bound: (length) => 16 * length,
};

export const fuzz = fuzzer(target);
