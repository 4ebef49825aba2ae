/**
 * The runtime core: owns backends, dispatch policy, tensors, scopes and stats. Kernel methods
 * (`matmul`, `softmax`, ...) live on Runtime in runtime.ts and all go through `run()`.
 */
import type { Backend, BackendFactory } from '../backends/backend.js';
import { fail, HotpathError } from '../errors.js';
import { KERNELS, isKernelName, type AttrsOf, type KernelName } from '../kernels/index.js';
import type { AnyKernelDef, Cost, Inputs, Plan } from '../kernels/kernel.js';
import { parseDType, type DType } from '../tensor/dtype.js';
import { colStrides, rowStrides, sizeOf } from '../tensor/layout.js';
import { Storage } from '../tensor/storage.js';
import { checkShape, copyStrided, Tensor } from '../tensor/tensor.js';
import { choose, rank, type Choice, type DispatchPolicy, type PassedOver } from './dispatch.js';
import { convertLayouts, rowMajorShadow, type Conversion, type RowMajorMaker } from './layoutConversion.js';
import type { Heap } from './heap.js';
import { TensorRegistry, type MemoryInfo } from './memory.js';
import type { TrackedTensor } from '../tensor/storage.js';
import { StatsRecorder, type RuntimeStats } from './stats.js';
import { batched, CallBatch, type BatchedObserver } from '../monitor/batch.js';
import { CallChain } from '../monitor/chain.js';
import type { CallObserver, KernelCall } from '../monitor/call.js';
import { convert, toElements, writeElements, type TensorData, type TensorOptions } from './input.js';
import { verifyCall } from './verify.js';
import { describeValue, optionsOf } from './args.js';
import { isUserKernel, labelOf, UserKernels, type UserCompiler, type UserParams } from './userKernels.js';
import type { UserKernel } from '../user/kernel.js';
import { Tracer } from '../trace/tracer.js';

export interface BackendStatus {
  readonly name: string;
  readonly available: boolean;
  readonly reason?: string;
  readonly threads?: number;
  readonly simd?: string;
  /** For available backends: why this configuration (e.g. which SIMD build). */
  readonly note?: string;
}

export interface Explanation {
  /** The backend that would run the call; undefined when none can. */
  readonly backend: string | undefined;
  /** Backends ahead of it in priority order, each with the reason it declined. */
  readonly passed: readonly PassedOver[];
  readonly cost: Cost;
  /** Set when the inputs would be copied to row-major first: why. */
  readonly copies?: string;
}

export interface RunOptions {
  /** Run on this backend only (as `require` does, for one call). */
  readonly backend?: string;
}

export interface CoreParts {
  readonly id: string;
  readonly backends: readonly Backend[];
  readonly unavailable: readonly PassedOver[];
  readonly ref: Backend;
  readonly require: string | undefined;
  /** Fraction of calls checked against ref, 0..1. */
  readonly verifyRate: number;
  readonly factories: readonly BackendFactory[];
  /** The CPU heap every CPU tensor of this runtime lives in. */
  readonly heap: Heap;
  /** Record a stack per release, for LIFETIME messages that say where (debug option). */
  readonly releaseStacks?: boolean;
  /** Compiles user kernels for the wasm backend; absent when the runtime has none. */
  readonly compiler?: UserCompiler;
  /** false: no stats (and no call events until an observer is added). */
  readonly monitor?: boolean;
}

/** Shared empty list of the call events without fallbacks or copies. */
const NONE: readonly string[] = Object.freeze([]);

export class RuntimeCore {
  protected readonly parts: CoreParts;
  protected readonly registry: TensorRegistry;
  protected readonly recorder = new StatsRecorder();
  /** Observers of every kernel call: stats() first, then tracing, telemetry and user hooks. */
  /** Observers that see each call before it returns: user hooks, traces, the profiler. */
  protected readonly calls: CallChain;
  /** The runtime's own monitoring (stats, OpenTelemetry), fed in batches (monitor/batch.ts). */
  protected readonly batch: CallBatch;
  /** The user kernels loaded into this runtime (runtime.load). */
  protected readonly userKernels: UserKernels;
  /**
   * Chrome-trace recording of this runtime's kernel calls, one lane per thread.
   * @example hp.trace.start(); ...; await hp.trace.stop('trace.json')   // open in Perfetto
   */
  readonly trace: Tracer;
  private verifyCredit = 0;
  /** setMonitoring(): whether stats and OpenTelemetry record calls now. */
  private monitoring = true;
  private closed = false;
  /** How many observers want each thread's share of a call (KernelCall.threadSpans). */
  private threadTimers = 0;

  constructor(parts: CoreParts) {
    this.parts = parts;
    this.calls = new CallChain([]);
    this.batch = new CallBatch(parts.monitor === false ? [] : [batched(this.recorder.observe)]);
    this.trace = new Tracer({ observe: (o) => this.calls.add(o), timeThreads: (on) => this.timeThreads(on) });
    this.registry = new TensorRegistry(parts.id, parts.heap, parts.releaseStacks ?? false);
    this.userKernels = new UserKernels(parts.compiler, (def) => {
      for (const b of parts.backends) {
        b.prepare?.(def);
      }
    });
    // tensor.astype() runs the cast kernel of the runtime that owns the tensor.
    this.registry.astype = (t, dtype) => this.run('cast', [t as Tensor], { to: dtype })[0]!;
  }

  /** Every known backend, with availability and the reason when it is not available. */
  backends(): BackendStatus[] {
    const ready = this.parts.backends.map((b) => ({ name: b.name, available: true, ...b.info }));
    const missing = this.parts.unavailable.map((u) => ({ name: u.backend, available: false, reason: u.reason }));
    return [...ready, ...missing];
  }

  /**
   * A tensor holding a copy of `data` (the copy is counted in stats).
   * @example hp.tensor(new Float32Array([1, 2, 3, 4]), [2, 2])
   * @example hp.tensor([[1, 2], [3, 4]], undefined, { dtype: 'float64' })
   * @example hp.tensor([[1, 2], [3, 4]], undefined, { layout: 'col' })   // .get(0, 1) is 2; memory 1, 3, 2, 4
   * @example hp.tensor(fortranBuffer, [n, d], { layout: 'col' })          // flat data: taken in memory order
   * @throws SHAPE when data and shape disagree, DTYPE for an unknown dtype or a value that does not
   *   fit it, ARGUMENT for bad data or options, MEMORY (before any conversion) when the heap cannot hold it
   */
  tensor(data: TensorData, shape?: readonly number[], options?: TensorOptions): Tensor {
    this.checkOpen('runtime.tensor');
    const opts = optionsOf(options, 'runtime.tensor');
    const { flat, shape: resolved, dtype, nested } = toElements(data, shape, opts);
    // Allocated before any element is converted: MEMORY comes at once, not after a copy.
    const layout = opts.layout ?? 'row';
    const t = this.empty(resolved, dtype, { zero: false, layout, ...(opts.name === undefined ? {} : { name: opts.name }) });
    try {
      const target = t.data('runtime.tensor');
      if (nested && layout === 'col') {
        // Nested values are by index: write them through the col strides.
        const values = convert(flat, dtype);
        copyStrided(values, { shape: resolved, strides: rowStrides(resolved), offset: 0 }, target, { shape: resolved, strides: t.strides, offset: 0 });
      } else {
        writeElements(flat, dtype, target);
      }
    } catch (error) {
      t.release();
      throw error;
    }
    this.recorder.recordCopy('tensor() copies its data into runtime storage');
    return t;
  }

  /**
   * A new tensor, zero-filled unless `zero: false` (then its contents are whatever the heap
   * held: only for outputs about to be overwritten); `layout: 'col'` for column-major strides.
   * @example hp.empty([2, 3], 'float64', { layout: 'col' })
   * @throws SHAPE, DTYPE, ARGUMENT, MEMORY
   */
  empty(shape: readonly number[], dtype: DType = 'float32', emptyOptions?: { layout?: 'row' | 'col'; name?: string; zero?: boolean }): Tensor {
    this.checkOpen('runtime.empty');
    const options = optionsOf(emptyOptions, 'runtime.empty');
    checkShape(shape, 'runtime.empty');
    parseDType(dtype, 'runtime.empty');
    if (options.layout !== undefined && options.layout !== 'row' && options.layout !== 'col') {
      fail({ code: 'ARGUMENT', kernel: 'runtime.empty', problem: 'unknown layout', expected: "'row' or 'col'", received: String(options.layout) });
    }
    const storage = new Storage(this.registry, dtype, sizeOf(shape), options.zero ?? true);
    const strides = options.layout === 'col' ? colStrides(shape) : rowStrides(shape);
    return new Tensor(storage, { shape, strides, offset: 0 }, { isBase: true, ...(options.name === undefined ? {} : { name: options.name }) });
  }

  zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return this.empty(shape, dtype);
  }

  /**
   * Runs `fn` and releases every tensor it created except those in its return value (and the
   * storages those views need); kept tensors move to the enclosing scope. Scopes nest, and
   * async scopes may overlap: each one tracks the tensors of its own async context
   * (AsyncLocalStorage), so two concurrent `scope(async ...)` calls never release each other's.
   * @example const y = hp.scope(() => hp.relu(hp.add(a, b)));   // the sum is released
   * @example const y = await hp.scope(async () => { const x = await load(); return hp.relu(x); });
   * @throws ARGUMENT when fn is not a function; whatever fn throws (after releasing its tensors)
   */
  scope<T>(fn: () => T): T {
    this.checkOpen('runtime.scope');
    if (typeof fn !== 'function') {
      fail({ code: 'ARGUMENT', kernel: 'runtime.scope', problem: 'invalid scope body', expected: 'a function (sync or async)', received: describeValue(fn) });
    }
    const release = (t: TrackedTensor): void => (t as Tensor).release();
    const frame = this.registry.openFrame();
    let result: T;
    try {
      result = this.registry.within(frame, fn);
    } catch (error) {
      this.registry.closeFrame(frame, new Set(), release);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          this.registry.closeFrame(frame, collectTensors(value), release);
          return value;
        },
        (error: unknown) => {
          this.registry.closeFrame(frame, new Set(), release);
          throw error;
        },
      ) as T;
    }
    this.registry.closeFrame(frame, collectTensors(result), release);
    return result;
  }

  /**
   * Bytes the CPU heap could still hand out in all: its limit less what is in use (one block
   * may be smaller, by fragmentation). Readers check a file's declared total against it before
   * reading anything. @example hp.heapRoomBytes() // 4293918720 on a fresh default runtime
   */
  heapRoomBytes(): number {
    const heap = this.parts.heap;
    return heap.maximumBytes - heap.stats().usedBytes;
  }

  /** Live tensors, storages and bytes. */
  memory(): MemoryInfo {
    return this.registry.memory();
  }

  /**
   * Turns the runtime's own monitoring (stats(), the openTelemetry option) off or on; calls made
   * while it is off are not counted anywhere. hp.observe() hooks and traces are not affected.
   * @example hp.setMonitoring(false); hotLoop(); hp.setMonitoring(true);
   */
  setMonitoring(on: boolean): void {
    this.monitoring = on === true;
  }

  /**
   * Internal: adds an observer to the batched monitoring (like stats: calls arrive within one
   * event-loop turn, or at stats()/close()); createRuntime's openTelemetry option uses it.
   */
  observeBatched(observer: BatchedObserver): () => void {
    return this.batch.add(observer);
  }

  /**
   * Calls `observer` after every kernel call of this runtime with what happened (kernel, backend,
   * shapes, duration, threads, cost, fallbacks, copies, verify outcome); returns the function
   * that stops it, before the call returns (stats and the openTelemetry option get theirs in
   * batches instead: cheaper right after a large call). An observer that throws is removed, with a process warning.
   * @example const stop = hp.observe((c) => console.log(c.kernel, c.durationMs)); ... stop();
   * @throws ARGUMENT when observer is not a function
   */
  observe(observer: CallObserver): () => void {
    if (typeof observer !== 'function') {
      fail({ code: 'ARGUMENT', kernel: 'observe', problem: 'the observer is not a function', expected: '(call: KernelCall) => void', received: describeValue(observer) });
    }
    return this.calls.add(observer);
  }

  /** Per-kernel calls, time percentiles, backends used, fallbacks; implicit copies. */
  stats(): RuntimeStats {
    this.batch.flush();
    return this.recorder.snapshot();
  }

  /**
   * Runs one kernel, a built-in by id or a loaded user kernel (its object or its name), and
   * returns all its outputs (new tensors the caller owns). A user kernel's attributes are its
   * params. @example hp.run(huber, [pred, target], { delta: 0.5 })[0].item()
   * @throws the kernel's validation errors, ARGUMENT for a user kernel not loaded here, BACKEND
   *   when no allowed backend can run it, MISMATCH when verify mode finds a disagreement with
   *   the reference.
   */
  run<K extends KernelName>(kernel: K, inputs: Inputs, attrs?: AttrsOf<K>, runOptions?: RunOptions): Tensor[];
  run(kernel: UserKernel | string, inputs: Inputs, params?: UserParams, runOptions?: RunOptions): Tensor[];
  run(kernel: KernelName | UserKernel | string, inputs: Inputs, attrs?: object, runOptions?: RunOptions): Tensor[] {
    this.checkOpen(labelOf(kernel));
    const options = optionsOf(runOptions, labelOf(kernel), 'run options');
    const { def, merged, plan } = this.prepare(kernel, inputs, attrs);
    const { choice: ranked, conversion } = this.route(def, merged, plan, inputs, options, (t) => this.rowMajorCopy(t, options));
    const outputs: Tensor[] = [];
    try {
      // No backend at all: choose() throws BACKEND with every reason.
      const choice = ranked ?? choose(def, plan, inputs, this.policyFor(options));
      const callInputs = conversion?.inputs ?? inputs;
      const callPlan = conversion?.plan ?? plan;
      // Every backend writes every output element, so outputs skip the zero fill. Allocated one
      // by one inside the try: when one cannot be (MEMORY), those before it are released too.
      for (const o of plan.outputs) {
        outputs.push(this.empty(o.shape, o.dtype, { zero: false }));
      }
      const start = performance.now();
      try {
        choice.backend.run(def, callPlan, callInputs, outputs);
      } catch (error) {
        throw wrapBackendError(def.name, choice.backend.name, error);
      }
      const ms = performance.now() - start;
      let verify: 'passed' | 'failed' | 'skipped' = 'skipped';
      let mismatch: unknown;
      if (choice.backend !== this.parts.ref && this.sampleVerify()) {
        try {
          verifyCall(this, def, merged, callPlan, callInputs, outputs, this.parts.ref);
          verify = 'passed';
        } catch (error) {
          verify = 'failed';
          mismatch = error;
        }
      }
      if (this.calls.size > 0) {
        const call = this.callOf(def, plan, inputs, choice, conversion, start, ms, verify, choice.backend.threadsOfLastRun?.() ?? 1);
        this.calls.emit(call);
        if (this.monitoring && this.batch.size > 0) {
          this.batch.push(call);
        }
      } else if (this.monitoring && this.batch.size > 0) {
        // The event is built at delivery, in a batch, from what cannot change by then: the
        // threads now, and a copy of the inputs list (a caller may reuse its array for the next call).
        const threads = choice.backend.threadsOfLastRun?.() ?? 1;
        const tensors: Inputs = Array.isArray(inputs) ? [...(inputs as readonly unknown[])] as unknown as Inputs : inputs;
        this.batch.record(() => this.callOf(def, plan, tensors, choice, conversion, start, ms, verify, threads));
      }
      if (mismatch !== undefined) {
        throw mismatch;
      }
    } catch (error) {
      outputs.forEach((o) => o.release());
      throw error;
    } finally {
      conversion?.temporaries.forEach((t) => t.release());
    }
    return outputs;
  }

  /** The call's event (tensor shapes and dtypes stay readable after a release; plans never change). */
  private callOf(def: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs, choice: Choice, conversion: Conversion | undefined, start: number, ms: number, verify: KernelCall['verify'], threads: number): KernelCall {
    const shapes: (readonly number[])[] = [];
    let dtype = 'none';
    for (const t of inputs as readonly unknown[]) {
      if (t instanceof Tensor) {
        if (shapes.length === 0) {
          dtype = t.dtype;
        }
        shapes.push(t.shape);
      }
    }
    const cost = def.cost(plan);
    return {
      kernel: def.name,
      backend: choice.backend.name,
      dtype,
      shapes,
      startMs: performance.timeOrigin + start,
      durationMs: ms,
      threads,
      flops: cost.flops,
      bytes: cost.bytes,
      fallbacks: choice.passed.length === 0 ? NONE : choice.passed.map((p) => `${p.backend}: ${p.reason}`),
      copies: conversion === undefined ? NONE : [`${def.name}: inputs copied to row-major for ${conversion.backend.name} (${conversion.reason})`],
      verify,
      // Only while a trace asked: no call to the backend and nothing allocated otherwise.
      threadSpans: this.threadTimers > 0 ? choice.backend.threadSpansOfLastRun?.() : undefined,
    };
  }

  /** Counts a request for (on) or release of (off) per-thread share times; backends time while any is held. */
  private timeThreads(on: boolean): void {
    this.threadTimers = Math.max(0, this.threadTimers + (on ? 1 : -1));
    for (const b of this.parts.backends) {
      b.timeThreads?.(this.threadTimers > 0);
    }
  }

  /**
   * Which backend would run this call and why every backend ahead of it was passed over,
   * without running it and without copying anything (a layout conversion is only described).
   * `backend` is undefined when none can (run() would throw BACKEND).
   * @example hp.explain('softmax', [x]).backend   // 'wasm'
   * @throws LIFETIME for a released input, the kernel's validation errors, ARGUMENT for bad options
   */
  explain<K extends KernelName>(kernel: K, inputs: Inputs, attrs?: AttrsOf<K>, runOptions?: RunOptions): Explanation;
  explain(kernel: UserKernel | string, inputs: Inputs, params?: UserParams, runOptions?: RunOptions): Explanation;
  explain(kernel: KernelName | UserKernel | string, inputs: Inputs, attrs?: object, runOptions?: RunOptions): Explanation {
    this.checkOpen(labelOf(kernel));
    const options = optionsOf(runOptions, labelOf(kernel), 'run options');
    const { def, merged, plan } = this.prepare(kernel, inputs, attrs);
    const { choice, conversion } = this.route(def, merged, plan, inputs, options, rowMajorShadow);
    conversion?.temporaries.forEach((t) => t.release());
    const passed = choice?.passed ?? rank(def, plan, inputs, this.policyFor(options)).passed;
    return { backend: choice?.backend.name, passed, cost: def.cost(plan), ...(conversion === undefined ? {} : { copies: conversion.reason }) };
  }

  /**
   * What run() and explain() check before routing: the runtime's own inputs, alive (LIFETIME
   * before any dtype, arity or attribute complaint about a released tensor), then the kernel's
   * validation.
   */
  private prepare(kernel: UserKernel | string, inputs: Inputs, attrs: object | undefined): { def: AnyKernelDef; merged: object; plan: Plan<unknown> } {
    if (Array.isArray(inputs)) {
      for (const t of inputs) {
        if (t instanceof Tensor) {
          t.check(labelOf(kernel));
        }
      }
    }
    const def = this.definition(kernel);
    this.checkOwnership(def.name, inputs);
    const merged = { ...def.defaults, ...optionsOf(attrs, def.name, 'attributes') };
    return { def, merged, plan: def.infer(inputs, merged) };
  }

  /**
   * The backend for a call: the first that supports it, unless one ahead of it declined only
   * for layout and takes row-major copies (then the conversion, whose temporaries the caller
   * releases; with `describe` they are row-major views, not copies). `choice` is undefined when
   * nothing can run the call.
   */
  private route(def: AnyKernelDef, merged: object, plan: Plan<unknown>, inputs: Inputs, options: RunOptions, rowMajor: RowMajorMaker): { choice: Choice | undefined; conversion: Conversion | undefined } {
    const policy = this.policyFor(options);
    const ranked = rank(def, plan, inputs, policy);
    const conversion = convertLayouts(def, merged, inputs, policy, ranked.passed, rowMajor);
    if (conversion !== undefined) {
      return { choice: conversion, conversion };
    }
    return { choice: ranked.backend === undefined ? undefined : { backend: ranked.backend, passed: ranked.passed }, conversion: undefined };
  }

  /**
   * A row-major copy of `t` for a layout conversion, made by the transpose kernel with the
   * identity permutation on the first backend of the call's policy that takes it (the wasm
   * backend's strided copy on all threads, when present), so the runtime names no backend;
   * `clone()` (a scalar loop) when none does or the dtype is not transpose's.
   */
  private rowMajorCopy(t: Tensor, options: RunOptions): Tensor {
    const def = KERNELS.transpose as unknown as AnyKernelDef;
    if (!def.inputs[0]!.dtypes.includes(t.dtype)) {
      return t.clone();
    }
    const plan = def.infer([t], { perm: t.shape.map((_, i) => i) });
    const { backend } = rank(def, plan, [t], this.policyFor(options));
    if (backend === undefined) {
      return t.clone();
    }
    const out = this.empty(plan.outputs[0]!.shape, t.dtype, { zero: false });
    try {
      backend.run(def, plan, [t], [out]);
    } catch (error) {
      out.release();
      throw wrapBackendError(def.name, backend.name, error);
    }
    return out;
  }

  /** Closes every backend (worker pools, devices). The runtime refuses calls afterwards. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.batch.flush();
    await this.userKernels.close();
    for (const b of this.parts.backends) {
      await b.close?.();
    }
  }

  /**
   * Tensors must come from this runtime: backends address them in this runtime's heap, so a
   * tensor from another runtime would read the wrong bytes.
   */
  private checkOwnership(kernel: string, inputs: Inputs): void {
    if (!Array.isArray(inputs)) {
      return;
    }
    inputs.forEach((t, i) => {
      if (t instanceof Tensor && t.storage.owner !== this.registry) {
        fail({ code: 'ARGUMENT', kernel, problem: `input ${i} belongs to another runtime`, expected: 'tensors created by this runtime', received: `${t.describe()} of runtime ${t.storage.owner.ownerId}`, hint: 'copy it over with runtime.tensor(other.toArray(), other.shape)' });
      }
    });
  }

  /** A built-in by id, else a user kernel loaded here (its object or its name). */
  private definition(kernel: UserKernel | string): AnyKernelDef {
    if (typeof kernel === 'string' && isKernelName(kernel)) {
      return KERNELS[kernel] as unknown as AnyKernelDef;
    }
    const user = isUserKernel(kernel) || typeof kernel === 'string' ? this.userKernels.definition(kernel) : undefined;
    if (user === undefined) {
      const loaded = this.userKernels.names();
      return fail({ code: 'ARGUMENT', kernel: 'runtime.run', problem: 'unknown kernel', expected: `one of ${Object.keys(KERNELS).join(', ')}${loaded.length === 0 ? '' : `, or a loaded user kernel (${loaded.join(', ')})`}`, received: typeof kernel === 'string' ? kernel : describeValue(kernel) });
    }
    return user;
  }

  private policyFor(options: RunOptions): DispatchPolicy {
    const require = options.backend ?? this.parts.require;
    const backends = options.backend === 'ref' ? [this.parts.ref] : this.parts.backends;
    return { backends, unavailable: this.parts.unavailable, ...(require === undefined ? {} : { require }) };
  }

  /** Deterministic sampling: a rate of 0.25 checks every fourth call. */
  private sampleVerify(): boolean {
    if (this.parts.verifyRate <= 0) {
      return false;
    }
    this.verifyCredit += this.parts.verifyRate;
    if (this.verifyCredit >= 1) {
      this.verifyCredit -= 1;
      return true;
    }
    return false;
  }

  /** Throws BACKEND naming `where` once close() has been called. */
  protected checkOpen(where: string): void {
    if (this.closed) {
      fail({ code: 'BACKEND', kernel: where, problem: 'the runtime is closed', expected: 'a call before close()', received: 'a call after close() ended its backends and worker threads', hint: 'create a new runtime with createRuntime(); tensors made before close() can still be read' });
    }
  }
}

function wrapBackendError(kernel: string, backend: string, error: unknown): Error {
  if (error instanceof HotpathError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HotpathError({ code: 'BACKEND', kernel, problem: `backend '${backend}' failed`, expected: 'a completed call', received: message });
}

/** Tensors reachable from a scope's return value (arrays and plain objects, a few levels deep). */
function collectTensors(value: unknown, found = new Set<Tensor>(), depth = 0): Set<Tensor> {
  if (value instanceof Tensor) {
    found.add(value);
  } else if (depth < 4 && value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    // Typed arrays hold numbers, never tensors: walking their elements would cost O(length).
    for (const v of Array.isArray(value) ? value : Object.values(value)) {
      collectTensors(v, found, depth + 1);
    }
  }
  return found;
}
