/**
 * softmax benchmark: softmax over the last axis of float32 [4096, 1024], rated in GB/s
 * (bytes read + written: 2 x 16 MiB per call) and as a percentage of the machine's copy
 * bandwidth. Every contender's output is cross-checked against hotpath wasm 2t.
 */
import { randomF32, type Row } from './harness.js';
import { hotpathContender, nativeContender, REF, WASM1, WASM2 } from './hotpath.js';
import { NAIVE, ortContender, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { memoryBoundSchedule, memoryBoundShape, plainContender } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

/** Max-subtracted softmax of each row, in plain loops. */
export function naiveSoftmax(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) {
      max = Math.max(max, x[base + c]!);
    }
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[base + c]! - max);
      y[base + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < cols; c++) {
      y[base + c] = y[base + c]! * inv;
    }
  }
  return y;
}

export const softmax: Workload = {
  name: 'softmax',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const [rows, cols] = memoryBoundShape(ctx.quick);
    ctx.log(`softmax [${rows},${cols}]`);
    // Logits of a few units' spread, as attention scores have.
    const x = randomF32(rows * cols, 21, 8);
    const hpInputs = [{ values: x, shape: [rows, cols] }];
    const peerInputs: PeerInput[] = [{ name: 'x', values: x, shape: [rows, cols] }];
    const { warmup, repeats } = memoryBoundSchedule(ctx.quick);
    return runCase({
      workload: 'softmax',
      size: `[${rows},${cols}]`,
      work: { bytes: 2 * rows * cols * 4 },
      baseline: [WASM2],
      warmup,
      repeats,
      check: true,
      contenders: [
        hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, 'softmax', hpInputs, (hp, [t]) => hp.softmax(t!)),
        nativeContender(ctx.hp, 2, 'rows kernel (max, exp + float64 sum, scale per line)', 'softmax', hpInputs, (hp, [t]) => hp.softmax(t!)),
        hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, 'softmax', hpInputs, (hp, [t]) => hp.softmax(t!)),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'softmax', hpInputs, (hp, [t]) => hp.softmax(t!)),
        plainContender(NAIVE, 'plain TypeScript loops (max, exp-sum, scale)', () => naiveSoftmax(x, rows, cols)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [t]) => tf.softmax(t!)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [t]) => tf.softmax(t!)),
        ortContender(ctx.peers.ort, { op: 'Softmax', opset: 13, intAttrs: { axis: -1 }, inputs: [{ name: 'x', dims: [rows, cols] }], nodeInputs: ['x'], output: { name: 'y', dims: [rows, cols] } }, peerInputs),
      ],
    }, ctx);
  },
};
