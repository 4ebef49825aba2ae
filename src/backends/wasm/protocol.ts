/**
 * The wasm pool's shared words. Every start of the pool (an epoch) gets fresh buffers, so a
 * worker of an earlier epoch can never see, run or count a later epoch's job.
 *
 * Control (Int32): the job generation (workers wait on it; it only grows within an epoch), a
 * stop flag, the index + 1 of a worker whose call threw, a signal word (bumped and notified
 * whenever a worker finishes a job, becomes ready or goes; the caller waits on it), and the
 * manager's heartbeat. Per worker: a state word (STATE), a done word (the last generation it
 * finished: always the current one or the one before) and ARGS_PER_WORKER float64 argument
 * slots: [function index, argument count (-1 = no work this round), arguments...]. While a
 * trace is on (the timing word), each worker also writes its share's start and end times.
 */
export const CONTROL = {
  generation: 0,
  stop: 1,
  failedWorker: 2,
  signal: 3,
  heartbeat: 4,
  /** Non-zero while a trace asks for each worker's share times (see EpochBuffers.times). */
  timing: 5,
} as const;

export const CONTROL_WORDS = 6;

/** Per-worker state words. */
export const STATE = {
  starting: 0,
  ready: 1,
  /** The worker failed to start, left its loop or its thread exited: it never runs again. */
  gone: 2,
} as const;

/** Per worker: the function index, the argument count and MAX_PARAMS arguments. */
export const ARGS_PER_WORKER = 32;

/** Most arguments one pool call takes. */
export const MAX_PARAMS = ARGS_PER_WORKER - 2;

/** The manager bumps the heartbeat this often (ms). */
export const HEARTBEAT_MS = 100;

/** One epoch's shared buffers. */
export interface EpochBuffers {
  readonly control: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
  /** One state word per worker (STATE). */
  readonly states: SharedArrayBuffer;
  /** One done word per worker: the last generation it finished. */
  readonly done: SharedArrayBuffer;
  /**
   * Two float64 per worker, written only while CONTROL.timing is set: the start and end of its
   * share of the last job, in ms of the monotonic clock (process.hrtime, the same on every
   * thread; the pool turns them into epoch ms).
   */
  readonly times: SharedArrayBuffer;
}

/** An idle worker looks at the stop flag at least this often, even if a wake-up is lost (ms). */
export const IDLE_POLL_MS = 1000;

/**
 * The constants above, passed to the threads in their workerData: the manager and the workers
 * run as evaluated scripts that import nothing (see MANAGER_SOURCE, WORKER_SOURCE), so they
 * start in milliseconds instead of loading tsx and this package's modules first.
 */
export interface PoolConstants {
  readonly words: typeof CONTROL;
  readonly states: typeof STATE;
  readonly argsPerWorker: number;
  readonly heartbeatMs: number;
  readonly idlePollMs: number;
}

export const POOL_CONSTANTS: PoolConstants = { words: CONTROL, states: STATE, argsPerWorker: ARGS_PER_WORKER, heartbeatMs: HEARTBEAT_MS, idlePollMs: IDLE_POLL_MS };

/** One module every worker instantiates over the shared memory, in the pool's order. */
export interface WorkerModule {
  readonly module: WebAssembly.Module;
  /** Its exports the pool calls; function indices continue from the previous module's. */
  readonly names: readonly string[];
  /** Numeric values of its immutable global imports under `env`. */
  readonly imports: Readonly<Record<string, number>>;
  /** An export each instance runs once, right after instantiation, or null. */
  readonly init: { readonly name: string; readonly args: readonly number[] } | null;
}

export interface WorkerInit extends EpochBuffers {
  readonly modules: readonly WorkerModule[];
  readonly memory: WebAssembly.Memory;
  /** This worker's slot. */
  readonly index: number;
  readonly constants: PoolConstants;
}

/** What the manager thread gets: everything its workers get, how many, and their script. */
export interface ManagerInit extends Omit<WorkerInit, 'index'> {
  readonly count: number;
  /** JavaScript source of a worker (CommonJS, evaluated). */
  readonly source: string;
}

/**
 * Messages to the manager: stop every worker (the pool retires this epoch), or terminate one
 * from outside, as a crash would (tests use it to kill a worker mid-call).
 */
export type ManagerMessage = { readonly type: 'stop' } | { readonly type: 'terminate'; readonly index: number };
