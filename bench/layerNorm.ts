/**
 * layerNorm benchmark: layer normalization over the last axis of float32 [4096, 1024] with a
 * scale and a bias of [1024], epsilon 1e-5, rated in GB/s (x read + y written: 2 x 16 MiB per
 * call; the 8 KiB of scale and bias and hotpath's 32 KiB of mean/invStdDev are left out) and as
 * a percentage of the machine's copy bandwidth. tfjs has no layer norm op: it runs the
 * composition a tfjs user writes (moments, rsqrt, mul, add).
 */
import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { randomF32, type Row } from './harness.js';
import { hotpathContender, nativeContender, REF, WASM1, WASM2 } from './hotpath.js';
import { NAIVE, ortContender, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { memoryBoundSchedule, memoryBoundShape, plainContender } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

const EPSILON = 1e-5;

/** Two-pass mean and variance per row, then (x - mean) / sqrt(var + eps) * scale + bias. */
export function naiveLayerNorm(x: Float32Array, scale: Float32Array, bias: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      sum += x[base + c]!;
    }
    const mean = sum / cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[base + c]! - mean;
      squares += d * d;
    }
    const inv = 1 / Math.sqrt(squares / cols + EPSILON);
    for (let c = 0; c < cols; c++) {
      y[base + c] = (x[base + c]! - mean) * inv * scale[c]! + bias[c]!;
    }
  }
  return y;
}

export const layerNorm: Workload = {
  name: 'layerNorm',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const [rows, cols] = memoryBoundShape(ctx.quick);
    ctx.log(`layerNorm [${rows},${cols}]`);
    const x = randomF32(rows * cols, 31, 4);
    const scale = randomF32(cols, 32);
    const bias = randomF32(cols, 33);
    const hpInputs = [{ values: x, shape: [rows, cols] }, { values: scale, shape: [cols] }, { values: bias, shape: [cols] }];
    const peerInputs: PeerInput[] = [{ name: 'x', values: x, shape: [rows, cols] }, { name: 'scale', values: scale, shape: [cols] }, { name: 'bias', values: bias, shape: [cols] }];
    const { warmup, repeats } = memoryBoundSchedule(ctx.quick);
    const model = {
      op: 'LayerNormalization',
      opset: 17,
      intAttrs: { axis: -1 },
      floatAttrs: { epsilon: EPSILON },
      inputs: [{ name: 'x', dims: [rows, cols] }, { name: 'scale', dims: [cols] }, { name: 'bias', dims: [cols] }],
      nodeInputs: ['x', 'scale', 'bias'],
      output: { name: 'y', dims: [rows, cols] },
    };
    return runCase({
      workload: 'layerNorm',
      size: `[${rows},${cols}]`,
      work: { bytes: 2 * rows * cols * 4 },
      baseline: [WASM2],
      warmup,
      repeats,
      check: true,
      contenders: [
        hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, 'layerNorm', hpInputs, (hp, [t, s, b]) => hp.layerNorm(t!, { scale: s!, bias: b!, epsilon: EPSILON })),
        nativeContender(ctx.hp, 2, 'rows kernel (float64 moments, float32 output per group)', 'layerNorm', hpInputs, (hp, [t, s, b]) => hp.layerNorm(t!, { scale: s!, bias: b!, epsilon: EPSILON })),
        hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, 'layerNorm', hpInputs, (hp, [t, s, b]) => hp.layerNorm(t!, { scale: s!, bias: b!, epsilon: EPSILON })),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'layerNorm', hpInputs, (hp, [t, s, b]) => hp.layerNorm(t!, { scale: s!, bias: b!, epsilon: EPSILON })),
        plainContender(NAIVE, 'plain TypeScript loops (two-pass mean/variance)', () => naiveLayerNorm(x, scale, bias, rows, cols)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [t, s, b]) => tfLayerNorm(tf, t!, s!, b!)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [t, s, b]) => tfLayerNorm(tf, t!, s!, b!)),
        ortContender(ctx.peers.ort, model, peerInputs),
      ],
    }, ctx);
  },
};

type Tf = typeof import('@tensorflow/tfjs');

/** Layer norm as a tfjs user composes it; tidy frees the intermediates. */
function tfLayerNorm(tf: Tf, x: TfTensor, scale: TfTensor, bias: TfTensor): TfTensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(EPSILON))).mul(scale).add(bias);
  });
}
