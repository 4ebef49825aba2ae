/**
 * A flame chart from CPU samples: consecutive samples that share a stack prefix become one
 * span per stack depth, so 10^5 samples give far fewer spans than samples × depth (136,527
 * samples of the mix fixture at 50 µs: 8,761 spans). One lane per thread, plus a lane of hotpath
 * kernel calls; idle and waiting samples are left blank. Times are ms from the earliest thread's
 * profile start.
 */
import type { TimelineLane, TimelineSpan } from '../report/index.js';
import { samplesOf, type ThreadProfile } from './cpuprofile.js';
import { classify, isPoolThread, pathOfUrl } from './classify.js';
import type { ThreadRecord } from './preload.js';
import { displayPath } from './report.js';
import { sourcePosition } from './sourceMaps.js';
import type { SourceMapPayload } from 'node:module';

/**
 * The lanes of the flame chart.
 * @example renderReport({ title, sections: [{ kind: 'timeline', title: 'CPU', lanes: flameLanes(profiles, records, root, cwd) }] })
 */
export function flameLanes(profiles: readonly ThreadProfile[], records: readonly ThreadRecord[], hotpathRoot: string, cwd: string): TimelineLane[] {
  const origin = Math.min(...profiles.map((p) => p.profile.startTime));
  const maps = (records.find((r) => r.isMainThread)?.sourceMaps ?? {}) as Record<string, SourceMapPayload>;
  const lanes = profiles.map((t) => threadLane(t, origin, hotpathRoot, cwd, maps));
  const kernels = kernelSpans(records, origin);
  return kernels.length > 0 ? [{ name: 'hotpath kernels', spans: kernels }, ...lanes] : lanes;
}

function threadLane(t: ThreadProfile, originUs: number, hotpathRoot: string, cwd: string, maps: Record<string, SourceMapPayload>): TimelineLane {
  const s = samplesOf(t.profile);
  const classes = classify(s.nodes, hotpathRoot);
  const name = t.threadId === 0 ? 'main thread' : isPoolThread(s.nodes) ? `hotpath pool, thread ${t.threadId}` : `worker, thread ${t.threadId}`;
  const label = s.nodes.map((n) => n.frame.functionName || '(anonymous)');
  const lineOf = (f: { url: string; lineNumber: number; columnNumber: number }): number => sourcePosition(maps, f.url, f.lineNumber + 1, f.columnNumber + 1)?.line ?? f.lineNumber + 1;
  const detail = s.nodes.map((n) => (n.frame.url === '' ? '' : `${displayPath(pathOfUrl(n.frame.url), cwd)}:${lineOf(n.frame)}`));
  const spans: TimelineSpan[] = [];
  const open: { node: number; start: number }[] = [];
  const close = (keep: number, at: number): void => {
    while (open.length > keep) {
      const o = open.pop()!;
      const start = (o.start - originUs) / 1000;
      spans.push({ start, duration: (at - o.start) / 1000, depth: open.length, name: label[o.node]!, kind: classes[o.node]!.category, detail: detail[o.node]! });
    }
  };
  const path: number[] = [];
  for (let i = 0; i < s.node.length; i += 1) {
    const leaf = s.node[i]!;
    const at = s.startUs[i]!;
    path.length = 0;
    // Idle and blocked in hotpath's waits (Atomics.wait): left blank, as in the summary.
    const category = classes[leaf]!.category;
    if (category !== 'idle' && category !== 'wait') {
      for (let n = leaf; n !== -1 && s.nodes[n]!.depth >= 0; n = s.nodes[n]!.parent) {
        path.push(n);
      }
      path.reverse();
    }
    let k = 0;
    while (k < open.length && k < path.length && open[k]!.node === path[k]) {
      k += 1;
    }
    close(k, at);
    for (let d = k; d < path.length; d += 1) {
      open.push({ node: path[d]!, start: at });
    }
  }
  const end = s.node.length === 0 ? t.profile.endTime : s.startUs[s.node.length - 1]! + s.weightUs[s.node.length - 1]!;
  close(0, end);
  return { name, spans };
}

function kernelSpans(records: readonly ThreadRecord[], originUs: number): TimelineSpan[] {
  const spans: TimelineSpan[] = [];
  for (const r of records) {
    const { spans: flat, names } = r.kernels;
    for (let i = 0; i + 4 < flat.length; i += 5) {
      const startUs = r.startedUs + (flat[i]! - r.startedEpochMs) * 1000;
      const backend = names[flat[i + 3]!] ?? '?';
      spans.push({ start: (startUs - originUs) / 1000, duration: flat[i + 1]!, depth: 0, name: names[flat[i + 2]!] ?? '?', kind: 'kernel', detail: `${backend}, ${flat[i + 4]!} thread(s)` });
    }
  }
  return spans;
}
