/**
 * The porting verdict, by the rule teams learn the hard way: port only what holds more than half
 * of the CPU, and only when the program is compute-bound rather than waiting on I/O. Time that
 * already runs inside hotpath counts as ported. The Amdahl bound assumes the ported part gets
 * PORT_SPEEDUP times faster and nothing else changes.
 */
import type { ProfileFunction } from './report.js';

/** A program is compute-bound when some thread is on CPU at least this share of the wall time. */
export const BUSY_THRESHOLD = 0.5;
/** A function is worth porting when it holds more than this share of the CPU. */
export const SHARE_THRESHOLD = 0.5;
/** The speedup assumed for a ported function in the Amdahl bound. */
export const PORT_SPEEDUP = 20;
/** Functions below this share of CPU are not listed as candidates. */
const CANDIDATE_FLOOR = 0.05;
const MAX_CANDIDATES = 5;

export interface Candidate {
  readonly name: string;
  readonly location: string;
  /** Its self time's share of all CPU time. */
  readonly share: number;
  readonly worthPorting: boolean;
  /** Amdahl: the whole run's speedup, at most, if this function alone ran PORT_SPEEDUP times faster. */
  readonly maxSpeedup: number;
  readonly text: string;
}

export interface Verdict {
  /** 'compute' when busyShare >= 0.5, else 'io'. */
  readonly bound: 'compute' | 'io';
  /** One line: the overall answer. */
  readonly text: string;
  readonly candidates: readonly Candidate[];
  /** What already runs in hotpath, when anything does (null otherwise). */
  readonly alreadyPorted: string | null;
}

export interface VerdictInput {
  readonly busyShare: number;
  /** Functions by self time (hotpath's own among them, flagged). */
  readonly functions: readonly ProfileFunction[];
  /** Share of CPU in hotpath's code, kernels and pool threads. */
  readonly hotpathShare: number;
  /** `kernel on backend` names, by time. */
  readonly kernels: readonly string[];
}

/**
 * Amdahl's law: the speedup of the whole when a share `p` of it gets `factor` times faster.
 * @example amdahl(0.63, 20) // 2.49
 */
export function amdahl(p: number, factor: number): number {
  return 1 / (1 - p + p / factor);
}

/**
 * Applies the rule. @example verdictOf({ busyShare: 0.97, functions, hotpathShare: 0, kernels: [] }).text
 */
export function verdictOf(input: VerdictInput): Verdict {
  const busy = pct(input.busyShare);
  const bound = input.busyShare >= BUSY_THRESHOLD ? 'compute' : 'io';
  const user = input.functions.filter((f) => !f.hotpath);
  const candidates = user
    .filter((f) => f.selfShare >= CANDIDATE_FLOOR)
    .slice(0, MAX_CANDIDATES)
    .map((f) => candidateOf(f, bound));
  const alreadyPorted = input.hotpathShare >= CANDIDATE_FLOOR || input.kernels.length > 0 ? `${pct(input.hotpathShare)} of CPU already runs inside hotpath${input.kernels.length > 0 ? ` (${input.kernels.slice(0, 4).join(', ')})` : ''}: already ported` : null;
  const best = candidates.find((c) => c.worthPorting);
  let text: string;
  if (bound === 'io') {
    text = `CPU is busy ${busy} of wall time: the program waits on I/O, porting will not help`;
  } else if (best !== undefined) {
    text = `compute-bound (CPU busy ${busy} of wall time): port \`${best.name}\` (${best.location}), ${pct(best.share)} of CPU; at ${PORT_SPEEDUP}x the whole run gets at most ${best.maxSpeedup.toFixed(1)}x faster`;
  } else if (input.hotpathShare > SHARE_THRESHOLD) {
    text = `compute-bound (CPU busy ${busy} of wall time), and the hot path already runs in hotpath (${pct(input.hotpathShare)} of CPU): nothing left holds more than half of the CPU, nothing worth porting`;
  } else {
    const top = candidates[0];
    text = `compute-bound (CPU busy ${busy} of wall time), but no function holds more than half of the CPU${top === undefined ? '' : ` (the largest, \`${top.name}\`, holds ${pct(top.share)})`}: porting one function gains little`;
  }
  return { bound, text, candidates, alreadyPorted };
}

function candidateOf(f: ProfileFunction, bound: 'compute' | 'io'): Candidate {
  const maxSpeedup = amdahl(f.selfShare, PORT_SPEEDUP);
  const gain = `at ${PORT_SPEEDUP}x it makes the whole run at most ${maxSpeedup.toFixed(1)}x faster (Amdahl)`;
  const head = `\`${f.name}\` (${f.location}) holds ${pct(f.selfShare)} of CPU`;
  let worthPorting = false;
  let text: string;
  if (bound === 'io') {
    text = `${head}, but the program waits on I/O: not worth porting`;
  } else if (f.selfShare > SHARE_THRESHOLD) {
    worthPorting = true;
    text = `${head} and the program is compute-bound: worth porting; ${gain}`;
  } else {
    text = `${head}: less than half, not worth porting on its own; ${gain}`;
  }
  return { name: f.name, location: f.location, share: f.selfShare, worthPorting, maxSpeedup: Math.round(maxSpeedup * 100) / 100, text };
}

/** A share as a whole percentage, e.g. '63%'. */
export function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
