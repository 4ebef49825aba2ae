/**
 * stft benchmark: 60 s of 16 kHz mono audio, frameLength 400 (25 ms), frameStep 160 (10 ms),
 * periodic Hann window, onesided: [1, 960000, 1] -> [1, 5998, 201, 2], after a 2 s clip from
 * which slow contenders are projected (linear in length) and skipped at 60 s when over the
 * per-call budget. Rated as x real time
 * (seconds of audio per second). hotpath runs twice: with `require: 'wasm'` (the baseline; if
 * wasm declines stft this is a failed row with the reason, not a silent fallback) and with
 * default dispatch (wasm, then ref: the baseline when wasm declines), each row saying which
 * backend ran it, read from stats.
 */
import type { Tensor as TfTensor, Tensor1D } from '@tensorflow/tfjs';
import type { Runtime, Tensor } from '../src/index.js';
import { randomF32, type Row } from './harness.js';
import { AUTO, hotpathContender, WASM2 } from './hotpath.js';
import { NAIVE, ORT, ortContender, TF_CPU, TF_WASM, tfContender, type PeerInput } from './peers.js';
import { plainContender, Projector } from './plan.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

const RATE = 16000;
const FRAME_LENGTH = 400;
const FRAME_STEP = 160;

/** A few tones plus noise, deterministic, in [-1, 1]. */
function audio(seconds: number): Float32Array {
  const x = randomF32(seconds * RATE, 51, 0.05);
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    x[i] = x[i]! + 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * 1234.5 * t) + 0.1 * Math.sin(2 * Math.PI * 3000 * t * (1 + t / 60));
  }
  return x;
}

/** Periodic Hann window, as ONNX HannWindow with periodic = 1. */
function hann(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
}

/** cos and sin of 2 pi k t / n for each onesided bin k and sample t: a direct DFT's plan. */
function dftTables(n: number, bins: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(bins * n);
  const sin = new Float64Array(bins * n);
  for (let k = 0; k < bins; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (2 * Math.PI * ((k * t) % n)) / n;
      cos[k * n + t] = Math.cos(angle);
      sin[k * n + t] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Windowed frames, each through a direct DFT with the tables: [frames, bins, 2] (re, im). */
export function naiveStft(x: Float32Array, window: Float32Array, step: number, tables: { cos: Float64Array; sin: Float64Array }): Float32Array {
  const n = window.length;
  const bins = (n >> 1) + 1;
  const frames = 1 + Math.floor((x.length - n) / step);
  const y = new Float32Array(frames * bins * 2);
  const frame = new Float64Array(n);
  for (let f = 0; f < frames; f++) {
    const start = f * step;
    for (let t = 0; t < n; t++) {
      frame[t] = x[start + t]! * window[t]!;
    }
    for (let k = 0; k < bins; k++) {
      let re = 0;
      let im = 0;
      const row = k * n;
      for (let t = 0; t < n; t++) {
        re += frame[t]! * tables.cos[row + t]!;
        im -= frame[t]! * tables.sin[row + t]!;
      }
      const at = (f * bins + k) * 2;
      y[at] = re;
      y[at + 1] = im;
    }
  }
  return y;
}

type Tf = typeof import('@tensorflow/tfjs');

/** tf.signal.stft with our window and fftLength = frameLength (tfjs would pad to 512). */
function tfStft(tf: Tf, signal: TfTensor, window: TfTensor): TfTensor {
  return tf.tidy(() => tf.signal.stft(signal as Tensor1D, FRAME_LENGTH, FRAME_STEP, FRAME_LENGTH, () => window as Tensor1D));
}

/** A complex64 [frames, bins] tensor as interleaved (re, im) floats, like the others' output. */
function tfComplexValues(tf: Tf, out: TfTensor): Float32Array {
  const re = tf.real(out);
  const im = tf.imag(out);
  const reValues = re.dataSync();
  const imValues = im.dataSync();
  tf.dispose([re, im]);
  const y = new Float32Array(reValues.length * 2);
  for (let i = 0; i < reValues.length; i++) {
    y[2 * i] = reValues[i]!;
    y[2 * i + 1] = imValues[i]!;
  }
  return y;
}

/** Seconds of audio per case: a short clip first, so slow contenders are projected, not run, at 60 s. */
function durations(quick: boolean): number[] {
  return quick ? [1] : [2, 60];
}

async function stftCase(ctx: WorkloadContext, seconds: number, tables: { cos: Float64Array; sin: Float64Array }, skip: (name: string) => string | undefined): Promise<Row[]> {
  const x = audio(seconds);
  const window = hann(FRAME_LENGTH);
  const frames = 1 + Math.floor((x.length - FRAME_LENGTH) / FRAME_STEP);
  const bins = FRAME_LENGTH / 2 + 1;
  ctx.log(`stft ${seconds} s at ${RATE} Hz -> [1,${frames},${bins},2]`);
  const hpInputs = [{ values: x, shape: [1, x.length, 1] }, { values: window, shape: [FRAME_LENGTH] }];
  const tfInputs: PeerInput[] = [{ name: 'signal', values: x, shape: [x.length] }, { name: 'window', values: window, shape: [FRAME_LENGTH] }];
  const ortInputs: PeerInput[] = [{ name: 'signal', values: x, shape: [1, x.length, 1] }, { name: 'window', values: window, shape: [FRAME_LENGTH] }];
  const model = {
    op: 'STFT',
    opset: 17,
    inputs: [{ name: 'signal', dims: [1, x.length, 1] }, { name: 'window', dims: [FRAME_LENGTH] }],
    constants: [{ name: 'frame_step', value: FRAME_STEP }, { name: 'frame_length', value: FRAME_LENGTH }],
    nodeInputs: ['signal', 'frame_step', 'window', 'frame_length'],
    output: { name: 'y', dims: [1, frames, bins, 2] },
  };
  const call = (hp: Runtime, [s, w]: readonly Tensor[]): Tensor => hp.stft(s!, { frameStep: FRAME_STEP, window: w! });
  return runCase({
    workload: 'stft',
    size: `${seconds} s @ ${RATE / 1000} kHz`,
    work: { audioSeconds: seconds },
    baseline: [WASM2, AUTO],
    warmup: 1,
    repeats: ctx.quick ? 3 : 5,
    check: true,
    contenders: [
      hotpathContender(WASM2, "require: 'wasm', 2 threads", ctx.hp.wasm2, 'stft', hpInputs, call, skip(WASM2)),
      hotpathContender(AUTO, 'default dispatch (wasm, then ref), 2 threads', ctx.hp.auto, 'stft', hpInputs, call, skip(AUTO)),
      plainContender(NAIVE, 'plain loops: direct DFT per frame with precomputed cos/sin tables', () => naiveStft(x, window, FRAME_STEP, tables), skip(NAIVE)),
      tfContender(TF_CPU, ctx.peers.tf, 'cpu', tfInputs, (tf, [s, w]) => tfStft(tf, s!, w!), tfComplexValues, skip(TF_CPU)),
      tfContender(TF_WASM, ctx.peers.tfWasm, 'wasm', tfInputs, (tf, [s, w]) => tfStft(tf, s!, w!), tfComplexValues, skip(TF_WASM)),
      ortContender(ctx.peers.ort, model, ortInputs, skip(ORT)),
    ],
  }, ctx);
}

export const stft: Workload = {
  name: 'stft',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const tables = dftTables(FRAME_LENGTH, FRAME_LENGTH / 2 + 1);
    const projector = new Projector(ctx.budgetMs, (seconds) => seconds, (seconds) => `${seconds} s`);
    const rows: Row[] = [];
    for (const seconds of durations(ctx.quick)) {
      const caseRows = await stftCase(ctx, seconds, tables, (name) => projector.skip(name, seconds));
      projector.record(caseRows, seconds);
      rows.push(...caseRows);
    }
    return rows;
  },
};
