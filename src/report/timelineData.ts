/**
 * A timeline section as the page reads it: per lane, one row per depth, each row columnar
 * (start, duration, and indices into shared name / kind / detail tables) and sorted by start,
 * so the page searches it without building objects. Times are rounded to 0.1 µs (1e-4 ms):
 * finer than any span a person reads, and it keeps 10^5 spans to a few MB of JSON.
 */
import { fail } from '../errors.js';
import type { TimelineSection, TimelineSpan } from './types.js';

export interface PageTimeline {
  readonly names: string[];
  readonly kinds: string[];
  readonly details: string[];
  /** The data's range (ms). */
  readonly t0: number;
  readonly t1: number;
  readonly lanes: { name: string; rows: PageRowData[] }[];
}

export interface PageRowData {
  start: number[];
  duration: number[];
  name: number[];
  kind: number[];
  /** -1 when the span has no detail. */
  detail: number[];
}

const round = (ms: number): number => Math.round(ms * 1e4) / 1e4;

/** Interns strings: each distinct one stored once, spans hold its index. */
function table(): { list: string[]; index: (s: string) => number } {
  const list: string[] = [];
  const seen = new Map<string, number>();
  return {
    list,
    index(s) {
      let i = seen.get(s);
      if (i === undefined) {
        i = list.length;
        list.push(s);
        seen.set(s, i);
      }
      return i;
    },
  };
}

/**
 * @throws ARGUMENT for a lane without a spans array, or a span whose start, duration (>= 0)
 *   or depth (a whole number >= 0) is not valid, or whose name is not a string
 */
export function timelineData(section: TimelineSection): PageTimeline {
  const names = table();
  const kinds = table();
  const details = table();
  kinds.index('');
  let t0 = Infinity;
  let t1 = -Infinity;
  const lanes = (Array.isArray(section.lanes) ? section.lanes : []).map((lane, l) => {
    if (lane === null || typeof lane !== 'object' || !Array.isArray(lane.spans)) {
      fail({ code: 'ARGUMENT', kernel: 'renderReport', problem: `timeline '${section.title}' lane ${l} has no spans array`, expected: '{ name, spans: TimelineSpan[] }', received: typeof lane });
    }
    const byDepth: { start: number; index: number }[][] = [];
    lane.spans.forEach((span: TimelineSpan, index: number) => {
      const depth = span.depth ?? 0;
      if (!Number.isFinite(span.start) || !Number.isFinite(span.duration) || span.duration < 0 || !Number.isInteger(depth) || depth < 0 || typeof span.name !== 'string') {
        fail({ code: 'ARGUMENT', kernel: 'renderReport', problem: `timeline '${section.title}' lane '${lane.name}' span ${index} is invalid`, expected: 'finite start, duration >= 0, whole depth >= 0 and a name string', received: JSON.stringify(span) });
      }
      t0 = Math.min(t0, span.start);
      t1 = Math.max(t1, span.start + span.duration);
      (byDepth[depth] ??= []).push({ start: span.start, index });
    });
    const rows = Array.from(byDepth, (entries = []) => {
      entries.sort((a, b) => a.start - b.start || a.index - b.index);
      const row: PageRowData = { start: [], duration: [], name: [], kind: [], detail: [] };
      for (const { index } of entries) {
        const span = lane.spans[index]!;
        row.start.push(round(span.start));
        row.duration.push(round(span.duration));
        row.name.push(names.index(span.name));
        row.kind.push(kinds.index(span.kind ?? ''));
        row.detail.push(span.detail === undefined ? -1 : details.index(span.detail));
      }
      return row;
    });
    return { name: String(lane.name), rows };
  });
  if (t0 > t1) {
    [t0, t1] = [0, 1];
  }
  return { names: names.list, kinds: kinds.list, details: details.list, t0: round(t0), t1: round(t1), lanes };
}
