/**
 * `hp.trace`: records a runtime's kernel calls between start() and stop() and writes them as
 * Chrome trace event JSON (see chrome.ts), one lane per thread. Memory is bounded: a ring of
 * the latest `capacity` calls; earlier ones are counted as dropped and the trace says so.
 * While recording with `threads: true` (the default) the backends time each thread's share of
 * every parallel job, which costs two clock reads per thread per job; nothing else changes.
 */
import { writeFile } from 'node:fs/promises';
import { fail } from '../errors.js';
import type { CallObserver, KernelCall } from '../monitor/call.js';
import { toChromeTrace, type ChromeTrace } from './chrome.js';

export interface TraceOptions {
  /** Most calls kept (the latest); default 100,000. */
  readonly capacity?: number;
  /** Time each worker's share of parallel calls (one lane per thread); default true. */
  readonly threads?: boolean;
}

/** What the runtime lends its tracer: its call chain and the per-thread timing switch. */
export interface TracerHost {
  observe(observer: CallObserver): () => void;
  timeThreads(on: boolean): void;
}

const DEFAULT_CAPACITY = 100_000;

interface Recording {
  readonly ring: KernelCall[];
  readonly capacity: number;
  readonly originEpochMs: number;
  readonly threads: boolean;
  readonly stop: () => void;
  /** Calls seen in all; the ring holds the last min(seen, capacity). */
  seen: number;
}

export class Tracer {
  private readonly host: TracerHost;
  private recording: Recording | null = null;

  constructor(host: TracerHost) {
    this.host = host;
  }

  /** Whether a trace is being recorded. */
  get active(): boolean {
    return this.recording !== null;
  }

  /**
   * Starts recording kernel calls.
   * @example hp.trace.start({ capacity: 10_000 })
   * @throws ARGUMENT when a trace is already recording, or for bad options
   */
  start(options: TraceOptions = {}): void {
    if (this.recording !== null) {
      fail({ code: 'ARGUMENT', kernel: 'trace.start', problem: 'a trace is already recording', expected: 'trace.stop() before another start()', received: 'a second start()' });
    }
    if (options === null || typeof options !== 'object') {
      fail({ code: 'ARGUMENT', kernel: 'trace.start', problem: 'invalid options', expected: '{ capacity?: number, threads?: boolean }', received: String(options) });
    }
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      fail({ code: 'ARGUMENT', kernel: 'trace.start', problem: 'invalid capacity', expected: 'a whole number of calls >= 1', received: String(options.capacity) });
    }
    if (options.threads !== undefined && typeof options.threads !== 'boolean') {
      fail({ code: 'ARGUMENT', kernel: 'trace.start', problem: 'invalid threads', expected: 'true or false', received: String(options.threads) });
    }
    const threads = options.threads ?? true;
    const ring: KernelCall[] = [];
    const recording: Recording = {
      ring,
      capacity,
      threads,
      originEpochMs: performance.timeOrigin + performance.now(),
      seen: 0,
      stop: this.host.observe((call) => {
        // Overwrites the oldest once full: memory stays at `capacity` calls.
        ring[recording.seen % capacity] = call;
        recording.seen++;
      }),
    };
    if (threads) {
      this.host.timeThreads(true);
    }
    this.recording = recording;
  }

  /**
   * Stops recording and returns the trace; with `file`, also writes it there as JSON.
   * @example const trace = await hp.trace.stop('trace.json'); trace.otherData.dropped
   * @throws ARGUMENT when no trace is recording, IO when the file cannot be written (the
   *   recording is stopped either way)
   */
  async stop(file?: string): Promise<ChromeTrace> {
    const r = this.recording;
    if (r === null) {
      return fail({ code: 'ARGUMENT', kernel: 'trace.stop', problem: 'no trace is recording', expected: 'trace.start() first', received: 'stop() without start()' });
    }
    this.recording = null;
    r.stop();
    if (r.threads) {
      this.host.timeThreads(false);
    }
    const kept = Math.min(r.seen, r.capacity);
    const first = r.seen - kept;
    const calls = Array.from({ length: kept }, (_, i) => r.ring[(first + i) % r.capacity]!);
    const trace = toChromeTrace(calls, { originEpochMs: r.originEpochMs, pid: process.pid, dropped: first, capacity: r.capacity });
    if (file !== undefined) {
      try {
        await writeFile(file, JSON.stringify(trace));
      } catch (error) {
        fail({ code: 'IO', kernel: 'trace.stop', problem: 'could not write the trace', expected: 'a writable file path', received: `${file}: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    return trace;
  }
}
