import type { StftParams } from '../../kernels/stft.js';
import { float32Only, type WasmImpl } from './context.js';
import { MAX_LENGTH } from './dft.js';
import { pointer, rowRange } from './shape.js';

/** One frame per row of assembly/stft.ts, frames split across threads. */
export const stftWasm: WasmImpl<StftParams> = {
  supports: (plan, inputs) => (plan.params.frameLength > MAX_LENGTH ? `wasm stft handles frames up to ${MAX_LENGTH} points` : float32Only(inputs)),
  run(ctx, plan, [signal, window], [y]) {
    const p = plan.params;
    const [sb, st, sc] = p.signal.strides as [number, number, number];
    const batch = p.signal.shape[0]!;
    const rows = batch * p.frames;
    const threads = ctx.threadsFor(rows * p.frameLength * Math.log2(2 + p.frameLength));
    const perThread = ctx.pool.call('fftScratchBytes', p.frameLength) as number;
    const scratch = ctx.scratch(perThread, threads);
    const pw = p.window === undefined ? 0 : pointer(window!, p.window);
    const ws = p.window === undefined ? 0 : p.window.strides[0]!;
    const args = [pointer(signal!, p.signal), sb, st, sc, p.complexInput ? 1 : 0, pw, ws, p.frameStep, p.frameLength, p.bins, p.frames, y!.storage.byteOffset];
    ctx.pool.parallel('stftFrames', (t) => {
      const range = t < threads ? rowRange(rows, threads, t) : null;
      return range === null ? null : [...args, ...range, scratch + t * perThread];
    });
  },
};
