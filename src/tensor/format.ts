/**
 * How a tensor prints (console.log, util.inspect): like numpy's repr, the values as nested
 * brackets, elided with `...` past 1000 elements (numpy's threshold, 3 items at each edge), then
 * dtype, shape, layout and name. A released tensor prints as released instead of throwing.
 */
import { dtypeInfo, type DType, type TypedArray } from './dtype.js';
import { formatShape } from './layout.js';

/** Elements above which the middle of each long axis is elided (numpy's print threshold). */
const THRESHOLD = 1000;
/** Items kept at each end of an elided axis (numpy's edgeitems). */
const EDGE = 3;

export interface Printable {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly layout: string;
  readonly released: boolean;
  data(where?: string): TypedArray;
}

/** `tensor([[1, 2], [3, 4]], dtype=float32, shape=[2,2], layout=row, name='t1')`. */
export function formatTensor(t: Printable): string {
  const meta = `dtype=${t.dtype}, shape=${formatShape(t.shape)}, layout=${t.layout}, name='${t.name}'`;
  if (t.released) {
    return `tensor(<released>, ${meta})`;
  }
  const data = t.data('tensor.inspect');
  const size = t.shape.reduce((p, d) => p * d, 1);
  const elide = size > THRESHOLD;
  const float = !dtypeInfo(t.dtype).bigint && t.dtype.startsWith('float');
  const text = (v: number | bigint): string => (typeof v === 'bigint' ? v.toString() : float ? formatFloat(v) : String(v));
  // First pass: the printed items, to align them to one width as numpy does.
  const items: string[] = [];
  walk(t, data, 0, t.offset, elide, (v) => items.push(text(v)));
  const width = items.reduce((w, s) => Math.max(w, s.length), 0);
  let next = 0;
  const body = render(t, data, 0, t.offset, elide, () => items[next++]!.padStart(width), 'tensor('.length + 1);
  return `tensor(${body}, ${meta})`;
}

/** Up to 8 significant digits (numpy's default precision), integers with a trailing dot, exponents outside [1e-4, 1e16). */
function formatFloat(v: number): string {
  if (!Number.isFinite(v)) {
    return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  }
  const rounded = Number(v.toPrecision(8));
  const magnitude = Math.abs(rounded);
  if (magnitude >= 1e16 || (magnitude > 0 && magnitude < 1e-4)) {
    return rounded.toExponential();
  }
  const s = String(rounded);
  return /^-?\d+$/.test(s) ? `${s}.` : s;
}

/** The indices of an axis of length n that print: all, or EDGE at each end with a gap marker (-1). */
function shown(n: number, elide: boolean): number[] {
  if (!elide || n <= 2 * EDGE) {
    return Array.from({ length: n }, (_, i) => i);
  }
  return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

function walk(t: Printable, data: TypedArray, axis: number, at: number, elide: boolean, visit: (v: number | bigint) => void): void {
  if (axis === t.shape.length) {
    visit(data[at]!);
    return;
  }
  for (const i of shown(t.shape[axis]!, elide)) {
    if (i >= 0) {
      walk(t, data, axis + 1, at + i * t.strides[axis]!, elide, visit);
    }
  }
}

function render(t: Printable, data: TypedArray, axis: number, at: number, elide: boolean, item: () => string, indent: number): string {
  if (axis === t.shape.length) {
    return item();
  }
  const parts = shown(t.shape[axis]!, elide).map((i) => (i < 0 ? '...' : render(t, data, axis + 1, at + i * t.strides[axis]!, elide, item, indent + 1)));
  const inner = axis === t.shape.length - 1;
  // The last axis on one line; outer axes one sub-array per line (a blank line between blocks of rank > 2).
  const separator = inner ? ', ' : `,${'\n'.repeat(t.shape.length - axis - 1)}${' '.repeat(indent)}`;
  return `[${parts.join(separator)}]`;
}
