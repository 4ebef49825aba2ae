/**
 * Slice resolution for Tensor.slice: pure math from a view and per-axis specs to a new view.
 */
import { fail } from '../errors.js';
import type { ViewSpec } from './tensor.js';

/** A number picks one index (the axis is dropped); a range keeps the axis; null keeps it whole. */
export type SliceSpec = number | null | readonly [start?: number, end?: number, step?: number];

export function resolveSlice(view: ViewSpec, specs: readonly SliceSpec[], text: string): ViewSpec {
  if (specs.length > view.shape.length) {
    return fail({ code: 'ARGUMENT', kernel: 'tensor.slice', problem: `too many slice specs for ${text}`, expected: `at most ${view.shape.length}`, received: `${specs.length}` });
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = view.offset;
  view.shape.forEach((d, axis) => {
    const stride = view.strides[axis]!;
    const spec = specs[axis] ?? null;
    if (spec === null) {
      shape.push(d);
      strides.push(stride);
      return;
    }
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -d || spec >= d) {
        fail({ code: 'ARGUMENT', kernel: 'tensor.slice', problem: `index out of range on axis ${axis} of ${text}`, expected: `an integer in [${-d}, ${d - 1}]`, received: String(spec) });
      }
      offset += (spec < 0 ? spec + d : spec) * stride;
      return;
    }
    const step = spec[2] ?? 1;
    if (!Number.isInteger(step) || step === 0) {
      fail({ code: 'ARGUMENT', kernel: 'tensor.slice', problem: `invalid step on axis ${axis}`, expected: 'a non-zero integer', received: String(step) });
    }
    const [start, end] = clampRange(spec[0], spec[1], step, d, axis);
    const count = step > 0 ? Math.max(0, Math.ceil((end - start) / step)) : Math.max(0, Math.ceil((start - end) / -step));
    if (count > 0) {
      offset += start * stride;
    }
    shape.push(count);
    strides.push(stride * step);
  });
  return { shape, strides, offset };
}

/** numpy's rules: negative bounds count from the end, then clamp to the axis. */
function clampRange(start: number | undefined, end: number | undefined, step: number, d: number, axis: number): [number, number] {
  for (const bound of [start, end]) {
    if (bound !== undefined && !Number.isInteger(bound)) {
      fail({ code: 'ARGUMENT', kernel: 'tensor.slice', problem: `invalid bound on axis ${axis}`, expected: 'an integer', received: String(bound) });
    }
  }
  const lo = step > 0 ? 0 : -1;
  const hi = step > 0 ? d : d - 1;
  const fix = (v: number | undefined, dflt: number): number => {
    if (v === undefined) {
      return dflt;
    }
    const w = v < 0 ? v + d : v;
    return Math.min(Math.max(w, lo), hi);
  };
  return [fix(start, step > 0 ? 0 : d - 1), fix(end, step > 0 ? d : -1)];
}
