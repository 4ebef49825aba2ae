/**
 * The report's static plots, drawn in Node as inline SVG (no script needed to see them): a CDF
 * per group of values on a log axis, and line series. Sizes in SVG user units (px at 100%).
 */
import type { DistributionSection, SeriesSection } from './types.js';

const W = 760;
const H = 280;
const PAD = { left: 64, right: 16, top: 12, bottom: 40 };
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Most points one CDF line is drawn with (quantiles in between are not shown). */
const CDF_POINTS = 256;

/** `s` safe inside HTML/SVG text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A short number: 3 significant digits, exponent form outside 1e-3..1e6. */
export function short(v: number): string {
  if (!Number.isFinite(v)) {
    return String(v);
  }
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) {
    return v.toExponential(2);
  }
  return String(Number(v.toPrecision(3)));
}

/** The value at quantile q (0..1) of sorted values, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
}

function scale(axis: Axis, from: number, to: number): (v: number) => number {
  const f = (v: number): number => (axis.log ? Math.log10(v) : v);
  const a = f(axis.min);
  const span = f(axis.max) - a || 1;
  return (v) => from + ((f(v) - a) / span) * (to - from);
}

/** Round tick values: powers of ten on a log axis, 1/2/5 steps on a linear one. */
function ticks(axis: Axis): number[] {
  if (axis.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(axis.min)); e <= Math.ceil(Math.log10(axis.max)); e++) {
      const v = 10 ** e;
      if (v >= axis.min / 1.0001 && v <= axis.max * 1.0001) {
        out.push(v);
      }
    }
    return out.length > 0 ? out : [axis.min, axis.max];
  }
  const raw = (axis.max - axis.min) / 5 || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(axis.min / step) * step; v <= axis.max + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

function frame(x: Axis, y: Axis, xLabel: string, yLabel: string, xText: (v: number) => string, body: string, legend: readonly string[]): string {
  const sx = scale(x, PAD.left, W - PAD.right);
  const sy = scale(y, H - PAD.bottom, PAD.top);
  const xt = ticks(x).map((v) => `<line x1="${sx(v)}" x2="${sx(v)}" y1="${PAD.top}" y2="${H - PAD.bottom}" class="grid"/><text x="${sx(v)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${escapeHtml(xText(v))}</text>`);
  const yt = ticks(y).map((v) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(v)}" y2="${sy(v)}" class="grid"/><text x="${PAD.left - 6}" y="${sy(v) + 4}" text-anchor="end">${short(v)}</text>`);
  const keys = legend.map((name, i) => `<span class="key"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${escapeHtml(name)}</span>`).join('');
  return (
    `<svg viewBox="0 0 ${W} ${H}" class="plot" role="img">${xt.join('')}${yt.join('')}` +
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" text-anchor="middle" class="label">${escapeHtml(xLabel)}</text>` +
    `<text transform="translate(14 ${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeHtml(yLabel)}</text>` +
    `${body}</svg><div class="legend">${keys}</div>`
  );
}

function polyline(points: readonly (readonly [number, number])[], i: number, marks: boolean): string {
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const colour = PALETTE[i % PALETTE.length]!;
  const dots = marks ? points.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2.5" fill="${colour}"/>`).join('') : '';
  return `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>${dots}`;
}

/** A CDF per group (log x when every value is positive) and a table of count and percentiles. */
export function distributionHtml(section: DistributionSection): string {
  const groups = section.groups.map((g) => ({ name: g.name, sorted: g.values.filter(Number.isFinite).sort((a, b) => a - b) })).filter((g) => g.sorted.length > 0);
  if (groups.length === 0) {
    return '<p class="note">no values</p>';
  }
  const all = groups.flatMap((g) => [g.sorted[0]!, g.sorted[g.sorted.length - 1]!]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const log = lo > 0 && hi / lo > 10;
  const x: Axis = { min: lo === hi ? lo * 0.9 || -1 : lo, max: lo === hi ? hi * 1.1 || 1 : hi, log };
  const y: Axis = { min: 0, max: 1, log: false };
  const sx = scale(x, PAD.left, W - PAD.right);
  const sy = scale(y, H - PAD.bottom, PAD.top);
  const lines = groups.map((g, i) => {
    const n = g.sorted.length;
    const steps = Math.min(n, CDF_POINTS);
    const pts = Array.from({ length: steps }, (_, k): [number, number] => {
      const q = (k + 1) / steps;
      return [sx(quantile(g.sorted, q)), sy(q)];
    });
    return polyline([[sx(g.sorted[0]!), sy(0)], ...pts], i, false);
  });
  const svg = frame(x, y, `${section.unit}${log ? ' (log scale)' : ''}`, 'fraction of calls at or below', short, lines.join(''), groups.map((g) => g.name));
  const head = ['', 'count', `p50 ${section.unit}`, `p90 ${section.unit}`, `p99 ${section.unit}`, `max ${section.unit}`];
  const rows = groups.map((g) => [g.name, String(g.sorted.length), ...[0.5, 0.9, 0.99, 1].map((q) => short(quantile(g.sorted, q)))]);
  return svg + tableHtml(head, rows);
}

/** Line series; dots on each point when there are few (a history of saved runs). */
export function seriesHtml(section: SeriesSection): string {
  const pts = section.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length === 0) {
    return '<p class="note">no points</p>';
  }
  // Loops, not Math.min(...xs): a long series would overflow the argument stack.
  let [xlo, xhi, ylo, yhi] = [Infinity, -Infinity, 0, -Infinity];
  for (const [a, b] of pts) {
    [xlo, xhi, ylo, yhi] = [Math.min(xlo, a), Math.max(xhi, a), Math.min(ylo, b), Math.max(yhi, b)];
  }
  const x: Axis = { min: xlo, max: xhi === xlo ? xlo + 1 : xhi, log: false };
  const y: Axis = { min: ylo, max: yhi === ylo ? ylo + 1 : yhi * 1.05, log: false };
  const sx = scale(x, PAD.left, W - PAD.right);
  const sy = scale(y, H - PAD.bottom, PAD.top);
  const lines = section.series.map((s, i) => polyline(s.points.map(([a, b]) => [sx(a), sy(b)] as const), i, s.points.length <= 60));
  const xText = section.xTime === true ? (v: number): string => new Date(v).toISOString().replace('T', ' ').slice(5, 16) : short;
  return frame(x, y, section.xLabel, section.yLabel, xText, lines.join(''), section.series.map((s) => s.name));
}

/** An HTML table; cells escaped. */
export function tableHtml(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(typeof c === 'number' ? short(c) : c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
