/**
 * Fuzz target: the ONNX TensorProto reader (src/testing/onnxTensor.ts, protobuf decoding by
 * onnx-proto) on any bytes. An accepted tensor's element count must match its dims.
 */
import { decodeTensor } from '../../src/testing/onnxTensor.js';
import { Finding, fuzzer, type Target } from '../oracle.js';

export const target: Target = {
  name: 'onnxTensor',
  parse(data) {
    const t = decodeTensor(data, 'fuzz.pb');
    const size = t.dims.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) {
      throw new Finding(`onnxTensor: dims [${t.dims.join(', ')}] but ${t.data.length} elements`);
    }
  },
  bound: (length) => 16 * length,
};

export const fuzz = fuzzer(target);
