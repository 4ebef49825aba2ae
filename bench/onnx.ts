/**
 * One-node ONNX models built in memory with onnx-proto, for onnxruntime-node: no files, the
 * graph is exactly the op being measured. Float32 tensors only; int64 scalars as initializers.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const FLOAT = 1;
const INT64 = 7;

export interface GraphInput {
  readonly name: string;
  readonly dims: readonly number[];
}

export interface Int64Constant {
  readonly name: string;
  /** A scalar (rank-0) int64 initializer. */
  readonly value: number;
}

export interface OneNodeModel {
  readonly op: string;
  readonly opset: number;
  /** Graph inputs, fed at run time, float32. */
  readonly inputs: readonly GraphInput[];
  /** int64 scalars baked into the graph (STFT's frame_step, frame_length). */
  readonly constants?: readonly Int64Constant[];
  /** The node's inputs in order: names of graph inputs or constants. */
  readonly nodeInputs: readonly string[];
  readonly output: GraphInput;
  readonly intAttrs?: Readonly<Record<string, number>>;
  readonly floatAttrs?: Readonly<Record<string, number>>;
}

function valueInfo(v: GraphInput): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: v.dims.map((d) => ({ dimValue: d })) } } },
  });
}

function attributes(m: OneNodeModel): InstanceType<typeof onnx.AttributeProto>[] {
  const ints = Object.entries(m.intAttrs ?? {}).map(([name, i]) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i }));
  const floats = Object.entries(m.floatAttrs ?? {}).map(([name, f]) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }));
  return [...ints, ...floats];
}

/** The serialized ModelProto, ready for `InferenceSession.create(bytes)`. */
export function oneNodeModel(m: OneNodeModel): Uint8Array {
  const node = onnx.NodeProto.create({ opType: m.op, input: [...m.nodeInputs], output: [m.output.name], attribute: attributes(m) });
  const initializer = (m.constants ?? []).map((c) => onnx.TensorProto.create({ name: c.name, dataType: INT64, dims: [], int64Data: [c.value] }));
  const graph = onnx.GraphProto.create({
    name: `bench_${m.op}`,
    node: [node],
    input: m.inputs.map(valueInfo),
    output: [valueInfo(m.output)],
    initializer,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'hotpath-bench',
    opsetImport: [{ domain: '', version: m.opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
