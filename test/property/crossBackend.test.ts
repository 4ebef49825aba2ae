/**
 * Property tests, cross-backend (fast-check, fixed seed): each available backend, given strided /
 * col / broadcast / reversed inputs, agrees with `ref` on contiguous copies of the same values,
 * under the kernel's declared tolerance, for every kernel. First, the layout cases themselves
 * are checked: a built view holds exactly the values its row-major twin holds.
 * A backend that declines a call (BACKEND "cannot run this call") is counted and printed, not failed.
 * Laws that hold for any correct implementation are in `laws.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { KERNELS, type KernelName } from '../../src/index.js';
import { isKernelName } from '../../src/kernels/index.js';
import { compared, toleranceOf, type AnyKernelDef } from '../../src/kernels/kernel.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { magnitudeOf } from '../../src/runtime/verify.js';
import { LAYOUT_KINDS, shapedLayoutCaseArb } from '../../src/testing/arbitraries.js';
import { CALLS, type Call } from './calls.js';
import { createPropertyHarness, sameBits, values } from './harness.js';

/**
 * One pass of the suite per thread configuration: one thread, and two threads with every call
 * split across both (parallelThreshold 0), so the row splits see tiny and ragged shapes too.
 */
const CONFIGS = [
  { label: '1 thread', options: { threads: 1 } },
  { label: '2 threads, every call split', options: { threads: 2, parallelThreshold: 0 } },
];

for (const { label, options } of CONFIGS) {
  const { hp, backends, check, runOn, testReleased } = await createPropertyHarness(options);
  const refBackend = createRefBackend();

  function defOf(kernel: KernelName): AnyKernelDef {
    return KERNELS[kernel] as unknown as AnyKernelDef;
  }

  /** Runs `c` on `backend` with strided inputs and on ref with row-major copies; compares all outputs. */
  function agreesWithRef(backend: string, c: Call): void {
    assert.ok(isKernelName(c.kernel), `unknown kernel ${c.kernel}`);
    const kernel = c.kernel;
    const def = defOf(kernel);
    const strided = c.inputs.map((x) => x?.build(hp));
    const rows = c.inputs.map((x) => x?.buildRow(hp));
    const actual = runOn(backend, kernel, strided, c.attrs);
    if (actual === undefined) {
      return;
    }
    const expected = hp.run(kernel, rows, c.attrs as never, { backend: 'ref' });
    const merged = { ...def.defaults, ...c.attrs };
    const plan = def.infer(rows, merged);
    const depth = def.depth?.(plan) ?? 1;
    const tolerance = toleranceOf(def, plan);
    const magnitudes = tolerance.kind === 'accumulated' ? magnitudeOf(hp, def, merged, rows, refBackend) : undefined;
    assert.equal(actual.length, expected.length);
    expected.forEach((e, i) => {
      if (!compared(def, i)) {
        return;
      }
      const a = actual[i]!;
      assert.deepEqual(a.shape, e.shape, `${c.kernel} output ${i} shape`);
      assert.equal(a.dtype, e.dtype, `${c.kernel} output ${i} dtype`);
      const result = compare({ tolerance, dtype: e.dtype, actual: a.toArray(), expected: e.toArray(), magnitude: magnitudes?.[i], depth });
      assert.ok(result.ok, `${c.kernel} on ${backend}, output ${i} (${tolerance.kind}): ${describeWorst(result)}`);
    });
  }

  test('layout cases build tensors holding exactly their logical values', () => {
    check(shapedLayoutCaseArb({}, { kinds: LAYOUT_KINDS }), (c) => {
      const t = c.build(hp);
      assert.deepEqual(t.shape, c.shape);
      const got = values(t);
      got.forEach((v, i) => assert.ok(sameBits(v, c.values[i]!), `${c.kind}: element ${i} is ${v}, expected ${c.values[i]}`));
      if (c.kind === 'reversed' && c.shape.some((d) => d > 1)) {
        assert.ok(t.strides.some((s) => s < 0), `reversed view without a negative stride: ${t.toString()}`);
      }
      if (c.kind === 'broadcast' && t.size > 0 && c.geometry.baseShape.length < c.shape.length) {
        assert.ok(t.strides.some((s) => s === 0), `broadcast view without a zero stride: ${t.toString()}`);
      }
    });
  });

  for (const backend of backends) {
    describe(`backend ${backend}, ${label}`, () => {
      for (const [kernel, arb] of Object.entries(CALLS)) {
        if (!isKernelName(kernel)) {
          test(`${kernel} agrees with ref on strided inputs`, { skip: `${kernel} is not in KERNELS yet` }, () => {});
          continue;
        }
        test(`${kernel} agrees with ref on strided inputs`, () => {
          check(arb, (c) => agreesWithRef(backend, c));
        });
      }
    });
  }

  testReleased();
}

/**
 * Kernels in KERNELS whose property entry in calls.ts is still being written (by the helpers
 * adding kernels for issue 8, section 3). The test below prints them; the coordinator empties
 * this set. It fails when a kernel is missing from both CALLS and this set, and when a kernel
 * listed here already has an entry (or no longer exists).
 */
const PENDING: ReadonlySet<string> = new Set<string>([]);

// Registered after the configurations' top-level awaits: a test registered before them starts
// the runner early, which then closes the first harness's runtime before its suites ran.
test('every kernel in KERNELS has a property entry in calls.ts', (t) => {
  const missing = Object.keys(KERNELS).filter((k) => !(k in CALLS) && !PENDING.has(k));
  assert.deepEqual(missing, [], `kernels without a property entry in test/property/calls.ts: ${missing.join(', ')}`);
  const stale = [...PENDING].filter((k) => k in CALLS || !isKernelName(k));
  assert.deepEqual(stale, [], 'PENDING lists kernels that have an entry or do not exist: remove them');
  if (PENDING.size > 0) {
    t.diagnostic(`pending property entries (no generator yet): ${[...PENDING].join(', ')}`);
  }
});
