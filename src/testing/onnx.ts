/**
 * Reads one ONNX backend node test folder:
 *
 * ```
 * <test_name>/model.onnx                  ModelProto with one graph of one node
 * <test_name>/test_data_set_0/input_i.pb  TensorProto for graph.input[i]
 * <test_name>/test_data_set_0/output_i.pb TensorProto for graph.output[i]
 * ```
 *
 * Graph inputs are matched to the node's inputs by name, so a node input the test leaves out
 * ('' in the node's input list) simply has no tensor. Everything is parsed by onnx-proto.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { fail } from '../errors.js';
import { decodeTensor, longToNumber, type OnnxTensor } from './onnxTensor.js';

export { decodeTensor, dtypeOfOnnxCode, type OnnxTensor } from './onnxTensor.js';

const { onnx } = onnxProto;

export type OnnxAttribute = number | string | readonly number[] | readonly string[];

export interface OnnxCase {
  /** The folder's name, e.g. `test_gemm_alpha`. */
  readonly name: string;
  readonly dir: string;
  /** Operator type, e.g. `Gemm`. */
  readonly op: string;
  /** Version of the default (`ai.onnx`, domain '') opset the model imports. */
  readonly opset: number;
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  /** The node's input names; '' for an optional input the test leaves out. */
  readonly nodeInputs: readonly string[];
  readonly nodeOutputs: readonly string[];
  /** Tensor for each node input position the test provides. */
  readonly inputs: ReadonlyMap<number, OnnxTensor>;
  /** Expected tensor for each node output position the test provides. */
  readonly outputs: ReadonlyMap<number, OnnxTensor>;
}

type ModelProto = InstanceType<typeof onnx.ModelProto>;
/** Nested messages are typed as their property interfaces, every field optional. */
type NodeProto = NonNullable<NonNullable<ModelProto['graph']>['node']>[number];

const DATA_SET = 'test_data_set_0';

/**
 * Reads a node test folder.
 * @example const c = readOnnxCase('conformance/onnx-node/test_add'); c.op // 'Add'
 * @throws FORMAT for a missing folder or model, bytes that do not decode, a graph that is not
 *   one node, missing or mismatched .pb files, and every tensor problem `decodeTensor` rejects
 */
export function readOnnxCase(dir: string): OnnxCase {
  const modelPath = path.join(dir, 'model.onnx');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail({ code: 'FORMAT', kernel: dir, problem: 'not an ONNX node test folder', expected: 'a folder holding model.onnx and test_data_set_0/', received: existsSync(dir) ? 'a file' : 'nothing at that path' });
  }
  if (!existsSync(modelPath)) {
    fail({ code: 'FORMAT', kernel: dir, problem: 'model.onnx is missing', expected: 'a folder holding model.onnx and test_data_set_0/', received: 'no model.onnx', hint: 'point at one test folder, e.g. onnx-node/test_add' });
  }
  const model = parseOnnxModel(readFileSync(modelPath), modelPath);
  const dataDir = path.join(dir, DATA_SET);
  const inputs = readTensors(dataDir, 'input', model.graphInputs, model.nodeInputs, modelPath);
  const outputs = readTensors(dataDir, 'output', model.graphOutputs, model.nodeOutputs, modelPath);
  return {
    name: path.basename(path.resolve(dir)),
    dir,
    op: model.op,
    opset: model.opset,
    attributes: model.attributes,
    nodeInputs: model.nodeInputs,
    nodeOutputs: model.nodeOutputs,
    inputs,
    outputs,
  };
}

/** What a node test's model.onnx says: its one node, the opset, and the graph's value names. */
export interface OnnxModel {
  readonly op: string;
  readonly opset: number;
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  readonly nodeInputs: readonly string[];
  readonly nodeOutputs: readonly string[];
  /** Names of graph.input, in order (the test's input_i.pb files). */
  readonly graphInputs: readonly string[];
  readonly graphOutputs: readonly string[];
}

/**
 * Parses the bytes of a single-node model.onnx (the part of readOnnxCase that reads outside
 * bytes; the fuzz target calls it directly).
 * @example parseOnnxModel(readFileSync('test_add/model.onnx'), 'test_add').op // 'Add'
 * @throws FORMAT for bytes that do not decode, a graph that is not one node, no ai.onnx opset,
 *   an attribute of an unsupported type or an integer beyond 2^53
 */
export function parseOnnxModel(bytes: Uint8Array, where: string): OnnxModel {
  const model = decodeModel(bytes, where);
  const node = singleNode(model, where);
  const graph = model.graph!;
  return {
    op: node.opType ?? '',
    opset: opsetOf(model, where),
    attributes: attributesOf(node, where),
    nodeInputs: [...(node.input ?? [])],
    nodeOutputs: [...(node.output ?? [])],
    graphInputs: (graph.input ?? []).map((v) => v.name ?? ''),
    graphOutputs: (graph.output ?? []).map((v) => v.name ?? ''),
  };
}

function decodeModel(bytes: Uint8Array, where: string): ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    return fail({ code: 'FORMAT', kernel: where, problem: 'not a valid ModelProto', expected: 'a serialized onnx.ModelProto', received: `${bytes.length} bytes that do not decode (${error instanceof Error ? error.message : String(error)})`, hint: 'the file is truncated or corrupt' });
  }
}

function singleNode(model: ModelProto, where: string): NodeProto {
  const nodes = model.graph?.node ?? [];
  if (nodes.length !== 1) {
    return fail({ code: 'FORMAT', kernel: where, problem: 'not a single-node test model', expected: 'a graph with exactly 1 node', received: model.graph == null ? 'no graph' : `${nodes.length} nodes`, hint: 'node tests hold one operator; the file may be corrupt' });
  }
  const node = nodes[0]!;
  if (node.opType == null || node.opType === '') {
    fail({ code: 'FORMAT', kernel: where, problem: 'node has no op_type', expected: 'an operator name such as Add', received: "''", hint: 'the file may be corrupt' });
  }
  return node;
}

function opsetOf(model: ModelProto, where: string): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (entry === undefined || entry.version == null) {
    return fail({ code: 'FORMAT', kernel: where, problem: 'no ai.onnx opset import', expected: "an opset_import with domain ''", received: JSON.stringify(model.opsetImport.map((o) => o.domain)) });
  }
  return longToNumber(entry.version, where, 'opset version');
}

function attributesOf(node: NodeProto, where: string): Record<string, OnnxAttribute> {
  const T = onnx.AttributeProto.AttributeType;
  const out: Record<string, OnnxAttribute> = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    const at = `${where} attribute '${name}'`;
    switch (a.type) {
      case T.FLOAT:
        out[name] = a.f ?? 0;
        break;
      case T.INT:
        out[name] = longToNumber(a.i ?? 0, at, 'value');
        break;
      case T.STRING:
        out[name] = utf8(a.s);
        break;
      case T.FLOATS:
        out[name] = [...(a.floats ?? [])];
        break;
      case T.INTS:
        out[name] = (a.ints ?? []).map((v, i) => longToNumber(v, at, `ints[${i}]`));
        break;
      case T.STRINGS:
        out[name] = (a.strings ?? []).map(utf8);
        break;
      default:
        fail({ code: 'FORMAT', kernel: at, problem: 'unsupported attribute type', expected: 'FLOAT, INT, STRING, FLOATS, INTS or STRINGS', received: a.type == null ? 'no type' : (T[a.type] ?? String(a.type)) });
    }
  }
  return out;
}

function utf8(bytes: Uint8Array | null | undefined): string {
  return bytes == null ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * `<kind>_i.pb` holds graph.<kind>[i]; its position on the node is where that name appears in
 * the node's list. Every graph value needs its file, and every file needs a graph value.
 */
function readTensors(dataDir: string, kind: 'input' | 'output', graphNames: readonly string[], nodeNames: readonly string[], modelPath: string): Map<number, OnnxTensor> {
  const found = new Map<number, OnnxTensor>();
  graphNames.forEach((name, i) => {
    const file = path.join(dataDir, `${kind}_${i}.pb`);
    if (!existsSync(file)) {
      fail({ code: 'FORMAT', kernel: file, problem: `file for graph ${kind} ${i} is missing`, expected: `a TensorProto for '${name}'`, received: 'no such file' });
    }
    const position = nodeNames.indexOf(name);
    if (name === '' || position < 0) {
      fail({ code: 'FORMAT', kernel: modelPath, problem: `graph ${kind} ${i} is not a node ${kind}`, expected: `one of ${nodeNames.filter((n) => n !== '').join(', ')}`, received: `'${name}'` });
    }
    const tensor = decodeTensor(readFileSync(file), file);
    if (tensor.name !== '' && tensor.name !== name) {
      fail({ code: 'FORMAT', kernel: file, problem: `tensor name does not match graph ${kind} ${i}`, expected: `'${name}'`, received: `'${tensor.name}'` });
    }
    found.set(position, tensor);
  });
  const extra = path.join(dataDir, `${kind}_${graphNames.length}.pb`);
  if (existsSync(extra)) {
    fail({ code: 'FORMAT', kernel: extra, problem: `more ${kind} files than graph ${kind}s`, expected: `${graphNames.length} ${kind} files`, received: `at least ${graphNames.length + 1}` });
  }
  return found;
}
