/**
 * Model-based API fuzzing (issue 8, section 4): 10^4 random sequences of create, view, kernel
 * call (wasm, ref, dispatch), release and scope (sync, async, overlapping and nested async)
 * against a model of what is live (fuzz/model.ts; the fuzz campaign runs 10^6). After every
 * command: released tensors throw LIFETIME and nothing else, live ones hold the model's values,
 * memory() equals the model's count; after each sequence memory() is back at its baseline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runModel } from '../../fuzz/model.js';

test('10^4 random API sequences agree with the lifetime and value model', async () => {
  // A fixed seed: a failure here replays exactly (`tsx fuzz/model.ts --runs 10000 --seed 8`).
  const report = await runModel({ runs: 10_000, seed: 8 });
  assert.equal(report.failure, undefined, report.failure);
  assert.equal(report.sequences, 10_000);
  // The sequences did reach every kind of outcome the invariants are about.
  const outcomes = report.outcomes;
  const total = (op: string, outcome: string): number => Object.entries(outcomes).filter(([k]) => k.startsWith(op)).reduce((sum, [, row]) => sum + (row[outcome] ?? 0), 0);
  for (const [op, outcome] of [['toArray', 'LIFETIME'], ['transpose', 'LIFETIME'], ['add@', 'LIFETIME'], ['matmul@', 'ok'], ['add@', 'SHAPE'], ['reshape', 'ok'], ['scope(async) close', 'ok'], ['scope(async) overlapping', 'closed'], ['scope(sync) throwing', 'SHAPE']] as const) {
    assert.ok(total(op, outcome) > 0, `no ${op} -> ${outcome} in ${JSON.stringify(outcomes)}`);
  }
});

test('the same model with every wasm call split over the worker pool (parallelThreshold 0)', async () => {
  const report = await runModel({ runs: 2_000, seed: 9, parallelThreshold: 0 });
  assert.equal(report.failure, undefined, report.failure);
  assert.equal(report.sequences, 2_000);
});

// A released tensor given a bad axis or index (transpose/permute/moveAxis, get/item) says LIFETIME,
// as kernels, slice, reshape and broadcastTo do: the lifetime is checked before the arguments.
test('released tensors given a wrong argument throw LIFETIME first (lifetimeFirst)', async () => {
  const report = await runModel({ runs: 2_000, seed: 10, lifetimeFirst: true });
  assert.equal(report.failure, undefined, report.failure);
});
