/**
 * Peer adapters: @tensorflow/tfjs (cpu and wasm backends), onnxruntime-node, ml-matrix and
 * gpu.js (its webasm backend; kernels in bench/userKernels/gpujs.ts),
 * each loaded by dynamic import so a missing or broken peer is a skipped row with its reason,
 * never a crashed run. Inputs are built in setup from the same Float32Arrays hotpath gets.
 */
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { errorText, type Contender, type Prepared } from './harness.js';
import { oneNodeModel, type OneNodeModel } from './onnx.js';
import { loadGpuJs, type GpuJs } from './userKernels/gpujs.js';

type Tf = typeof import('@tensorflow/tfjs');
type Ort = typeof import('onnxruntime-node');
/** ml-matrix as a dynamic import gives it (its ESM build). */
const importMlMatrix = () => import('ml-matrix');
export type MlMatrix = Awaited<ReturnType<typeof importMlMatrix>>;

/** A loaded peer, or the reason it is unavailable. */
export type Loaded<T> = { readonly ok: true; readonly lib: T; readonly note: string } | { readonly ok: false; readonly reason: string };

export interface Peers {
  readonly tf: Loaded<Tf>;
  readonly tfWasm: Loaded<Tf>;
  readonly ort: Loaded<Ort>;
  readonly mlMatrix: Loaded<MlMatrix>;
  readonly gpujs: Loaded<GpuJs>;
}

export const TF_CPU = 'tfjs cpu';
export const TF_WASM = 'tfjs wasm';
export const ORT = 'onnxruntime-node';
export const ML_MATRIX = 'ml-matrix';
export const NAIVE = 'naive loops';
/** gpu.js's webasm backend on its worker pool (asyncMode) of 2 workers, as hotpath's 2t, and on the calling thread. */
export const GPUJS2 = 'gpu.js webasm 2t';
export const GPUJS1 = 'gpu.js webasm 1t';

/** Threads given to onnxruntime's intra-op pool: all the machine offers, as hotpath's 2t. */
export const ORT_THREADS = os.availableParallelism();

async function attempt<T>(load: () => Promise<{ lib: T; note: string }>): Promise<Loaded<T>> {
  try {
    const { lib, note } = await load();
    return { ok: true, lib, note };
  } catch (error) {
    return { ok: false, reason: errorText(error) };
  }
}

async function loadTf(): Promise<{ lib: Tf; note: string }> {
  const tf = await import('@tensorflow/tfjs');
  // Production mode drops tfjs's debug checks and the "install tfjs-node" console banner.
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) {
    throw new Error("tf.setBackend('cpu') returned false");
  }
  return { lib: tf, note: `tfjs ${tf.version.tfjs}, cpu backend (plain JS)` };
}

async function loadTfWasm(tf: Loaded<Tf>): Promise<{ lib: Tf; note: string }> {
  if (!tf.ok) {
    throw new Error(`needs @tensorflow/tfjs: ${tf.reason}`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm files are read from disk: point the backend at the package's dist folder.
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${dist}${path.sep}`);
  if (!(await tf.lib.setBackend('wasm'))) {
    throw new Error("tf.setBackend('wasm') returned false (see the message tfjs printed above)");
  }
  const env = tf.lib.env();
  const simd = env.getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  const threads = env.getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? `${wasm.getThreadsCount()} threads` : '1 thread';
  await tf.lib.setBackend('cpu');
  return { lib: tf.lib, note: `tfjs-backend-wasm ${wasm.version_wasm}, XNNPACK, ${simd}, ${threads}` };
}

async function loadOrt(): Promise<{ lib: Ort; note: string }> {
  const ort = await import('onnxruntime-node');
  // Create one tiny session now, so a missing native binding is reported at load time.
  const bytes = oneNodeModel({ op: 'Add', opset: 14, inputs: [{ name: 'a', dims: [1] }, { name: 'b', dims: [1] }], nodeInputs: ['a', 'b'], output: { name: 'y', dims: [1] } });
  const session = await ort.InferenceSession.create(bytes);
  await session.release();
  return { lib: ort, note: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}, cpu EP, ${ORT_THREADS} threads` };
}

async function loadMlMatrix(): Promise<{ lib: MlMatrix; note: string }> {
  const lib = await importMlMatrix();
  return { lib, note: 'ml-matrix Matrix.mmul (float64)' };
}

export async function loadPeers(): Promise<Peers> {
  const tf = await attempt(loadTf);
  const tfWasm = await attempt(() => loadTfWasm(tf));
  const ort = await attempt(loadOrt);
  const mlMatrix = await attempt(loadMlMatrix);
  const gpujs = await attempt(loadGpuJs);
  return { tf, tfWasm, ort, mlMatrix, gpujs };
}

/** Peers that did not load, with the reason (printed once at the top of the run). */
export function unavailablePeers(peers: Peers): { name: string; reason: string }[] {
  const named: [string, Loaded<unknown>][] = [[TF_CPU, peers.tf], [TF_WASM, peers.tfWasm], [ORT, peers.ort], [ML_MATRIX, peers.mlMatrix], ['gpu.js', peers.gpujs]];
  return named.filter(([, p]) => !p.ok).map(([name, p]) => ({ name, reason: (p as { reason: string }).reason }));
}

export interface PeerInput {
  readonly name: string;
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * A tfjs contender on `backend`: the backend is selected and the input tensors made in setup;
 * tfjs ops run eagerly and synchronously on both backends, so the timed call is the op itself.
 */
export function tfContender(name: string, loaded: Loaded<Tf>, backend: 'cpu' | 'wasm', inputs: readonly PeerInput[], call: (tf: Tf, x: readonly TfTensor[]) => TfTensor, output?: (tf: Tf, out: TfTensor) => ArrayLike<number>, skip?: string): Contender {
  const why = skip ?? (loaded.ok ? undefined : `not loaded: ${loaded.reason}`);
  return {
    name,
    note: loaded.ok ? loaded.note : 'unavailable',
    ...(why === undefined ? {} : { skip: why }),
    async setup(): Promise<Prepared<TfTensor>> {
      const tf = (loaded as { lib: Tf }).lib;
      if (!(await tf.setBackend(backend))) {
        throw new Error(`tf.setBackend('${backend}') returned false`);
      }
      const tensors = inputs.map((i) => tf.tensor(i.values, [...i.shape], 'float32'));
      return {
        // Rounds interleave contenders and both tfjs backends share one engine: select ours again.
        activate: async () => void (await tf.setBackend(backend)),
        call: () => call(tf, tensors),
        output: (out) => (output === undefined ? (out.dataSync() as Float32Array) : output(tf, out)),
        release: (out) => out.dispose(),
        dispose: () => tf.dispose(tensors),
      };
    },
  };
}

/**
 * An onnxruntime-node contender running the one-node `model`. Input OrtTensors wrap the shared
 * Float32Arrays once; each timed call is `session.run`, including its crossing into native code
 * and the output's return as a new JS array: part of what a user of this API pays.
 */
export function ortContender(loaded: Loaded<Ort>, model: OneNodeModel, inputs: readonly PeerInput[], skip?: string): Contender {
  const why = skip ?? (loaded.ok ? undefined : `not loaded: ${loaded.reason}`);
  return {
    name: ORT,
    note: loaded.ok ? `${loaded.note}, one-node ${model.op} model` : 'unavailable',
    ...(why === undefined ? {} : { skip: why }),
    async setup(): Promise<Prepared<OrtTensor>> {
      const ort = (loaded as { lib: Ort }).lib;
      const session = await ort.InferenceSession.create(oneNodeModel(model), {
        executionProviders: ['cpu'],
        intraOpNumThreads: ORT_THREADS,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // No busy-waiting pool threads after a run: the next contender in the round gets both cores.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const feeds: Record<string, OrtTensor> = {};
      for (const input of inputs) {
        feeds[input.name] = new ort.Tensor('float32', input.values, [...input.shape]);
      }
      return {
        call: async () => (await session.run(feeds))[model.output.name]!,
        output: (out) => out.data as Float32Array,
        release: () => undefined,
        dispose: () => session.release(),
      };
    },
  };
}
