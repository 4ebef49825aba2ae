import type { DftParams } from '../../kernels/dft.js';
import type { Plan } from '../../kernels/kernel.js';
import { lastStride, sizeOf } from '../../tensor/layout.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { mergeDims, padTo, pointer, rowRange } from './shape.js';

/** Transform lengths whose Bluestein scratch (about 80 bytes per point) stays reasonable. */
export const MAX_LENGTH = 1 << 22;

/** The lines: every dim but the axis and the trailing complex dim, merged to 3. */
function lines(plan: Plan<DftParams>) {
  const { x, y, axis } = plan.params;
  const keep = (_: unknown, d: number): boolean => d !== axis && d !== x.shape.length - 1;
  return padTo(mergeDims(x.shape.filter(keep), [x.strides.filter(keep), y.strides.filter(keep)]), 3);
}

export const dftWasm: WasmImpl<DftParams> = {
  supports(plan, inputs) {
    const dtype = float32Only(inputs);
    if (dtype !== true) {
      return dtype;
    }
    if (plan.params.length > MAX_LENGTH) {
      return `wasm dft handles lengths up to ${MAX_LENGTH}`;
    }
    return lines(plan) === null ? layoutDecline('wasm dft iterates at most 3 outer dims after merging; this view has more') : true;
  },
  run(ctx, plan, [x], [y]) {
    const p = plan.params;
    const outer = lines(plan)!;
    const [o0, o1, o2] = outer.shape as [number, number, number];
    const rows = o0 * o1 * o2;
    const threads = ctx.threadsFor(sizeOf(p.x.shape) * Math.log2(2 + p.length));
    const perThread = ctx.pool.call('fftScratchBytes', p.length) as number;
    const scratch = ctx.scratch(perThread, threads);
    const head = [pointer(x!, p.x), ...outer.strides[0]!, p.x.strides[p.axis]!, lastStride(p.x.strides), p.complexInput ? 1 : 0, p.inPoints];
    const tail = [y!.storage.byteOffset, ...outer.strides[1]!, p.y.strides[p.axis]!, lastStride(p.y.strides), p.outPoints, p.length, p.inverse ? 1 : 0, p.halfSpectrum ? 1 : 0, o1, o2];
    ctx.pool.parallel('dftLines', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [...head, ...tail, ...range, scratch + t * perThread];
    });
  },
};
