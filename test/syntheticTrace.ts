/**
 * A deterministic Chrome trace shaped like hp.trace.stop()'s output, of any size: `calls`
 * kernel calls on the caller's lane, each with the caller's share nested in it and one share
 * per pool worker on the workers' lanes, every 500th call with a copy and every 700th with a
 * fallback. 20,000 calls and 3 workers make 100,000 spans. Used by the browser test and
 * bench/reportBrowser.ts.
 */
import { toChromeTrace, type ChromeTrace } from '../src/trace/chrome.js';
import type { KernelCall } from '../src/monitor/call.js';

const KERNELS = ['matmul', 'softmax', 'add', 'layerNorm', 'relu', 'pairwiseDistances'];

export function syntheticTrace(calls: number, workers: number): ChromeTrace {
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const origin = 1_800_000_000_000;
  let t = origin;
  const list: KernelCall[] = [];
  for (let i = 0; i < calls; i++) {
    const kernel = KERNELS[i % KERNELS.length]!;
    // Log-uniform durations from 5 µs to 5 ms, gaps of up to 50 µs.
    const durationMs = 0.005 * 1000 ** rnd();
    const share = durationMs * 0.8;
    list.push({
      kernel,
      backend: i % 700 === 0 ? 'ref' : 'wasm',
      dtype: 'float32',
      shapes: [[256, 64]],
      startMs: t,
      durationMs,
      threads: workers + 1,
      flops: 256 * 64 * 10,
      bytes: 256 * 64 * 8,
      fallbacks: i % 700 === 0 ? ['wasm: wasm has no such kernel yet'] : [],
      copies: i % 500 === 0 ? [`${kernel}: inputs copied to row-major for wasm (layout)`] : [],
      verify: 'skipped',
      threadSpans: Array.from({ length: workers + 1 }, (_, thread) => ({ thread, startMs: t + durationMs * 0.1 * rnd(), durationMs: share * (0.5 + 0.5 * rnd()) })),
    });
    t += durationMs + 0.05 * rnd();
  }
  return toChromeTrace(list, { originEpochMs: origin, pid: 4242, dropped: 0, capacity: calls });
}
