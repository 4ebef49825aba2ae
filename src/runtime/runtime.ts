/**
 * createRuntime(options) -> Runtime: the one object that owns backends, dispatch, tensors,
 * scopes and stats. No module-level state: two runtimes share nothing.
 */
import type { Backend, BackendFactory } from '../backends/backend.js';
import { BACKEND_FACTORIES } from '../backends/index.js';
import { createRefBackend } from '../backends/ref/index.js';
import { NATIVE_ISAS, type NativeIsa } from '../backends/native/addon.js';
import { fail } from '../errors.js';
import type { GeluAttrs } from '../kernels/gelu.js';
import type { DftAttrs } from '../kernels/dft.js';
import type { HannWindowAttrs } from '../kernels/hannWindow.js';
import type { MelWeightMatrixAttrs } from '../kernels/melWeightMatrix.js';
import type { StftAttrs } from '../kernels/stft.js';
import type { GemmAttrs } from '../kernels/gemm.js';
import type { LayerNormAttrs } from '../kernels/layerNorm.js';
import type { ReduceAttrs } from '../kernels/reduce.js';
import type { AxisAttrs } from '../kernels/softmax.js';
import type { PairwiseDistancesAttrs } from '../kernels/pairwiseDistances.js';
import type { Tensor } from '../tensor/tensor.js';
import { kmeans, type KMeansOptions, type KMeansResult } from '../kmeans/index.js';
import { kmeansFile, type FileKMeansOptions, type FileKMeansResult } from '../kmeans/file.js';
import { fbank, logMel, type FbankOptions, type LogMelOptions } from '../audio/logMel.js';
import { iterateRows, loadNpy, loadNpz, readRows, saveNpy, saveNpz, type IterateRowsOptions, type LoadNpyOptions, type NpyWriteInfo, type RowsOptions, type SaveNpzOptions } from '../io/index.js';
import { ShapeRuntime } from './shapeOps.js';
import { Heap } from './heap.js';
import { describeValue, optionsOf } from './args.js';
import { threadsOf } from './threads.js';
import type { PassedOver } from './dispatch.js';
import type { LoadKernelOptions, UserCompiler } from './userKernels.js';
import { announceRuntime } from '../monitor/announce.js';
import { createKernelLoader, type ObtainOptions } from '../user/obtain.js';
import { openTelemetryBatched, type OpenTelemetryOptions } from '../monitor/otel.js';
import type { UserKernel } from '../user/kernel.js';
import { FeatureStream, type FeatureStreamOptions } from '../stream/features.js';
import { firwinKaiser, rateRatio } from '../stream/resampleFilter.js';

export interface RuntimeOptions {
  /** Backends to use, by name or factory, in priority order. Default: every known backend. */
  readonly backends?: readonly (string | BackendFactory)[];
  /** Run every call on this backend or throw BACKEND; never fall back. */
  readonly require?: string;
  /** Check results against ref: true for every call, or a sampling rate in (0, 1]. */
  readonly verify?: boolean | number;
  /**
   * Worker threads for parallel backends: 1 to 256 (ARGUMENT otherwise). Default, and at most:
   * the machine's available parallelism (a larger count is lowered, and doctor says so).
   */
  readonly threads?: number;
  /** Upper bound of the CPU heap in bytes (default and maximum 4 GiB). */
  readonly heapBytes?: number;
  /**
   * Work (elements, or multiply-adds / 1024 for matmul) below which a parallel backend runs a
   * call on the calling thread. Default 32768; 0 splits every call (tests use it).
   */
  readonly parallelThreshold?: number;
  /**
   * Diagnostics that cost time. `releaseStacks`: record where every release happens, so that a
   * LIFETIME error names the file and line (about 1.4 us per release); without it LIFETIME
   * names the tensor, its storage and the release's number.
   */
  readonly debug?: { readonly releaseStacks?: boolean };
  /**
   * Where load() gets user kernels' wasm modules (when the runtime has the wasm backend): the
   * `hotpath build` output folders in `artifacts` (default: hotpath-build in the kernel file's
   * package), then the disk cache (`cacheDir`, default node_modules/.cache/hotpath/kernels),
   * then the compiler in a worker thread, unless `compile: 'never'` (deployments: COMPILE when
   * no build is found).
   * @example createRuntime({ kernels: { artifacts: ['dist/kernels'], compile: 'never' } })
   */
  readonly kernels?: KernelSources;
  /** Internal, for tests: what compiles user kernels for the wasm backend, instead of `kernels`. */
  readonly userCompiler?: UserCompiler;
  /**
   * Kernel calls as OpenTelemetry spans and metrics (src/monitor/otel.ts): true for the globally
   * registered providers, or the providers to use. Needs @opentelemetry/api installed.
   */
  readonly openTelemetry?: boolean | OpenTelemetryOptions;
  /**
   * false: stats() stays empty and, without observers, no call event is built (default true).
   * What monitoring costs per call is measured against this (npm run bench -- --only monitor).
   */
  readonly monitor?: boolean;
  /**
   * The native backend (src/backends/native): `isa` forces an instruction-set path narrower than
   * the widest this CPU runs ('avx512', 'avx2', 'neon', 'scalar'); a path the CPU cannot run makes
   * the backend unavailable with that reason (BACKEND with require: 'native').
   * @example createRuntime({ native: { isa: 'avx2' } })
   */
  readonly native?: { readonly isa?: NativeIsa };
}

/** RuntimeOptions.kernels. */
export type KernelSources = Omit<ObtainOptions, 'compiler'>;



/**
 * Creates a runtime. Backends that cannot start are listed by `backends()` with the reason.
 * @example const hp = await createRuntime({ require: 'ref', verify: 0.1 });
 * @throws ARGUMENT for unknown backend names or bad options, BACKEND when `require` names a
 *   backend that is unavailable
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  if (options === null || typeof options !== 'object') {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid options', expected: 'an options object or nothing', received: String(options) });
  }
  if (options.backends !== undefined && !Array.isArray(options.backends)) {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid backends', expected: "an array of backend names or factories, e.g. ['wasm', 'ref']", received: String(options.backends) });
  }
  const verifyRate = verifyRateOf(options.verify);
  const { threads, threadsNote } = threadsOf(options.threads, (await import('node:os')).availableParallelism());
  if (options.heapBytes !== undefined && !(Number.isSafeInteger(options.heapBytes) && options.heapBytes > 0)) {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid heapBytes', expected: 'a positive integer number of bytes', received: String(options.heapBytes) });
  }
  const parallelThreshold = options.parallelThreshold ?? 1 << 15;
  if (!Number.isSafeInteger(parallelThreshold) || parallelThreshold < 0) {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid parallelThreshold', expected: 'a non-negative integer', received: String(options.parallelThreshold) });
  }
  const releaseStacks = debugOf(options.debug);
  const nativeIsa = nativeIsaOf(options.native);
  // Loaded before any backend starts a thread: a missing package fails here, with nothing to close.
  const telemetry = options.openTelemetry === undefined || options.openTelemetry === false ? undefined : await openTelemetryBatched(options.openTelemetry === true ? {} : options.openTelemetry);
  const heap = new Heap(options.heapBytes === undefined ? {} : { maximumBytes: options.heapBytes });
  const factories = resolveFactories(options.backends);
  const backends: Backend[] = [];
  const unavailable: PassedOver[] = [];
  for (const factory of factories) {
    try {
      backends.push(await factory.create({ threads, heap, parallelThreshold, ...(threadsNote === undefined ? {} : { threadsNote }), ...(nativeIsa === undefined ? {} : { nativeIsa }) }));
    } catch (error) {
      unavailable.push({ backend: factory.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (options.require !== undefined && !backends.some((b) => b.name === options.require)) {
    const why = unavailable.find((u) => u.backend === options.require)?.reason ?? 'not among the configured backends';
    fail({ code: 'BACKEND', kernel: 'createRuntime', problem: `required backend '${options.require}' is not available`, expected: `one of ${backends.map((b) => b.name).join(', ')}`, received: `${options.require}: ${why}`, hint: 'run `hotpath doctor` to see every backend and why it is or is not usable' });
  }
  const ref = backends.find((b) => b.name === 'ref') ?? createRefBackend();
  // A runtime that requires another backend never runs user kernels on wasm: nothing to compile.
  const wasmRuns = backends.some((b) => b.name === 'wasm') && (options.require === undefined || options.require === 'wasm');
  const compiler = wasmRuns ? compilerOf(options.userCompiler, options.kernels) : undefined;
  const id = `rt-${process.pid}-${Date.now().toString(36)}`;
  const runtime = new Runtime({ id, backends, unavailable, ref, require: options.require, verifyRate, factories, heap, releaseStacks, monitor: options.monitor !== false, ...(compiler === undefined ? {} : { compiler }) });
  if (telemetry !== undefined) {
    runtime.observeBatched(telemetry);
  }
  // For `hotpath profile`'s preload (src/profile/preload.ts); free when nothing subscribed.
  announceRuntime({ id, observe: (observer) => runtime.observe(observer) });
  return runtime;
}

/** options.native.isa, checked. @throws ARGUMENT for anything but an object with a known path name */
function nativeIsaOf(native: RuntimeOptions['native']): NativeIsa | undefined {
  if (native === undefined) {
    return undefined;
  }
  if (native === null || typeof native !== 'object' || (native.isa !== undefined && !(NATIVE_ISAS as readonly unknown[]).includes(native.isa))) {
    fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid native options', expected: `{ isa?: ${NATIVE_ISAS.map((i) => `'${i}'`).join(' | ')} }`, received: native !== null && typeof native === 'object' ? `isa ${describeValue(native.isa)}` : describeValue(native) });
  }
  return native.isa;
}

/** The injected compiler (tests), else a loader of artifacts, cache and compiler. @throws ARGUMENT */
function compilerOf(compiler: UserCompiler | undefined, sources: KernelSources | undefined): UserCompiler {
  if (compiler === undefined) {
    return createKernelLoader(optionsOf(sources, 'createRuntime', 'kernels'));
  }
  if (compiler === null || typeof compiler !== 'object' || typeof compiler.compile !== 'function') {
    return fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid userCompiler', expected: '{ compile(kernel): Promise<CompiledKernel> }', received: describeValue(compiler) });
  }
  return compiler;
}

function debugOf(debug: RuntimeOptions['debug']): boolean {
  if (debug === undefined) {
    return false;
  }
  if (debug === null || typeof debug !== 'object' || (debug.releaseStacks !== undefined && typeof debug.releaseStacks !== 'boolean')) {
    return fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid debug', expected: '{ releaseStacks?: boolean }', received: describeValue(debug) });
  }
  return debug.releaseStacks === true;
}

function verifyRateOf(verify: boolean | number | undefined): number {
  if (verify === undefined || verify === false) {
    return 0;
  }
  if (verify === true) {
    return 1;
  }
  if (typeof verify !== 'number' || !(verify > 0 && verify <= 1)) {
    return fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid verify', expected: 'true, false or a rate in (0, 1]', received: String(verify) });
  }
  return verify;
}

function resolveFactories(list: RuntimeOptions['backends']): readonly BackendFactory[] {
  if (list === undefined) {
    return BACKEND_FACTORIES;
  }
  return list.map((item) => {
    if (typeof item !== 'string') {
      const factory = item as Partial<BackendFactory> | null;
      if (factory === null || typeof factory !== 'object' || typeof factory.name !== 'string' || typeof factory.create !== 'function') {
        return fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'invalid backend', expected: `a backend name (${BACKEND_FACTORIES.map((f) => f.name).join(', ')}) or a factory { name, create(context) }`, received: describeValue(item) });
      }
      return item;
    }
    const found = BACKEND_FACTORIES.find((f) => f.name === item);
    if (found === undefined) {
      return fail({ code: 'ARGUMENT', kernel: 'createRuntime', problem: 'unknown backend', expected: `one of ${BACKEND_FACTORIES.map((f) => f.name).join(', ')}`, received: item });
    }
    return found;
  });
}

/** Kernel methods. Each returns new tensors the caller owns; inputs are never modified. */
export class Runtime extends ShapeRuntime {
  /** The resampler filters featureStream designed, by 'from to' (see featureStream). */
  readonly #resampleFilters = new Map<string, Float64Array>();

  /**
   * Reads a .npy file (versions 1-3) into a tensor: Fortran order becomes a `col` tensor, no
   * copy either way. @example const x = hp.load('points.npy')
   * @throws FORMAT (a malformed or hostile file), IO, MEMORY
   */
  load(path: string, options?: LoadNpyOptions): Tensor;
  /**
   * Loads user kernels into this runtime: each is compiled for the wasm backend when the
   * runtime has it, then run() and explain() take it like a built-in. Loading a kernel again is
   * a no-op. @example await hp.load([huber, haversine]); hp.run(huber, [pred, target])
   * @throws (rejects) ARGUMENT for a value that is not a kernel or a name taken by a built-in or
   *   a different loaded kernel; COMPILE when a kernel does not compile, unless `fallback: 'ref'`
   *   (then it runs on ref, each call counted as a fallback with the compile error's first line)
   */
  load(kernels: UserKernel | readonly UserKernel[], options?: LoadKernelOptions): Promise<void>;
  load(what: string | UserKernel | readonly UserKernel[], options?: LoadNpyOptions | LoadKernelOptions): Tensor | Promise<void> {
    this.checkOpen('runtime.load');
    if (what !== null && typeof what === 'object') {
      return this.userKernels.load(what, options as LoadKernelOptions | undefined);
    }
    return loadNpy(this, what as string, options as LoadNpyOptions | undefined);
  }

  /**
   * Writes a tensor as .npy (row- or col-contiguous tensors as they are; other views through a
   * row-major copy, counted in stats). @throws IO, LIFETIME
   */
  save(path: string, tensor: Tensor): NpyWriteInfo {
    this.checkOpen('runtime.save');
    const info = saveNpy(this, path, tensor);
    if (info.gathered) {
      this.recorder.recordCopy('save: a strided tensor written through a row-major copy');
    }
    return info;
  }

  /** Every array of a .npz archive (stored or deflated), by name. @throws FORMAT, IO, MEMORY */
  loadNpz(path: string): Record<string, Tensor> {
    this.checkOpen('runtime.loadNpz');
    return loadNpz(this, path);
  }

  /** Writes tensors as a .npz archive (`compress` as np.savez_compressed). @throws IO, LIFETIME */
  saveNpz(path: string, tensors: Record<string, Tensor>, options?: SaveNpzOptions): void {
    this.checkOpen('runtime.saveNpz');
    saveNpz(this, path, tensors, options);
  }

  /** Rows [start, start + count) along axis 0 of a C-order .npy, reading only those bytes. @throws FORMAT, LAYOUT, ARGUMENT, IO */
  readRows(path: string, start: number, count: number, options?: RowsOptions): Tensor {
    this.checkOpen('runtime.readRows');
    return readRows(this, path, start, count, options);
  }

  /**
   * Batches of up to `batch` rows of a .npy, for files larger than memory; release each.
   * @example for await (const rows of hp.iterateRows('big.npy', { batch: 65536 })) { ...; rows.release(); }
   */
  iterateRows(path: string, options: IterateRowsOptions): AsyncGenerator<Tensor, void, undefined> {
    this.checkOpen('runtime.iterateRows');
    return iterateRows(this, path, options);
  }

  /**
   * Matrix product with numpy semantics (1-D promotion, broadcast batch dims), any layout.
   * @example hp.matmul(hp.tensor(a, [m, k]), hp.tensor(b, [k, n], { layout: 'col' }))
   * @throws SHAPE, DTYPE
   */
  matmul(a: Tensor, b: Tensor): Tensor {
    return this.run('matmul', [a, b])[0]!;
  }

  /**
   * Distances between the rows of x [n, d] and of y [m, d] as [n, m]: metric 'sqeuclidean'
   * (default), 'euclidean', 'cosine', 'dot' or 'manhattan' (scikit-learn's meanings). Points far
   * from the origin keep their distances (no ||x||^2 - 2x.y + ||y||^2 cancellation).
   * @example hp.pairwiseDistances(points, centroids, { metric: 'euclidean' })
   * @throws SHAPE, DTYPE, ARGUMENT
   */
  pairwiseDistances(x: Tensor, y: Tensor, attrs: PairwiseDistancesAttrs = {}): Tensor {
    return this.run('pairwiseDistances', [x, y], attrs)[0]!;
  }

  /**
   * k-means on a .npy file (C order, float32 or float64, [n, d]) out of core: blocks read while
   * the previous one is computed, bounded memory whatever n is, and the same bits as the fit of
   * the same data in memory; labels and distances streamed to .npy files (src/kmeans/file.ts).
   * @example const fit = await hp.kmeans('points.npy', { k: 64, labelsOut: 'labels.npy' })
   * @throws (rejects) IO, FORMAT, SHAPE, DTYPE, LAYOUT, ARGUMENT (k > n, NaN rows: which row, bad options), MEMORY
   */
  kmeans(path: string, options: FileKMeansOptions): Promise<FileKMeansResult>;
  /**
   * k-means with scikit-learn's semantics (k-means++, nInit, maxIter, tol, sampleWeight, seed);
   * the assignment and float64 sums run on the fastest backend, identically on any thread count.
   * @example const { centroids, labels, inertia } = hp.kmeans(points, { k: 8, seed: 1 })
   * @throws SHAPE, DTYPE, ARGUMENT (k > n, NaN in x, bad options), LIFETIME, MEMORY
   * (Declared last, so that ReturnType<Runtime['kmeans']> is the in-memory result.)
   */
  kmeans(x: Tensor, options: KMeansOptions): KMeansResult;
  kmeans(x: Tensor | string, options: KMeansOptions | FileKMeansOptions): KMeansResult | Promise<FileKMeansResult> {
    this.checkOpen('kmeans');
    if (typeof x === 'string') {
      return kmeansFile(this, x, options as FileKMeansOptions);
    }
    return kmeans(this, x, options as KMeansOptions);
  }

  /**
   * Whisper's log-mel spectrogram of a 16 kHz mono signal: float32 [nMels, samples // 160]
   * (preset 'whisper-80' or 'whisper-128'), as whisper.audio.log_mel_spectrogram(padding=0).
   * @example const mel = hp.logMel(hp.tensor(samples), { preset: 'whisper-80' })
   * @throws SHAPE (not 1-D), DTYPE (not float), ARGUMENT (preset)
   */
  logMel(signal: Tensor, options: LogMelOptions = {}): Tensor {
    this.checkOpen('logMel');
    return logMel(this, signal, optionsOf(options, 'logMel', 'options'));
  }

  /**
   * Kaldi fbank (kaldi-native-fbank defaults, dither 0, 80 bins) of a 16 kHz mono signal:
   * float32 [frames, 80] ln mel energies; snipEdges true (default) or false.
   * @example const feats = hp.fbank(hp.tensor(samples), { preset: 'kaldi-fbank', snipEdges: false })
   * @throws SHAPE (not 1-D), DTYPE (not float), ARGUMENT (preset, snipEdges)
   */
  fbank(signal: Tensor, options: FbankOptions = {}): Tensor {
    this.checkOpen('fbank');
    return fbank(this, signal, optionsOf(options, 'fbank', 'options'));
  }

  /** alpha * op(a) * op(b) + beta * c (ONNX Gemm). @throws SHAPE, DTYPE, ARGUMENT */
  gemm(a: Tensor, b: Tensor, c?: Tensor, attrs: GemmAttrs = {}): Tensor {
    return this.run('gemm', [a, b, c], attrs)[0]!;
  }

  /** Softmax along `axis` (default -1). @throws DTYPE, ARGUMENT */
  softmax(x: Tensor, attrs: AxisAttrs = {}): Tensor {
    return this.run('softmax', [x], attrs)[0]!;
  }

  /** Log-softmax along `axis` (default -1), stable for large magnitudes. @throws DTYPE, ARGUMENT */
  logSoftmax(x: Tensor, attrs: AxisAttrs = {}): Tensor {
    return this.run('logSoftmax', [x], attrs)[0]!;
  }

  /**
   * Layer normalization over the dims from `axis` on. Returns y; `run('layerNorm', ...)` also
   * gives mean and invStdDev.
   * @example hp.layerNorm(x, { scale: gamma, bias: beta, epsilon: 1e-5 })
   * @throws DTYPE, SHAPE, ARGUMENT
   */
  layerNorm(x: Tensor, attrs?: LayerNormAttrs & { scale?: Tensor; bias?: Tensor }): Tensor {
    const { scale, bias, ...rest } = optionsOf(attrs, 'layerNorm', 'attributes');
    const [y, mean, invStdDev] = this.run('layerNorm', [x, scale, bias], rest);
    mean!.release();
    invStdDev!.release();
    return y!;
  }

  /**
   * Compensated sum over `axes` (or numpy's `axis`; all when absent). `keepdims` defaults to
   * true, as ONNX ReduceSum (numpy's default is false).
   * @example hp.reduceSum(x, { axis: 0, keepdims: false })   // numpy x.sum(axis=0)
   * @throws DTYPE, ARGUMENT
   */
  reduceSum(x: Tensor, attrs: ReduceAttrs = {}): Tensor {
    return this.run('reduceSum', [x], attrs)[0]!;
  }

  /**
   * Mean over `axes` (or numpy's `axis`; all when absent); `keepdims` defaults to true (ONNX).
   * @example hp.reduceMean(x, { axis: -1 })
   * @throws DTYPE, ARGUMENT
   */
  reduceMean(x: Tensor, attrs: ReduceAttrs = {}): Tensor {
    return this.run('reduceMean', [x], attrs)[0]!;
  }

  /** A row-major copy with axes permuted; `x.transpose()` is the zero-copy view. @throws ARGUMENT */
  transpose(x: Tensor, perm?: readonly number[]): Tensor {
    return this.run('transpose', [x], { perm })[0]!;
  }

  /** a + b with numpy broadcasting. @throws SHAPE, DTYPE */
  add(a: Tensor, b: Tensor): Tensor {
    return this.run('add', [a, b])[0]!;
  }

  /** a * b with numpy broadcasting. @throws SHAPE, DTYPE */
  mul(a: Tensor, b: Tensor): Tensor {
    return this.run('mul', [a, b])[0]!;
  }

  /** max(x, 0). @throws DTYPE */
  relu(x: Tensor): Tensor {
    return this.run('relu', [x])[0]!;
  }

  /** Gaussian error linear unit, exact (erf) or tanh form. @throws DTYPE, ARGUMENT */
  gelu(x: Tensor, attrs: GeluAttrs = {}): Tensor {
    return this.run('gelu', [x], attrs)[0]!;
  }

  /**
   * The Hann window of `size` points (periodic by default), as ONNX HannWindow.
   * @example hp.hannWindow({ size: 400 })
   * @throws ARGUMENT, DTYPE
   */
  hannWindow(attrs: HannWindowAttrs & { size: number }): Tensor {
    return this.run('hannWindow', [], attrs)[0]!;
  }

  /**
   * DFT of x [..., 1 | 2] (real | complex re, im) along `axis` (default -2), as ONNX DFT-20.
   * @example hp.dft(signal, { onesided: true })   // [..., n, 1] -> [..., n/2 + 1, 2]
   * @throws SHAPE, DTYPE, ARGUMENT
   */
  dft(x: Tensor, attrs: DftAttrs = {}): Tensor {
    return this.run('dft', [x], attrs)[0]!;
  }

  /**
   * Short-time Fourier transform of signal [batch, length, 1 | 2] -> [batch, frames, bins, 2].
   * @example hp.stft(audio, { frameStep: 160, window: hp.hannWindow({ size: 400 }) })
   * @throws SHAPE, DTYPE, ARGUMENT
   */
  stft(signal: Tensor, attrs: StftAttrs & { frameStep: number; window?: Tensor }): Tensor {
    if (attrs === undefined) {
      fail({ code: 'ARGUMENT', kernel: 'stft', problem: 'missing attributes', expected: 'attributes with a frameStep, e.g. { frameStep: 160, window }', received: 'undefined' });
    }
    const { window, ...rest } = optionsOf(attrs, 'stft', 'attributes');
    return this.run('stft', [signal, window], rest)[0]!;
  }

  /**
   * Mel filterbank [floor(dftLength / 2) + 1, numMelBins], as ONNX MelWeightMatrix.
   * @example hp.melWeightMatrix({ numMelBins: 80, dftLength: 512, sampleRate: 16000, lowerEdgeHertz: 0, upperEdgeHertz: 8000 })
   * @throws ARGUMENT, DTYPE
   */
  melWeightMatrix(attrs: Required<Omit<MelWeightMatrixAttrs, 'dtype'>> & Pick<MelWeightMatrixAttrs, 'dtype'>): Tensor {
    return this.run('melWeightMatrix', [], attrs)[0]!;
  }

  /**
   * A stream of speech features (Whisper log-mel or Kaldi fbank) that computes each frame as soon
   * as its samples have arrived, through the same framing and `fbank` kernel as the offline path.
   * @example const s = hp.featureStream({ preset: 'whisper-80', sampleRate: 48000 }); const rows = s.push(chunk)
   * @throws ARGUMENT (unknown preset, bad sample rate)
   */
  featureStream(options: FeatureStreamOptions): FeatureStream {
    this.checkOpen('featureStream');
    // A stream at another rate than its preset's reuses the filter designed for the first stream
    // at that rate (0.6 ms for 44.1 kHz, counted in a new stream's time to its first frame).
    return new FeatureStream(this, optionsOf(options, 'featureStream', 'options'), (from, to) => {
      const key = `${from} ${to}`;
      let taps = this.#resampleFilters.get(key);
      if (taps === undefined) {
        taps = firwinKaiser(rateRatio(from, to, 'featureStream'));
        this.#resampleFilters.set(key, taps);
      }
      return taps;
    });
  }
}
