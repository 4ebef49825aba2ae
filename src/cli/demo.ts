/**
 * `hotpath demo [--json]`: a small tour on the reference backend. Makes a few tensors, runs the
 * kernels that exist (others are listed as skipped), and prints shapes, times and the runtime's
 * stats. Times here show the API, not speed: speed claims come from `bench/`.
 */
import { isKernelName, type AttrsOf, type KernelName } from '../kernels/index.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import type { KernelStats } from '../runtime/stats.js';

export interface DemoOptions {
  readonly json: boolean;
}

interface Step {
  readonly kernel: string;
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: object;
}

/** Each step's inputs are deterministic pseudo-random float32 tensors of these shapes. */
const STEPS: readonly Step[] = [
  { kernel: 'matmul', shapes: [[64, 128], [128, 32]], attrs: {} },
  { kernel: 'gemm', shapes: [[64, 128], [128, 32], [32]], attrs: {} },
  { kernel: 'add', shapes: [[64, 32], [32]], attrs: {} },
  { kernel: 'gelu', shapes: [[64, 128]], attrs: { approximate: 'tanh' } },
  { kernel: 'softmax', shapes: [[64, 32]], attrs: {} },
  { kernel: 'layerNorm', shapes: [[64, 32], [32], [32]], attrs: {} },
  { kernel: 'reduceMean', shapes: [[64, 32]], attrs: {} },
  // One second of 16 kHz audio: 25 ms frames every 10 ms, as speech front ends use.
  { kernel: 'hannWindow', shapes: [], attrs: { size: 400 } },
  { kernel: 'stft', shapes: [[1, 16000, 1]], attrs: { frameStep: 160, frameLength: 400 } },
  { kernel: 'melWeightMatrix', shapes: [], attrs: { numMelBins: 40, dftLength: 400, sampleRate: 16000, lowerEdgeHertz: 20, upperEdgeHertz: 8000 } },
];

/** Calls per step, so the stats' percentiles have a few samples. */
const REPEATS = 5;

interface StepResult {
  readonly kernel: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly firstMs: number;
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const runtime = await createRuntime({ backends: ['ref'] });
  try {
    const ran: StepResult[] = [];
    const skipped: string[] = [];
    for (const step of STEPS) {
      if (isKernelName(step.kernel)) {
        ran.push(runStep(runtime, step.kernel, step));
      } else {
        skipped.push(step.kernel);
      }
    }
    const stats = runtime.stats();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ backend: 'ref', steps: ran, skipped, stats }, null, 2)}\n`);
    } else {
      process.stdout.write(formatDemo(ran, skipped, stats.kernels));
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

function runStep(runtime: Runtime, kernel: KernelName, step: Step): StepResult {
  return runtime.scope(() => {
    let seed = 1;
    const inputs = step.shapes.map((shape) => {
      const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
      for (let i = 0; i < data.length; i++) {
        // A fixed LCG so every run prints the same shapes and values.
        seed = (seed * 1664525 + 1013904223) >>> 0;
        data[i] = seed / 2 ** 32 - 0.5;
      }
      return runtime.tensor(data, shape);
    });
    let firstMs = 0;
    let outputs: string[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const start = performance.now();
      const result = runtime.run(kernel, inputs, step.attrs as AttrsOf<KernelName>, { backend: 'ref' });
      const ms = performance.now() - start;
      if (r === 0) {
        firstMs = ms;
        outputs = result.map((t) => t.toString());
      }
      result.forEach((t) => t.release());
    }
    return { kernel, inputs: inputs.map((t) => t.toString()), outputs, firstMs };
  });
}

function formatDemo(ran: readonly StepResult[], skipped: readonly string[], kernels: Readonly<Record<string, KernelStats>>): string {
  const lines = ['hotpath demo (backend: ref)', ''];
  for (const r of ran) {
    lines.push(`${r.kernel.padEnd(11)} ${r.inputs.join(', ')} -> ${r.outputs.join(', ')}  first call ${r.firstMs.toFixed(3)} ms`);
  }
  if (skipped.length > 0) {
    lines.push(`skipped (not implemented yet): ${skipped.join(', ')}`);
  }
  lines.push('', 'stats:');
  for (const [name, s] of Object.entries(kernels)) {
    const backends = Object.entries(s.backends).map(([b, n]) => `${b} x${n}`).join(', ');
    lines.push(`  ${name.padEnd(11)} calls ${s.calls}  p50 ${s.p50Ms.toFixed(3)} ms  p99 ${s.p99Ms.toFixed(3)} ms  (${backends})`);
  }
  return `${lines.join('\n')}\n`;
}
