/**
 * `hotpath/testing`: the ONNX node-test reader and the conformance runner that checks every
 * kernel on every backend against reference data.
 *
 * @example
 * import { createRuntime } from 'hotpath';
 * import { runConformanceDir, summarize } from 'hotpath/testing';
 * const hp = await createRuntime();
 * const results = runConformanceDir(hp, 'conformance/onnx-node', { backend: 'ref' });
 * summarize(results); // { passed, failed, declined }
 */
export { parseOnnxModel, readOnnxCase, type OnnxAttribute, type OnnxCase, type OnnxModel } from './onnx.js';
export { decodeTensor, dtypeOfOnnxCode, type OnnxTensor } from './onnxTensor.js';
export { mapCase, type KernelCall, type Mapping } from './opMap.js';
export {
  findConformanceTests,
  runConformanceCase,
  runConformanceDir,
  summarize,
  type CaseResult,
  type CaseStatus,
  type ConformanceOptions,
  type ConformanceSummary,
} from './conformance.js';
