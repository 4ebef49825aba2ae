/**
 * Plain TypeScript baselines of the userKernels benchmark that have no example in examples/
 * yet: what a user has before hotpath, written the usual way over Float32Array (float64
 * arithmetic in JS numbers, a fresh output per call, nothing deliberately slow). The other
 * baselines are the functions the examples are ported from (examples/huber.ts huberLoss,
 * examples/haversine.ts haversineMatrix, examples/robustScale.ts zScoreRows).
 * test/unit/userKernelBaselines.test.ts holds all of them to independent float64 computations.
 */
import { fail } from '../../src/errors.js';

function need(kernel: string, what: string, expected: number, received: number): void {
  if (expected !== received) {
    fail({ code: 'SHAPE', kernel, problem: `${what} does not match`, expected: String(expected), received: String(received) });
  }
}
