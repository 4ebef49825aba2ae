/**
 * fbank on wasm (float32): assembly/fbank.ts runs four frames per pass, one per SIMD lane, on the
 * float32 mixed-radix FFT of assembly/fft32.ts; the constant tables are built once per
 * configuration (fbankTables.ts). Groups of four frames are split across threads for large
 * calls; a call of a few frames (streaming: one or two per hop) stays on the calling thread.
 */
import type { FbankParams } from '../../kernels/fbank.js';
import { float32Only, layoutDecline, type WasmImpl } from './context.js';
import { fbankTables, radicesOf } from './fbankTables.js';
import { pointer, rowRange } from './shape.js';

const LOG_CODES = { none: 0, 'ln-kaldi': 1, 'log10-clamp': 2 } as const;

export const fbankWasm: WasmImpl<FbankParams> = {
  supports(plan, inputs) {
    const p = plan.params;
    if (p.nFft % 2 !== 0 || radicesOf(p.nFft / 2) === null) {
      return `wasm fbank needs nFft = 2 * 2^a 3^b 5^c; ${p.nFft} runs on ref`;
    }
    if (p.n > 0 && p.frames.strides[1] !== 1) {
      return layoutDecline('wasm fbank reads frames with contiguous samples');
    }
    return float32Only(inputs);
  },
  run(ctx, plan, [frames], [y]) {
    const p = plan.params;
    if (p.n === 0) {
      return;
    }
    const t = fbankTables(ctx, p);
    const groups = Math.ceil(p.n / 4);
    const threads = Math.min(groups, ctx.threadsFor(p.n * p.nFft * Math.log2(p.nFft)));
    const perThread = ctx.pool.call('fbankScratchBytes', p.frameLength, p.nFft, p.nMels) as number;
    const scratch = ctx.scratch(perThread, threads);
    const args = [
      pointer(frames!, p.frames), p.frames.strides[0]!, p.frameLength, p.removeDc ? 1 : 0, p.preemph, t.window,
      p.nFft, t.radices, t.stages, t.twiddles, t.post,
      p.nMels, t.bands, t.weights, LOG_CODES[p.log],
      // y's strides in elements: per frame and per band.
      y!.storage.byteOffset, p.melMajor ? 1 : p.nMels, p.melMajor ? p.n : 1,
    ];
    if (threads === 1) {
      // A streaming hop (one or two frames): a plain call, without the per-thread closures.
      ctx.pool.call('fbankFrames', ...args, 0, p.n, scratch);
      return;
    }
    ctx.pool.parallel('fbankFrames', (thread) => {
      const range = thread < threads ? rowRange(groups, threads, thread) : null;
      return range === null ? null : [...args, range[0] * 4, Math.min(p.n, range[1] * 4), scratch + thread * perThread];
    });
  },
};
