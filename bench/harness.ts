/**
 * Shared benchmark machinery: the contender and row types, one timed call, the median, the
 * machine description (and who else used its CPUs), the copy-bandwidth yardstick and
 * deterministic inputs. runner.ts times the contenders of a case in interleaved rounds (warm-up,
 * then N timed calls each, the MEDIAN reported). Nothing here decides pass or fail: benchmarks
 * are not tests.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** One contender's preparation for one case: everything made outside the timed region. */
export interface Prepared<T> {
  /** Untimed, before every call: e.g. select tfjs's backend, since tfjs contenders share one engine. */
  activate?(): void | Promise<void>;
  /** The timed call. Its result is handed to `release` (and `output` once) outside the timing. */
  call(): T | Promise<T>;
  /** The result as plain numbers, for the cross-check against the baseline (called once). */
  output(out: T): ArrayLike<number>;
  /** Frees one result (hotpath tensors, tfjs tensors); outside the timed region. */
  release(out: T): void;
  /** What actually ran the calls (read after them), e.g. hotpath's backend from stats. */
  ranOn?(): string;
  /** Frees inputs and sessions once the case is done. */
  dispose(): void | Promise<void>;
}

export interface Contender {
  readonly name: string;
  /** A short description of how it runs (backend, threads, precision). */
  readonly note: string;
  /** Why it does not run this case; printed as a skipped row. */
  readonly skip?: string;
  setup(): Promise<Prepared<unknown>> | Prepared<unknown>;
}

/** What one call of a case does: the denominators of the printed rates. */
export interface Work {
  /** Floating-point operations per call (matmul: 2 n^3). */
  readonly flops?: number;
  /** Bytes read plus bytes written per call. */
  readonly bytes?: number;
  /** Seconds of audio per call (stft): the rate is printed as x real time. */
  readonly audioSeconds?: number;
}

export interface CaseSpec {
  readonly workload: string;
  /** e.g. 'n=1024' or '[4096,1024]'. */
  readonly size: string;
  readonly work: Work;
  /**
   * Contenders every ratio is measured against, in order of preference: the first one that
   * runs is the baseline (stft lists hotpath's default dispatch after wasm, in case wasm declines).
   */
  readonly baseline: readonly string[];
  readonly warmup: number;
  readonly repeats: number;
  /** Compare every contender's output with the baseline's (max abs diff). */
  readonly check: boolean;
  readonly contenders: readonly Contender[];
}

export interface Row {
  readonly workload: string;
  readonly size: string;
  readonly contender: string;
  readonly note: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly ranOn?: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly samplesMs?: readonly number[];
  readonly warmup?: number;
  /** Rate in `unit`: GFLOP/s, GB/s or x real time. */
  readonly rate?: number;
  readonly unit?: string;
  /** Rate as a percentage of the machine's copy bandwidth (memory-bound kernels). */
  readonly pctOfCopy?: number;
  /** This contender's median over the baseline's: 2.0 means the baseline is twice as fast. */
  readonly vsBaseline?: number;
  /** The contender the ratio is against: the first of the case's baseline list that ran. */
  readonly baseline: string;
  /** Largest |this output - baseline output| over the checked case. */
  readonly maxAbsDiff?: number;
  /** Largest |baseline output|, the scale of maxAbsDiff. */
  readonly baselineMaxAbs?: number;
}

export interface Machine {
  readonly cpu: string;
  /** Vector extensions the CPU reports (Linux /proc/cpuinfo), e.g. 'avx512f avx2 fma'. */
  readonly cpuFlags?: string;
  readonly cores: number;
  readonly availableParallelism: number;
  readonly memoryGiB: number;
  /** 1-minute load average when the run began: other work on the machine skews every number. */
  readonly loadAverage: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  /** hotpath's wasm build in use (relaxed-simd or simd128). */
  readonly wasmSimd?: string;
}

/** Jiffies (1/100 s) summed over every CPU, from /proc/stat's cpu line, and this process's CPU time. */
export interface CpuTimes {
  readonly steal: number;
  /** Jiffies not idle, not waiting for I/O and not stolen: work by anyone on this machine. */
  readonly busy: number;
  readonly total: number;
  /** This process's user + system time, every thread (microseconds). */
  readonly selfUs: number;
}

export function cpuTimes(): CpuTimes | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already in user).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const usage = process.cpuUsage();
    return { steal, busy: user + nice + system + irq + softirq, total: user + nice + system + idle + iowait + irq + softirq + steal, selfUs: usage.user + usage.system };
  } catch {
    return undefined;
  }
}

/** What else used the CPUs between two readings, as percentages of all CPU time. */
export interface CpuShare {
  /** Time the hypervisor gave this VM's CPUs to others. */
  readonly stealPercent: number;
  /** Busy time not spent by this process: other processes competing with the benchmark. */
  readonly othersPercent: number;
}

/** USER_HZ: /proc/stat counts 100 jiffies per second on Linux. */
const JIFFY_US = 10_000;

export function cpuShare(before: CpuTimes | undefined, after: CpuTimes | undefined): CpuShare | undefined {
  if (before === undefined || after === undefined || after.total <= before.total) {
    return undefined;
  }
  const total = after.total - before.total;
  const others = (after.busy - before.busy) - (after.selfUs - before.selfUs) / JIFFY_US;
  return { stealPercent: ((after.steal - before.steal) / total) * 100, othersPercent: Math.max(0, (others / total) * 100) };
}

/** Contenders with a warm-up call slower than this (ms) get at most SLOW_REPEATS timed repeats. */
export const SLOW_CALL_MS = 1000;
export const SLOW_REPEATS = 3;

/** The vector extensions that bound native peers' speed (AVX-512 doubles a core's FMA width). */
function cpuFlags(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    const flags = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
    const shown = ['avx512f', 'avx2', 'fma', 'asimd', 'sve'].filter((f) => flags.has(f));
    return shown.length === 0 ? undefined : shown.join(' ');
  } catch {
    return undefined;
  }
}

export function machineInfo(wasmSimd?: string, loadAverage = os.loadavg()[0]!): Machine {
  const cpus = os.cpus();
  const flags = cpuFlags();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    ...(flags === undefined ? {} : { cpuFlags: flags }),
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    ...(wasmSimd === undefined ? {} : { wasmSimd }),
  };
}

export function machineLine(m: Machine): string {
  return `machine: ${m.cpu}${m.cpuFlags === undefined ? '' : ` (${m.cpuFlags})`}, ${m.cores} cores (${m.availableParallelism} usable), ${m.memoryGiB} GiB, load ${m.loadAverage.toFixed(2)} at start, Node ${m.node} ${m.platform}, hotpath wasm ${m.wasmSimd ?? 'n/a'}, ${m.date}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One timed call (after `activate`, untimed); awaits only when the call returned a promise. */
export async function timeOnce<T>(p: Prepared<T>): Promise<{ ms: number; out: T }> {
  await p.activate?.();
  const start = performance.now();
  const result = p.call();
  const out = result instanceof Promise ? await result : result;
  return { ms: performance.now() - start, out };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    return Number.POSITIVE_INFINITY;
  }
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // NaN on one side only counts as an infinite difference.
    worst = Number.isNaN(d) ? (Number.isNaN(a[i]!) && Number.isNaN(b[i]!) ? worst : Number.POSITIVE_INFINITY) : Math.max(worst, d);
  }
  return worst;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 240);
}

/** Deterministic uniform values in [-scale, scale) (mulberry32), the same for every contender. */
export function randomF32(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export interface CopyBandwidth {
  readonly elements: number;
  /** Bytes read plus bytes written per copy. */
  readonly bytes: number;
  readonly medianMs: number;
  readonly gbps: number;
}

/** Float32Array.prototype.set of `elements` floats, median of `repeats`: the memory yardstick. */
export function copyBandwidth(elements: number, repeats: number): CopyBandwidth {
  const src = randomF32(elements, 7);
  const dst = new Float32Array(elements);
  const samples: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const start = performance.now();
    dst.set(src);
    const ms = performance.now() - start;
    if (i >= 2) {
      samples.push(ms);
    }
  }
  const bytes = elements * 4 * 2;
  const medianMs = median(samples);
  return { elements, bytes, medianMs, gbps: bytes / medianMs / 1e6 };
}

/** Rate of one call of `work` taking `ms`, with its unit. */
export function rateOf(work: Work, ms: number): { rate: number; unit: string } | undefined {
  if (work.flops !== undefined) {
    return { rate: work.flops / ms / 1e6, unit: 'GFLOP/s' };
  }
  if (work.bytes !== undefined) {
    return { rate: work.bytes / ms / 1e6, unit: 'GB/s' };
  }
  if (work.audioSeconds !== undefined) {
    return { rate: (work.audioSeconds * 1000) / ms, unit: 'x realtime' };
  }
  return undefined;
}
