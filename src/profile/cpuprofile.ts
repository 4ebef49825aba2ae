/**
 * V8 CPU profiles (.cpuprofile, as written by `node --cpu-prof`): reading them and turning each
 * into a list of weighted samples with the classification `hotpath profile` needs. Node writes
 * one file per thread, `CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile`, workers included
 * (also those stopped with terminate(); checked on Node 20, 22 and 24).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';

/** The parts of a V8 profile node used here (lineNumber and columnNumber are 0-based). */
export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

/** A V8 CPU profile: times in µs on a clock shared by all threads of the process. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One thread's profile and where it came from. */
export interface ThreadProfile {
  readonly pid: number;
  readonly threadId: number;
  readonly profile: CpuProfile;
}

const NAME = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/;

/**
 * Every .cpuprofile in `dir`, main thread (threadId 0) first.
 * @example readProfiles('/tmp/hotpath-profile-x') // [{ pid, threadId: 0, profile }, ...]
 * @throws FORMAT for a file that is not a CPU profile, IO when the folder cannot be read
 */
export function readProfiles(dir: string): ThreadProfile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    return fail({ code: 'IO', kernel: 'profile', problem: 'cannot read the profile folder', expected: 'a readable folder', received: `${dir}: ${error instanceof Error ? error.message : String(error)}` });
  }
  const out: ThreadProfile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (m === null) {
      continue;
    }
    const profile = parseProfile(readFileSync(path.join(dir, name), 'utf8'), name);
    out.push({ pid: Number(m[1]), threadId: Number(m[2]), profile });
  }
  return out.sort((a, b) => a.threadId - b.threadId);
}

/** Parses and checks one profile's JSON. @throws FORMAT */
export function parseProfile(text: string, name: string): CpuProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const p = value as Partial<CpuProfile> | undefined;
  const ok = p !== null && typeof p === 'object' && Array.isArray(p.nodes) && Array.isArray(p.samples) && Array.isArray(p.timeDeltas) && p.samples.length === p.timeDeltas.length && typeof p.startTime === 'number' && typeof p.endTime === 'number';
  if (!ok) {
    return fail({ code: 'FORMAT', kernel: 'profile', problem: 'not a V8 CPU profile', expected: '{ nodes, startTime, endTime, samples, timeDeltas } with one delta per sample', received: name });
  }
  return p as CpuProfile;
}

/** What a stack frame is, for the summary. */
export type FrameKind = 'idle' | 'gc' | 'program' | 'code';

/** One profile node with its parent and depth resolved. */
export interface FlatNode {
  readonly frame: ProfileNode['callFrame'];
  readonly parent: number;
  /** Depth below the root (the root's children are 0); -1 for the root. */
  readonly depth: number;
  readonly kind: FrameKind;
}

/** A profile as parallel arrays: nodes by index, and per sample its node index, start and weight (µs). */
export interface Samples {
  readonly nodes: readonly FlatNode[];
  readonly node: Int32Array;
  readonly startUs: Float64Array;
  readonly weightUs: Float64Array;
}

/**
 * Flattens a profile. A sample's weight is the time to the next sample (the last one: to the
 * profile's end), so weights add up to the sampled span.
 * @example const s = samplesOf(profile); s.weightUs.reduce((a, b) => a + b, 0) // ~ endTime - first sample
 * @throws FORMAT when a sample names a node that does not exist
 */
export function samplesOf(profile: CpuProfile): Samples {
  const index = new Map<number, number>();
  profile.nodes.forEach((n, i) => index.set(n.id, i));
  const parent = new Int32Array(profile.nodes.length).fill(-1);
  profile.nodes.forEach((n, i) => {
    for (const c of n.children ?? []) {
      const ci = index.get(c);
      if (ci !== undefined) {
        parent[ci] = i;
      }
    }
  });
  const depth = new Int32Array(profile.nodes.length).fill(-2);
  const depthOf = (i: number): number => {
    // Iterative: profiles of deep recursion have stacks thousands of frames deep.
    const chain: number[] = [];
    let j = i;
    while (j !== -1 && depth[j] === -2) {
      chain.push(j);
      j = parent[j]!;
    }
    let d = j === -1 ? -2 : depth[j]!;
    for (let k = chain.length - 1; k >= 0; k -= 1) {
      d += 1;
      depth[chain[k]!] = d;
    }
    return depth[i]!;
  };
  const nodes = profile.nodes.map((n, i): FlatNode => ({ frame: n.callFrame, parent: parent[i]!, depth: depthOf(i), kind: kindOf(n.callFrame.functionName, n.callFrame.url) }));
  const count = profile.samples.length;
  const node = new Int32Array(count);
  const startUs = new Float64Array(count);
  const weightUs = new Float64Array(count);
  let t = profile.startTime;
  for (let i = 0; i < count; i += 1) {
    const ni = index.get(profile.samples[i]!);
    if (ni === undefined) {
      return fail({ code: 'FORMAT', kernel: 'profile', problem: 'a sample names no node of the profile', expected: 'sample ids among the node ids', received: String(profile.samples[i]) });
    }
    node[i] = ni;
    t += profile.timeDeltas[i]!;
    startUs[i] = t;
  }
  // V8 may record a sample with a negative time delta (seen on Node 24), so the samples are not
  // always in time order; Chrome DevTools sorts them by time (CPUProfileDataModel), and so do we,
  // keeping equal times in recorded order, so every span and weight is >= 0.
  if (startUs.some((v, i) => i > 0 && v < startUs[i - 1]!)) {
    const order = Array.from(node.keys()).sort((a, b) => startUs[a]! - startUs[b]! || a - b);
    const nodeCopy = Int32Array.from(node);
    const startCopy = Float64Array.from(startUs);
    order.forEach((from, to) => {
      node[to] = nodeCopy[from]!;
      startUs[to] = startCopy[from]!;
    });
  }
  for (let i = 0; i < count; i += 1) {
    const next = i + 1 < count ? startUs[i + 1]! : Math.max(profile.endTime, startUs[i]!);
    weightUs[i] = Math.max(0, next - startUs[i]!);
  }
  return { nodes, node, startUs, weightUs };
}

function kindOf(functionName: string, url: string): FrameKind {
  if (url !== '') {
    return 'code';
  }
  switch (functionName) {
    case '(idle)':
      return 'idle';
    case '(garbage collector)':
      return 'gc';
    case '(program)':
      return 'program';
    default:
      return 'code';
  }
}
