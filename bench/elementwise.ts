/**
 * elementwise benchmark: the element-wise kernels of issue 8 on float32 [4096, 1024], each rated
 * in GB/s (bytes read + written per call) and as a percentage of the machine's copy bandwidth,
 * against tfjs-wasm and onnxruntime-node in the same run: sub, div, max (two inputs), exp, tanh,
 * sigmoid, clip (one input), where (a bool condition and two inputs).
 */
import type { Runtime, Tensor } from '../src/index.js';
import type { KernelName } from '../src/kernels/index.js';
import { randomF32, type Contender, type Prepared, type Row } from './harness.js';
import { hotpathContender, nativeContender, WASM1, WASM2, type HotpathRuntimes } from './hotpath.js';
import { ortContender, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { memoryBoundSchedule, memoryBoundShape } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

type Tf = typeof import('@tensorflow/tfjs');
type TfTensor = ReturnType<Tf['tensor']>;

interface Op {
  readonly kernel: KernelName;
  readonly inputs: 1 | 2;
  readonly hp: (hp: Runtime, t: readonly Tensor[]) => Tensor;
  readonly tf: (tf: Tf, t: readonly TfTensor[]) => TfTensor;
  /** The ONNX op and its float attributes; Clip's bounds are extra float32 scalar inputs. */
  readonly onnx: string;
  readonly bounds?: readonly [number, number];
}

const OPS: readonly Op[] = [
  { kernel: 'sub', inputs: 2, hp: (hp, [a, b]) => hp.sub(a!, b!), tf: (tf, [a, b]) => tf.sub(a!, b!), onnx: 'Sub' },
  { kernel: 'div', inputs: 2, hp: (hp, [a, b]) => hp.div(a!, b!), tf: (tf, [a, b]) => tf.div(a!, b!), onnx: 'Div' },
  { kernel: 'max', inputs: 2, hp: (hp, [a, b]) => hp.max(a!, b!), tf: (tf, [a, b]) => tf.maximum(a!, b!), onnx: 'Max' },
  { kernel: 'exp', inputs: 1, hp: (hp, [x]) => hp.exp(x!), tf: (tf, [x]) => tf.exp(x!), onnx: 'Exp' },
  { kernel: 'tanh', inputs: 1, hp: (hp, [x]) => hp.tanh(x!), tf: (tf, [x]) => tf.tanh(x!), onnx: 'Tanh' },
  { kernel: 'sigmoid', inputs: 1, hp: (hp, [x]) => hp.sigmoid(x!), tf: (tf, [x]) => tf.sigmoid(x!), onnx: 'Sigmoid' },
  { kernel: 'clip', inputs: 1, hp: (hp, [x]) => hp.clip(x!, { min: -0.5, max: 0.5 }), tf: (tf, [x]) => tf.clipByValue(x!, -0.5, 0.5), onnx: 'Clip', bounds: [-0.5, 0.5] },
];

/** hotpath's where: a bool condition tensor (numpy's bool, one byte) made once, outside the timing. */
function whereContender(name: string, note: string, hp: Runtime, cond: Uint8Array, a: Float32Array, b: Float32Array, shape: readonly number[]): Contender {
  const base = hotpathContender(name, note, hp, 'where', [{ values: a, shape }, { values: b, shape }], () => {
    throw new Error('replaced below');
  });
  return {
    ...base,
    setup(): Prepared<Tensor> {
      const inner = base.setup() as Prepared<Tensor>;
      const c = hp.tensor(cond, shape, { dtype: 'bool' });
      const [x, y] = [hp.tensor(a, shape), hp.tensor(b, shape)];
      return {
        ...inner,
        call: () => hp.where(c, x, y),
        dispose: () => {
          inner.dispose();
          [c, x, y].forEach((t) => t.release());
        },
      };
    },
  };
}

/**
 * Why the native backend does not run `kernel` (its decline reason, as dispatch shows it: e.g.
 * memory-bound), or undefined when it does or there is no addon (nativeContender says so then).
 */
function nativeDecline(r: HotpathRuntimes, kernel: KernelName, inputs: 1 | 2): string | undefined {
  if (!('t2' in r.native)) {
    return undefined;
  }
  const hp = r.native.t2;
  return hp.scope(() => {
    const t = hp.tensor(new Float32Array(4), [4]);
    const answer = hp.explain(kernel, inputs === 2 ? [t, t] : [t]);
    return answer.backend === undefined ? (answer.passed[0]?.reason ?? 'native declines it') : undefined;
  });
}

export const elementwise: Workload = {
  name: 'elementwise',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const [rows, cols] = memoryBoundShape(ctx.quick);
    const n = rows * cols;
    const shape = [rows, cols];
    const size = `[${rows},${cols}]`;
    // Away from 0 so div stays finite; both signs so max, clip and where pick from both.
    const a = randomF32(n, 51, 4);
    const b = randomF32(n, 52, 4).map((v) => (v >= 0 ? v + 0.5 : v - 0.5));
    const { warmup, repeats } = memoryBoundSchedule(ctx.quick);
    const out: Row[] = [];
    for (const op of OPS) {
      ctx.log(`${op.kernel} ${size}`);
      const hpInputs = op.inputs === 2 ? [{ values: a, shape }, { values: b, shape }] : [{ values: a, shape }];
      const peerInputs: PeerInput[] = op.inputs === 2 ? [{ name: 'a', values: a, shape }, { name: 'b', values: b, shape }] : [{ name: 'x', values: a, shape }];
      const bounds = op.bounds === undefined ? [] : [{ name: 'lo', values: Float32Array.of(op.bounds[0]), shape: [] }, { name: 'hi', values: Float32Array.of(op.bounds[1]), shape: [] }];
      const ortInputs = [...peerInputs, ...bounds];
      out.push(
        ...(await runCase({
          // One workload, the op in the size: the README table gets a column per op.
          workload: 'elementwise',
          size: `${op.kernel} ${size}`,
          work: { bytes: (op.inputs + 1) * n * 4 },
          baseline: [WASM2],
          warmup,
          repeats,
          check: true,
          contenders: [
            hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, op.kernel, hpInputs, op.hp),
            hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, op.kernel, hpInputs, op.hp),
            nativeContender(ctx.hp, 2, 'element-wise stream', op.kernel, hpInputs, op.hp, nativeDecline(ctx.hp, op.kernel, op.inputs)),
            tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, op.tf),
            ortContender(ctx.peers.ort, { op: op.onnx, opset: 13, inputs: ortInputs.map((i) => ({ name: i.name, dims: i.shape })), nodeInputs: ortInputs.map((i) => i.name), output: { name: 'y', dims: shape } }, ortInputs),
          ],
        }, ctx)),
      );
    }
    // where: a one-byte condition and two float32 inputs.
    ctx.log(`where ${size}`);
    const cond = Uint8Array.from(a, (v) => (v > 0 ? 1 : 0));
    let tfCond: TfTensor | undefined;
    out.push(
      ...(await runCase({
        workload: 'elementwise',
        size: `where ${size}`,
        work: { bytes: n + 3 * n * 4 },
        baseline: [WASM2],
        warmup,
        repeats,
        check: true,
        contenders: [
          whereContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, cond, a, b, shape),
          whereContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, cond, a, b, shape),
          // tfjs's condition must be a bool tensor: made from a float 0/1 input on the first
          // (warm-up) call and kept, so the timed calls are the select alone.
          tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', [{ name: 'c', values: Float32Array.from(cond), shape }, { name: 'a', values: a, shape }, { name: 'b', values: b, shape }], (tf, [c, x, y]) => tf.where((tfCond ??= tf.cast(c!, 'bool')), x!, y!)),
          ortContender(ctx.peers.ort, { op: 'Where', opset: 16, inputs: [], nodeInputs: [], output: { name: 'y', dims: shape } }, [], 'the one-node ONNX models here take float32 inputs only; Where needs a bool condition'),
        ],
      }, ctx)),
    );
    tfCond?.dispose();
    return out;
  },
};
