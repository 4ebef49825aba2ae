/**
 * add benchmark: float32 [4096, 1024] + [4096, 1024] (no broadcasting), rated in GB/s (bytes
 * read + written: 3 x 16 MiB per call) and as a percentage of the machine's copy bandwidth.
 */
import { randomF32, type Row } from './harness.js';
import { hotpathContender, REF, WASM1, WASM2 } from './hotpath.js';
import { NAIVE, ortContender, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { memoryBoundSchedule, memoryBoundShape, plainContender } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

export function naiveAdd(a: Float32Array, b: Float32Array): Float32Array {
  const y = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    y[i] = a[i]! + b[i]!;
  }
  return y;
}

export const add: Workload = {
  name: 'add',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const [rows, cols] = memoryBoundShape(ctx.quick);
    ctx.log(`add [${rows},${cols}] + [${rows},${cols}]`);
    const a = randomF32(rows * cols, 41);
    const b = randomF32(rows * cols, 42);
    const shape = [rows, cols];
    const hpInputs = [{ values: a, shape }, { values: b, shape }];
    const peerInputs: PeerInput[] = [{ name: 'a', values: a, shape }, { name: 'b', values: b, shape }];
    const { warmup, repeats } = memoryBoundSchedule(ctx.quick);
    return runCase({
      workload: 'add',
      size: `[${rows},${cols}]+[${rows},${cols}]`,
      work: { bytes: 3 * rows * cols * 4 },
      baseline: [WASM2],
      warmup,
      repeats,
      check: true,
      contenders: [
        hotpathContender(WASM2, 'wasm SIMD, 2 threads', ctx.hp.wasm2, 'add', hpInputs, (hp, [x, y]) => hp.add(x!, y!)),
        hotpathContender(WASM1, 'wasm SIMD, 1 thread', ctx.hp.wasm1, 'add', hpInputs, (hp, [x, y]) => hp.add(x!, y!)),
        hotpathContender(REF, 'ref backend: plain loops over strides', ctx.hp.ref, 'add', hpInputs, (hp, [x, y]) => hp.add(x!, y!)),
        plainContender(NAIVE, 'plain TypeScript loop over Float32Array', () => naiveAdd(a, b)),
        tfContender(TF_CPU, ctx.peers.tf, 'cpu', peerInputs, (tf, [x, y]) => tf.add(x!, y!)),
        tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', peerInputs, (tf, [x, y]) => tf.add(x!, y!)),
        ortContender(ctx.peers.ort, { op: 'Add', opset: 14, inputs: [{ name: 'a', dims: shape }, { name: 'b', dims: shape }], nodeInputs: ['a', 'b'], output: { name: 'y', dims: shape } }, peerInputs),
      ],
    }, ctx);
  },
};
