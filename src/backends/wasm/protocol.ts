/**
 * The wasm pool's shared control block. Int32 words: a job generation counter (workers wait on
 * it), the count of workers still running the current job (the caller waits on it), a stop
 * flag, and the index + 1 of a worker whose call threw. Each worker has ARGS_PER_WORKER float64
 * argument slots: [function index, argument count (-1 = no work this round), arguments...].
 */
export const CONTROL = {
  generation: 0,
  pending: 1,
  stop: 2,
  failedWorker: 3,
} as const;

export const CONTROL_WORDS = 4;

/** Per-worker state words (a separate Int32Array, one per worker). */
export const STATE = {
  starting: 0,
  ready: 1,
  /** The worker failed to start or left its loop; it will never count down again. */
  gone: 2,
} as const;
export const ARGS_PER_WORKER = 32;

export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
  /** One state word per worker (STATE). */
  readonly states: SharedArrayBuffer;
  /** This worker's slot. */
  readonly index: number;
  /** Export names by function index. */
  readonly names: readonly string[];
}
