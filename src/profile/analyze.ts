/**
 * From the threads' CPU profiles to the numbers of the summary: per function self and total
 * CPU time, time per category (user code, hotpath, GC, ...), and how much of the wall time at
 * least one thread was computing (the union of the threads' CPU samples).
 */
import { samplesOf, type ThreadProfile } from './cpuprofile.js';
import { classify, CPU_CATEGORIES, isPoolThread, isScript, type Category } from './classify.js';

/** One function's CPU time over all threads (µs). */
export interface FunctionTime {
  readonly name: string;
  /** Script url as in the profile (file: URL, path, or `[worker eval]`), 1-based line and column. */
  readonly url: string;
  readonly line: number;
  readonly column: number;
  readonly hotpath: boolean;
  /** Samples it owned (its own code and the builtins, node internals and wasm it called). */
  selfUs: number;
  /** Samples with it anywhere on the stack, recursion counted once. */
  totalUs: number;
}

/** One thread's times (µs). */
export interface ThreadTime {
  readonly pid: number;
  readonly threadId: number;
  /** 'main', 'hotpath-pool' (a wasm pool worker) or 'worker'. */
  readonly kind: 'main' | 'hotpath-pool' | 'worker';
  readonly samples: number;
  readonly spanUs: number;
  readonly cpuUs: number;
  readonly idleUs: number;
  /** Blocked in hotpath's Atomics.wait (pool workers between jobs, the caller waiting for them). */
  readonly waitUs: number;
}

/** The profiles' numbers (µs). */
export interface Analysis {
  /** The main thread's profiled span from the program's start (all threads' when there is no main profile). */
  readonly wallUs: number;
  /** Time within wallUs when at least one thread was on CPU. */
  readonly busyUs: number;
  /** CPU time summed over threads, and per category. */
  readonly cpuUs: number;
  readonly byCategory: Readonly<Record<Category, number>>;
  readonly threads: readonly ThreadTime[];
  /** Functions by self time, largest first. */
  readonly functions: readonly FunctionTime[];
  /** Median sampling interval. */
  readonly intervalUs: number;
  readonly samples: number;
}

/**
 * Analyses the profiles of one process's threads.
 * @example analyze(readProfiles(dir), '/app/node_modules/hotpath').busyUs
 * @throws FORMAT (from samplesOf) for a malformed profile
 */
export function analyze(threads: readonly ThreadProfile[], hotpathRoot: string, programStartUs?: number): Analysis {
  const byCategory: Record<Category, number> = { idle: 0, wait: 0, gc: 0, program: 0, node: 0, hotpath: 0, user: 0 };
  const functions = new Map<string, FunctionTime>();
  const busy: [number, number][] = [];
  const times: ThreadTime[] = [];
  const deltas: number[] = [];
  let samples = 0;
  let wall: [number, number] | undefined;
  let span: [number, number] = [Infinity, -Infinity];
  for (const t of threads) {
    const s = samplesOf(t.profile);
    const classes = classify(s.nodes, hotpathRoot);
    const nodeUs = new Float64Array(s.nodes.length);
    const own: Record<Category, number> = { idle: 0, wait: 0, gc: 0, program: 0, node: 0, hotpath: 0, user: 0 };
    for (let i = 0; i < s.node.length; i += 1) {
      const n = s.node[i]!;
      const w = s.weightUs[i]!;
      const category = classes[n]!.category;
      own[category] += w;
      if (CPU_CATEGORIES.has(category)) {
        nodeUs[n] = nodeUs[n]! + w;
        busy.push([s.startUs[i]!, s.startUs[i]! + w]);
      }
      if (i > 0 && i <= 1000) {
        deltas.push(s.startUs[i]! - s.startUs[i - 1]!);
      }
    }
    samples += s.node.length;
    for (let n = 0; n < s.nodes.length; n += 1) {
      const w = nodeUs[n]!;
      if (w === 0) {
        continue;
      }
      const owner = classes[n]!.owner;
      if (owner !== -1) {
        functionAt(functions, s.nodes[owner]!.frame, classes[owner]!.category === 'hotpath' || classes[owner]!.category === 'wait').selfUs += w;
      }
      // Total: every distinct script frame on the stack, recursion counted once.
      const seen = new Set<FunctionTime>();
      for (let j = n; j !== -1; j = s.nodes[j]!.parent) {
        const f = s.nodes[j]!.frame;
        if (isScript(f.url)) {
          seen.add(functionAt(functions, f, classes[j]!.category === 'hotpath' || classes[j]!.category === 'wait'));
        }
      }
      for (const f of seen) {
        f.totalUs += w;
      }
    }
    for (const k of Object.keys(own) as Category[]) {
      byCategory[k] += own[k];
    }
    const p = t.profile;
    span = [Math.min(span[0], p.startTime), Math.max(span[1], p.endTime)];
    if (t.threadId === 0) {
      wall = [p.startTime, p.endTime];
    }
    const cpuUs = [...CPU_CATEGORIES].reduce((a, c) => a + own[c], 0);
    const kind = t.threadId === 0 ? 'main' : isPoolThread(s.nodes) ? 'hotpath-pool' : 'worker';
    times.push({ pid: t.pid, threadId: t.threadId, kind, samples: s.node.length, spanUs: p.endTime - p.startTime, cpuUs, idleUs: own.idle, waitUs: own.wait });
  }
  const [start, to] = wall ?? span;
  // The program's time starts when it does (after node's bootstrap and loaders such as tsx).
  const from = programStartUs !== undefined && programStartUs > start && programStartUs < to ? programStartUs : start;
  const cpuUs = [...CPU_CATEGORIES].reduce((a, c) => a + byCategory[c], 0);
  const sorted = [...functions.values()].sort((a, b) => b.selfUs - a.selfUs || b.totalUs - a.totalUs);
  return { wallUs: Math.max(0, to - from), busyUs: unionWithin(busy, from, to), cpuUs, byCategory, threads: times, functions: sorted, intervalUs: median(deltas), samples };
}

function functionAt(map: Map<string, FunctionTime>, frame: { functionName: string; url: string; lineNumber: number; columnNumber: number }, hotpath: boolean): FunctionTime {
  const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
  let f = map.get(key);
  if (f === undefined) {
    f = { name: frame.functionName === '' ? '(anonymous)' : frame.functionName, url: frame.url, line: frame.lineNumber + 1, column: frame.columnNumber + 1, hotpath, selfUs: 0, totalUs: 0 };
    map.set(key, f);
  }
  return f;
}

/** Length of the union of intervals, clipped to [from, to]. */
export function unionWithin(intervals: [number, number][], from: number, to: number): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = from;
  for (const [a0, b0] of intervals) {
    const a = Math.max(a0, end);
    const b = Math.min(b0, to);
    if (b > a) {
      total += b - a;
      end = b;
    }
  }
  return total;
}

function median(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}
