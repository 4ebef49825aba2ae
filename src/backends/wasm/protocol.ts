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
export const ARGS_PER_WORKER = 32;

export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
  /** This worker's slot. */
  readonly index: number;
  /** Export names by function index. */
  readonly names: readonly string[];
}
