/**
 * What every property test file shares: a fresh runtime, the fixed seed and run count, `check`
 * (one fast-check property inside `hp.scope()`), `runOn` (which counts a backend's declined
 * calls instead of failing), and the closing test that prints the declined counts and checks
 * that no tensor leaked. Not a test file.
 *
 * @example
 * const { hp, backends, check, runOn, testReleased } = await createPropertyHarness();
 * for (const backend of backends) {
 *   test(`relu on ${backend}`, () => check(reluCall, (c) => runOn(backend, 'relu', [c.inputs[0]!.build(hp)], {})));
 * }
 * testReleased(); // register it after every other test of the file
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { KernelName, Tensor } from '../../src/index.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';

const SEED = 424242;
const RUNS = 100;

export interface PropertyHarness {
  readonly hp: Runtime;
  /** Names of the available backends. */
  readonly backends: readonly string[];
  /** Asserts `predicate` for RUNS values of `arb` from SEED, each inside `hp.scope()`. */
  check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void): void;
  /** Outputs of one call on `backend`, or undefined when the backend declines it (counted). */
  runOn(backend: string, kernel: KernelName, inputs: readonly (Tensor | undefined)[], attrs: object): Tensor[] | undefined;
  /** Registers the closing test: prints declined counts and backends, checks nothing leaked. Call it last. */
  testReleased(): void;
}

/** Creates the runtime (closed after the file's tests) and the helpers bound to it. */
export async function createPropertyHarness(options: RuntimeOptions = {}): Promise<PropertyHarness> {
  const hp = await createRuntime(options);
  const startTensors = hp.memory().tensors;
  const backends = hp.backends().filter((b) => b.available).map((b) => b.name);
  const declined = new Map<string, number>();

  after(() => hp.close());

  function check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void): void {
    fc.assert(
      fc.property(arb, (value) => hp.scope(() => predicate(value))),
      { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
    );
  }

  function runOn(backend: string, kernel: KernelName, inputs: readonly (Tensor | undefined)[], attrs: object): Tensor[] | undefined {
    // Ask dispatch first: a backend that declines is counted, not failed (ref never declines).
    if (backend !== 'ref' && hp.explain(kernel, inputs, attrs as never, { backend }).backend === undefined) {
      const key = `${backend} ${kernel}`;
      declined.set(key, (declined.get(key) ?? 0) + 1);
      return undefined;
    }
    return hp.run(kernel, inputs, attrs as never, { backend });
  }

  function testReleased(): void {
    test('every tensor made by the properties is released', (t) => {
      for (const [key, count] of declined) {
        t.diagnostic(`declined: ${key} x${count}`);
      }
      t.diagnostic(`backends: ${backends.join(', ')}`);
      assert.equal(hp.memory().tensors, startTensors);
    });
  }

  return { hp, backends, check, runOn, testReleased };
}

/** The elements of `t` in row-major order, as numbers. */
export function values(t: Tensor): number[] {
  return Array.from(t.toArray() as ArrayLike<number>);
}

/** Equal as float bits would be, except that any NaN equals any NaN (and 0 differs from -0). */
export function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}
