/**
 * reduceMax benchmark: the max of each row of float32 [4096, 1024] (numpy x.max(axis=1)), rated
 * in GB/s of input read (16 MiB per call) and as a percentage of the machine's copy bandwidth.
 * Every contender's output is cross-checked against hotpath wasm 2t. onnxruntime is left out:
 * ReduceMax-18 takes its axes as a 1-D int64 input, which the one-node model helper cannot bake.
 */
import { randomF32, type Row } from './harness.js';
import { hotpathContender, REF, WASM1, WASM2 } from './hotpath.js';
import { NAIVE, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { memoryBoundSchedule, memoryBoundShape, plainContender } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

/** Row maxima in a plain loop (NaN-propagating like numpy and hotpath). */
export function naiveRowMax(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) {
      max = Math.max(max, x[r * cols + c]!);
    }
    y[r] = max;
  }
  return y;
}

export const reduceMax: Workload = {
  name: 'reduceMax',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const [rows, cols] = memoryBoundShape(ctx.quick);
    ctx.log(`reduceMax [${rows},${cols}] over the last axis`);
    const x = randomF32(rows * cols, 31, 100);
    const hpInputs = [{ values: x, shape: [rows, cols] }];
    const peerInputs: PeerInput[] = [{ name: 'x', values: x, shape: [rows, cols] }];
    const { warmup, repeats } = memoryBoundSchedule(ctx.quick);
    const attrs = { axis: -1, keepdims: false };
    return runCase({
      workload: 'reduceMax',
      size: `[${rows},${cols}]`,
      work: { bytes: rows * cols * 4 + rows * 4 },
      baseline: [WASM2],
      warmup,
      repeats,
      check: true,
      contenders: [
        hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, 'reduceMax', hpInputs, (hp, [t]) => hp.reduceMax(t!, attrs)),
        hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, 'reduceMax', hpInputs, (hp, [t]) => hp.reduceMax(t!, attrs)),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'reduceMax', hpInputs, (hp, [t]) => hp.reduceMax(t!, attrs)),
        plainContender(NAIVE, 'plain TypeScript loop (Math.max per row)', () => naiveRowMax(x, rows, cols)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [t]) => tf.max(t!, -1)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [t]) => tf.max(t!, -1)),
      ],
    }, ctx);
  },
};
