/**
 * `hotpath demo [--json]`: a tour on built-in data. Runs a few kernels on the reference backend
 * and on the backend dispatch picks for it (native or wasm when there), prints the median time of each,
 * the speedup, and whether the answers agree within the kernel's declared tolerance.
 * A quick look, not a benchmark: speed claims come from `bench/`.
 */
import { KERNELS, type AttrsOf, type KernelName } from '../kernels/index.js';
import { compared, toleranceOf, type AnyKernelDef } from '../kernels/kernel.js';
import { compare } from '../kernels/tolerance.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { magnitudeOf } from '../runtime/verify.js';
import { createRefBackend } from '../backends/ref/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatKmeansDemo, kmeansDemo } from './demoKmeans.js';
import { formatStreamDemo, streamDemo } from './demoStream.js';
import { formatUserDemo, userDemo } from './demoUser.js';

export interface DemoOptions {
  readonly json: boolean;
}

interface Step {
  readonly kernel: KernelName;
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: object;
}

/** Each step's inputs are deterministic pseudo-random float32 tensors of these shapes. */
const STEPS: readonly Step[] = [
  { kernel: 'matmul', shapes: [[256, 256], [256, 256]], attrs: {} },
  { kernel: 'gemm', shapes: [[128, 256], [256, 64], [64]], attrs: { alpha: 0.5 } },
  { kernel: 'add', shapes: [[512, 512], [512]], attrs: {} },
  { kernel: 'gelu', shapes: [[256, 512]], attrs: { approximate: 'tanh' } },
  { kernel: 'softmax', shapes: [[512, 512]], attrs: {} },
  { kernel: 'layerNorm', shapes: [[512, 512], [512], [512]], attrs: {} },
  { kernel: 'reduceMean', shapes: [[512, 512]], attrs: { axes: [1] } },
  // One second of 16 kHz audio: 25 ms frames every 10 ms, as speech front ends use.
  { kernel: 'stft', shapes: [[1, 16000, 1]], attrs: { frameStep: 160, frameLength: 400 } },
  { kernel: 'melWeightMatrix', shapes: [], attrs: { numMelBins: 40, dftLength: 400, sampleRate: 16000, lowerEdgeHertz: 20, upperEdgeHertz: 8000 } },
  { kernel: 'pairwiseDistances', shapes: [[1000, 32], [256, 32]], attrs: { metric: 'sqeuclidean' } },
  { kernel: 'lloyd', shapes: [[4096, 16], [16, 16]], attrs: {} },
];

const REPEATS = 5;

interface StepResult {
  readonly kernel: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly refMs: number;
  readonly fastMs: number;
  readonly fastBackend: string;
  readonly speedup: number;
  /** Largest error / bound over the outputs (<= 1: within the declared tolerance). */
  readonly ratio: number;
  readonly agree: boolean;
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const runtime = await createRuntime();
  const refRuntime = await createRuntime({ backends: ['ref'] });
  try {
    const results = STEPS.map((step) => runtime.scope(() => runStep(runtime, step)));
    const kmeans = kmeansDemo(refRuntime, runtime);
    // User kernels run where their compiled module is: the first available backend that runs them.
    const fast = runtime.backends().find((b) => b.available && b.name !== 'native')!.name;
    const user = await userDemo(runtime);
    const stream = await streamDemo(runtime);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ backends: runtime.backends(), steps: results, kmeans, user, stream, stats: runtime.stats() }, null, 2)}\n`);
    } else {
      process.stdout.write(formatDemo(results));
      process.stdout.write(`${formatKmeansDemo(kmeans).join('\n')}\n`);
      process.stdout.write(`${formatUserDemo(user, fast).join('\n')}\n`);
      process.stdout.write(`${formatStreamDemo(stream).join('\n')}\n`);
    }
    return results.every((r) => r.agree) && kmeans.every((r) => r.agree) && user.rows.every((r) => r.agree) && stream.rows.every((r) => r.identical) ? 0 : 1;
  } finally {
    await runtime.close();
    await refRuntime.close();
  }
}

function inputsOf(runtime: Runtime, shapes: Step['shapes']): Tensor[] {
  let seed = 1;
  return shapes.map((shape) => {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < data.length; i++) {
      // A fixed LCG so every run uses the same values.
      seed = (seed * 1664525 + 1013904223) >>> 0;
      data[i] = seed / 2 ** 32 - 0.5;
    }
    return runtime.tensor(data, shape);
  });
}

/** Median ms of REPEATS calls after one warm-up, and the last call's outputs. */
function timed(runtime: Runtime, step: Step, inputs: Tensor[], backend: string): { ms: number; outputs: Tensor[] } {
  const attrs = step.attrs as AttrsOf<KernelName>;
  let outputs = runtime.run(step.kernel, inputs, attrs, { backend });
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    outputs.forEach((t) => t.release());
    const start = performance.now();
    outputs = runtime.run(step.kernel, inputs, attrs, { backend });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[REPEATS >> 1]!, outputs };
}

function runStep(runtime: Runtime, step: Step): StepResult {
  const inputs = inputsOf(runtime, step.shapes);
  // The backend dispatch picks for this call, as a user's call would get.
  const fast = runtime.explain(step.kernel, inputs, step.attrs as AttrsOf<KernelName>).backend ?? 'ref';
  const ref = timed(runtime, step, inputs, 'ref');
  const other = timed(runtime, step, inputs, fast);
  const def = KERNELS[step.kernel] as unknown as AnyKernelDef;
  const merged = { ...def.defaults, ...step.attrs };
  const plan = def.infer(inputs, merged);
  const magnitudes = toleranceOf(def, plan).kind === 'accumulated' ? magnitudeOf(runtime, def, merged, inputs, createRefBackend()) : undefined;
  let ratio = 0;
  let agree = true;
  ref.outputs.forEach((expected, i) => {
    if (!compared(def, i)) {
      return;
    }
    const result = compare({
      tolerance: toleranceOf(def, plan),
      dtype: expected.dtype,
      actual: other.outputs[i]!.toArray(),
      expected: expected.toArray(),
      ...(magnitudes === undefined ? {} : { magnitude: magnitudes[i]! }),
      depth: def.depth?.(plan) ?? 1,
    });
    ratio = Math.max(ratio, result.ratio);
    agree &&= result.ok;
  });
  return {
    kernel: step.kernel,
    inputs: inputs.map((t) => t.toString()),
    outputs: other.outputs.map((t) => t.toString()),
    refMs: ref.ms,
    fastMs: other.ms,
    fastBackend: fast,
    speedup: ref.ms / other.ms,
    ratio,
    agree,
  };
}

function formatDemo(results: readonly StepResult[]): string {
  const lines = [`hotpath demo: each kernel on ref and on the backend dispatch picks, median of ${REPEATS} calls`, ''];
  const header = ['kernel', 'inputs', 'ref ms', 'backend', 'ms', 'speedup', 'answers'];
  const rows = results.map((r) => [
    r.kernel,
    r.inputs.join(', ') || '(attributes only)',
    r.refMs.toFixed(3),
    r.fastBackend,
    r.fastMs.toFixed(3),
    `${r.speedup.toFixed(1)}x`,
    r.agree ? `agree (error/bound ${r.ratio.toPrecision(2)})` : `DISAGREE (error/bound ${r.ratio.toPrecision(3)})`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  for (const row of [header, ...rows]) {
    lines.push(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  }
  lines.push('', 'Agreement uses each kernel\'s declared tolerance against the ref backend (the spec).', 'Speed claims with peers and machine details: npm run bench.');
  return `${lines.join('\n')}\n`;
}
