/**
 * A Chrome trace (hotpath's, or any Trace Event Format JSON with "X" complete events) as a
 * report: a timeline with one lane per (pid, tid) and rows by nesting depth, latency
 * distributions per kernel, throughput over time, and a per-kernel table.
 */
import { fail } from '../errors.js';
import { quantile } from '../report/svg.js';
import type { ReportSection, ReportSpec, TimelineSpan } from '../report/types.js';

interface RawEvent {
  readonly name?: unknown;
  readonly ph?: unknown;
  readonly pid?: unknown;
  readonly tid?: unknown;
  readonly ts?: unknown;
  readonly dur?: unknown;
  readonly cat?: unknown;
  readonly args?: Record<string, unknown>;
}

/** One drawn event, ms. */
interface Item {
  readonly lane: string;
  readonly start: number;
  readonly duration: number;
  readonly name: string;
  readonly cat: string;
  readonly args: Record<string, unknown>;
}

/** Bins of the throughput plot. */
const BINS = 100;
/**
 * A span that starts less than this before the previous one ends follows it rather than nests
 * in it (ms): epoch-ms times near 1.8e12 carry only about 0.24 µs of resolution, so
 * back-to-back calls can seem to overlap by a fraction of a µs.
 */
const TOUCH_MS = 5e-4;
/** Kernels given their own latency curve; the rest are counted in the note. */
const TOP = 10;

/**
 * The events of a parsed trace file: `{ traceEvents: [...] }` or a bare array.
 * @throws FORMAT when it is neither, or holds no complete ("X") or instant ("i") event
 */
export function traceEventsOf(json: unknown, source: string): RawEvent[] {
  const events = Array.isArray(json) ? json : json !== null && typeof json === 'object' && Array.isArray((json as { traceEvents?: unknown }).traceEvents) ? (json as { traceEvents: unknown[] }).traceEvents : undefined;
  if (events === undefined) {
    return fail({ code: 'FORMAT', kernel: 'report', problem: 'not a Chrome trace', expected: 'JSON { "traceEvents": [...] } or an array of trace events', received: `${source}: ${json === null ? 'null' : Array.isArray(json) ? 'array' : typeof json}` });
  }
  const usable = events.filter((e): e is RawEvent => e !== null && typeof e === 'object' && (e as RawEvent).ph !== undefined);
  if (!usable.some((e) => (e.ph === 'X' || e.ph === 'i' || e.ph === 'I') && typeof e.ts === 'number')) {
    fail({ code: 'FORMAT', kernel: 'report', problem: 'the trace has no spans', expected: 'complete ("X") or instant ("i") events with a numeric ts', received: `${source}: ${events.length} events` });
  }
  return usable;
}

/** The report of a trace's events; `title` names its file. */
export function traceReport(events: readonly RawEvent[], title: string): ReportSpec {
  const laneNames = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && typeof e.args?.['name'] === 'string') {
      laneNames.set(`${String(e.pid)}:${String(e.tid)}`, e.args['name']);
    }
  }
  const items: Item[] = [];
  for (const e of events) {
    const isSpan = e.ph === 'X' && typeof e.dur === 'number' && e.dur >= 0;
    const isMark = e.ph === 'i' || e.ph === 'I';
    if ((isSpan || isMark) && typeof e.ts === 'number' && Number.isFinite(e.ts)) {
      const key = `${String(e.pid)}:${String(e.tid)}`;
      const args = e.args !== null && typeof e.args === 'object' ? e.args : {};
      items.push({ lane: key, start: e.ts / 1000, duration: isSpan ? (e.dur as number) / 1000 : 0, name: String(e.name), cat: typeof e.cat === 'string' ? e.cat : '', args });
    }
  }
  const kernels = items.some((i) => i.cat === 'kernel') ? items.filter((i) => i.cat === 'kernel') : items.filter((i) => i.duration > 0);
  const t0 = items.reduce((m, i) => Math.min(m, i.start), Infinity);
  const t1 = items.reduce((m, i) => Math.max(m, i.start + i.duration), -Infinity);
  const sections: ReportSection[] = [
    { kind: 'table', title: 'Kernels', columns: ['kernel', 'calls', 'total ms', '% of traced time', 'p50 ms', 'p99 ms', 'backends', 'copies', 'fallbacks'], rows: kernelRows(kernels, t1 - t0) },
    { kind: 'timeline', title: 'Timeline (one lane per thread)', lanes: lanesOf(items, laneNames, t0), note: 'Spans narrower than a pixel are merged into per-pixel columns (darker = more of the pixel busy); zoom in to see them one by one.' },
    distribution(kernels),
    ...throughput(kernels, t0, t1),
  ];
  return { title: `hotpath report: ${title}`, subtitle: `${items.length.toLocaleString('en-US')} events, ${kernels.length.toLocaleString('en-US')} kernel calls over ${(t1 - t0).toFixed(1)} ms`, sections };
}

/**
 * Lanes in (pid, tid) order; rows by nesting depth (a span inside another goes one row down),
 * instants on the row below the deepest span.
 */
function lanesOf(items: readonly Item[], names: ReadonlyMap<string, string>, t0: number): { name: string; spans: TimelineSpan[] }[] {
  const byLane = new Map<string, Item[]>();
  for (const i of items) {
    (byLane.get(i.lane) ?? byLane.set(i.lane, []).get(i.lane)!).push(i);
  }
  const order = [...byLane.keys()].sort((a, b) => {
    const [pa, ta] = a.split(':').map(Number);
    const [pb, tb] = b.split(':').map(Number);
    return pa! - pb! || ta! - tb! || a.localeCompare(b);
  });
  return order.map((key) => {
    const list = byLane.get(key)!.sort((a, b) => a.start - b.start || b.duration - a.duration);
    const ends: number[] = [];
    const spans = list.map((i): TimelineSpan => {
      while (ends.length > 0 && ends[ends.length - 1]! <= i.start + TOUCH_MS) {
        ends.pop();
      }
      const depth = ends.length;
      if (i.duration > 0) {
        ends.push(i.start + i.duration);
      }
      return { start: i.start - t0, duration: i.duration, depth, name: i.name, kind: i.cat, detail: detailOf(i) };
    });
    // Instants (copies, fallbacks) get a row of their own below the lane's spans, so a mark is
    // never hidden under a span.
    const below = spans.reduce((m, s) => (s.duration > 0 ? Math.max(m, s.depth! + 1) : m), 0);
    const placed = spans.map((s) => (s.duration > 0 ? s : { ...s, depth: below }));
    return { name: names.get(key) ?? `pid ${key.replace(':', ' tid ')}`, spans: placed };
  });
}

function detailOf(i: Item): string {
  const a = i.args;
  if (i.cat === 'kernel') {
    const extra = [...((a['fallbacks'] as string[] | undefined) ?? []).map((f) => `fallback ${f}`), ...((a['copies'] as string[] | undefined) ?? []).map((c) => `copy ${c}`)];
    return [`${String(a['backend'])} ${String(a['dtype'])} ${String(a['shapes'])}, ${String(a['threads'])} thread(s)`, ...extra].join('\n');
  }
  const reason = a['reason'] ?? a['note'];
  return reason === undefined ? i.cat : String(reason);
}

function groupOf(i: Item): string {
  return typeof i.args['backend'] === 'string' ? `${i.name} (${i.args['backend']})` : i.name;
}

function kernelRows(kernels: readonly Item[], spanMs: number): (string | number)[][] {
  const groups = new Map<string, Item[]>();
  for (const k of kernels) {
    (groups.get(k.name) ?? groups.set(k.name, []).get(k.name)!).push(k);
  }
  return [...groups].map(([name, list]) => {
    const sorted = list.map((k) => k.duration).sort((a, b) => a - b);
    const total = sorted.reduce((s, d) => s + d, 0);
    const backends = [...new Set(list.map((k) => k.args['backend']).filter((b) => b !== undefined))].join(', ');
    const count = (key: string): number => list.reduce((n, k) => n + ((k.args[key] as unknown[] | undefined)?.length ?? 0), 0);
    return { total, row: [name, list.length, total, spanMs > 0 ? (100 * total) / spanMs : 0, quantile(sorted, 0.5), quantile(sorted, 0.99), backends, count('copies'), count('fallbacks')] };
  }).sort((a, b) => b.total - a.total).map((r) => r.row);
}

function distribution(kernels: readonly Item[]): ReportSection {
  const groups = new Map<string, number[]>();
  for (const k of kernels) {
    const g = groupOf(k);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(k.duration);
  }
  const ranked = [...groups].sort((a, b) => b[1].length - a[1].length);
  const rest = ranked.slice(TOP).reduce((n, [, v]) => n + v.length, 0);
  return {
    kind: 'distribution',
    title: 'Latency per kernel and backend',
    unit: 'ms',
    groups: ranked.slice(0, TOP).map(([name, values]) => ({ name, values })),
    ...(rest > 0 ? { note: `${ranked.length - TOP} less frequent kernels (${rest} calls) not drawn` } : {}),
  };
}

/** Calls per second, and GFLOP/s when the spans carry flops, in BINS bins over the trace. */
function throughput(kernels: readonly Item[], t0: number, t1: number): ReportSection[] {
  const width = (t1 - t0) / BINS || 1;
  const calls = new Float64Array(BINS);
  const flops = new Float64Array(BINS);
  let withFlops = false;
  for (const k of kernels) {
    const bin = Math.min(BINS - 1, Math.floor((k.start - t0) / width));
    calls[bin]! += 1;
    if (typeof k.args['flops'] === 'number') {
      flops[bin]! += k.args['flops'];
      withFlops = true;
    }
  }
  const x = (b: number): number => (b + 0.5) * width;
  const out: ReportSection[] = [{ kind: 'series', title: 'Throughput over time', xLabel: 'ms since the first event', yLabel: 'kernel calls per second', series: [{ name: 'calls/s', points: Array.from(calls, (c, b) => [x(b), c / (width / 1000)] as const) }] }];
  if (withFlops) {
    out.push({ kind: 'series', title: 'Achieved GFLOP/s over time (cost() flops / wall time)', xLabel: 'ms since the first event', yLabel: 'GFLOP/s', series: [{ name: 'GFLOP/s', points: Array.from(flops, (f, b) => [x(b), f / (width / 1000) / 1e9] as const) }] });
  }
  return out;
}
