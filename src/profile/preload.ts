/**
 * Loaded by `hotpath profile` into the profiled program (`node --import <this>`), on the main
 * thread and on workers started from files (they inherit the flag through execArgv). When
 * HOTPATH_PROFILE_DIR is set it adds a KernelLog observer to every hotpath runtime created in
 * the thread (through the announcement channel, src/monitor/announce.ts) and, when the thread
 * exits, writes `hotpath.<pid>.<threadId>.json` there: kernel calls, event-loop utilisation,
 * wall and CPU time. Without the variable it does nothing. CPU samples come from node's own
 * --cpu-prof, which covers every thread (eval'd workers included).
 */
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';
import { RUNTIME_CHANNEL, type RuntimeAnnouncement } from '../monitor/announce.js';
import { KernelLog, type KernelLogData } from './kernelLog.js';
import { collectSourceMaps } from './sourceMaps.js';

/** One thread's file, as the profile command reads it back. */
export interface ThreadRecord {
  readonly pid: number;
  readonly threadId: number;
  readonly isMainThread: boolean;
  /** When this preload ran, on the clock of the CPU profiles (monotonic µs): the program starts after it. */
  readonly startedUs: number;
  /** The same instant as epoch ms (kernel calls' startMs are epoch ms). */
  readonly startedEpochMs: number;
  /** node's version (the program may run on another node than hotpath's CLI). */
  readonly node: string;
  /** performance.timeOrigin of the thread (epoch ms) and its lifetime up to exit (ms). */
  readonly timeOriginMs: number;
  readonly wallMs: number;
  /** process.cpuUsage() at exit: the whole process's CPU time, all threads, in µs. */
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Event-loop utilisation of this thread from the program's start to exit (idle and active in ms). */
  readonly elu: { readonly idleMs: number; readonly activeMs: number; readonly utilization: number };
  /** Runtimes created in this thread. */
  readonly runtimes: number;
  readonly kernels: KernelLogData;
  /** Source maps of the loaded TypeScript files, by url (main thread of a .ts program only). */
  readonly sourceMaps?: Record<string, unknown>;
}

function install(dir: string): void {
  // process.hrtime and V8's profiler read the same monotonic clock (checked on Node 20, 22, 24).
  const startedUs = Number(process.hrtime.bigint() / 1000n);
  const startedEpochMs = performance.timeOrigin + performance.now();
  const eluAtStart = performance.eventLoopUtilization();
  const log = new KernelLog();
  let runtimes = 0;
  diagnostics.subscribe(RUNTIME_CHANNEL, (message) => {
    runtimes += 1;
    (message as RuntimeAnnouncement).observe((call) => log.add(call));
  });
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    // From the program's start: before it, node's bootstrap counts as active.
    const elu = performance.eventLoopUtilization(eluAtStart);
    const record: ThreadRecord = {
      pid: process.pid,
      threadId,
      isMainThread,
      startedUs,
      startedEpochMs,
      node: process.version,
      timeOriginMs: performance.timeOrigin,
      wallMs: performance.now(),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      elu: { idleMs: elu.idle, activeMs: elu.active, utilization: elu.utilization },
      runtimes,
      kernels: log.data(),
      ...(isMainThread ? { sourceMaps: collectSourceMaps(process.argv[1]) } : {}),
    };
    try {
      writeFileSync(path.join(dir, `hotpath.${process.pid}.${threadId}.json`), JSON.stringify(record));
    } catch (error) {
      // The program's own exit must not fail for the profiler; the command reports the gap.
      process.stderr.write(`hotpath profile: could not write kernel data: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
}

const dir = process.env['HOTPATH_PROFILE_DIR'];
if (dir !== undefined && dir !== '') {
  install(dir);
}
