/**
 * Property tests, laws (fast-check, fixed seed): properties that hold for any correct
 * implementation (softmax sums to 1, transpose twice is the identity, NaN propagates, ...),
 * checked on each available backend without comparing with another backend.
 * A backend that declines a call (BACKEND "cannot run this call") is counted and printed, not failed.
 * Agreement of every kernel with `ref` on strided inputs is in `crossBackend.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { KERNELS } from '../../src/index.js';
import { compare, describeWorst, underflow } from '../../src/kernels/tolerance.js';
import { dtypeInfo, type DType } from '../../src/tensor/dtype.js';
import { axisArb, permutationArb, shapeArb, type LayoutCase } from '../../src/testing/arbitraries.js';
import { anyDType, axisCall, binaryCall, caseArb, floatDType, hamerlyCall, matmulCall, offsetRows, reluCall, shapedCaseArb } from './calls.js';
import { createPropertyHarness, sameBits, values } from './harness.js';
import { asDType, inverse, lines, tripleLoop } from './rowMajor.js';

const { hp, backends, check, runOn, testReleased } = await createPropertyHarness();

/** Smallest positive value of a float dtype (subnormal): the absolute slack of one rounding. */
function trueMin(dtype: DType): number {
  return dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
}

for (const backend of backends) {
  describe(`backend ${backend}`, () => {
    test('softmax: each line sums to 1 and lies in [0, 1], even near ±1e38', () => {
      const tol = KERNELS.softmax.tolerance;
      assert.equal(tol.kind, 'ulp');
      check(axisCall('softmax'), (c) => {
        const x = c.inputs[0]!;
        const [y] = runOn(backend, 'softmax', [x.build(hp)], c.attrs) ?? [];
        if (y === undefined) return;
        const v = values(y);
        const axis = (c.attrs as { axis: number }).axis;
        const eps = dtypeInfo(x.dtype).eps;
        for (const line of lines(x.shape, axis < 0 ? axis + x.shape.length : axis)) {
          if (line.length === 0) continue;
          const sum = line.reduce((s, i) => s + v[i]!, 0);
          const bound = tol.ulp * eps + line.length * trueMin(x.dtype);
          assert.ok(Math.abs(sum - 1) <= bound, `line sums to ${sum} (bound ${bound}) for ${line.map((i) => x.values[i]).join(', ')}`);
          line.forEach((i) => assert.ok(v[i]! >= 0 && v[i]! <= 1, `softmax ${v[i]} outside [0, 1]`));
        }
      });
    });

    test('logSoftmax <= 0 and exp(logSoftmax) = softmax', () => {
      const tl = KERNELS.logSoftmax.tolerance;
      const ts = KERNELS.softmax.tolerance;
      assert.ok(tl.kind === 'ulp' && ts.kind === 'ulp');
      check(axisCall('logSoftmax'), (c) => {
        const x = c.inputs[0]!.build(hp);
        const l = runOn(backend, 'logSoftmax', [x], c.attrs)?.[0];
        const s = runOn(backend, 'softmax', [x], c.attrs)?.[0];
        if (l === undefined || s === undefined) return;
        const eps = dtypeInfo(x.dtype).eps;
        const lv = values(l);
        const sv = values(s);
        lv.forEach((li, i) => {
          assert.ok(li <= 0, `logSoftmax ${li} > 0`);
          const e = Math.exp(li);
          if (e === sv[i]) return;
          // Below the smallest normal the declared tolerances allow flush-to-zero (tolerance.ts).
          const bound = 1.01 * sv[i]! * (tl.ulp * eps * Math.max(Math.abs(li), 1) + ts.ulp * eps) + ts.ulp * underflow(x.dtype);
          assert.ok(Math.abs(e - sv[i]!) <= bound, `exp(${li}) = ${e} vs softmax ${sv[i]} (bound ${bound})`);
        });
      });
    });

    test('transpose twice with the inverse perm is the identity (bit-exact)', () => {
      const arb = shapedCaseArb({}, anyDType, { nonFinite: true }).chain((x) => permutationArb(x.shape.length).map((perm) => ({ x, perm })));
      check(arb, ({ x, perm }) => {
        const y = runOn(backend, 'transpose', [x.build(hp)], { perm })?.[0];
        const z = y === undefined ? undefined : runOn(backend, 'transpose', [y], { perm: inverse(perm) })?.[0];
        if (y === undefined || z === undefined) return;
        assert.deepEqual(y.shape, perm.map((p) => x.shape[p]!));
        assert.deepEqual(z.shape, x.shape);
        values(z).forEach((v, i) => assert.ok(sameBits(v, x.values[i]!), `element ${i}: ${v} vs ${x.values[i]}`));
      });
    });

    test('reduceSum over all axes = reduceSum over one axis, then over the rest', () => {
      const tol = KERNELS.reduceSum.tolerance;
      const arb = shapedCaseArb({ minRank: 1 }, floatDType, { maxAbs: 1e30 }).chain((x) => fc.tuple(fc.constant(x), axisArb(x.shape.length), fc.boolean()));
      check(arb, ([x, axis, keepdims]) => {
        const t = x.build(hp);
        const total = runOn(backend, 'reduceSum', [t], { keepdims: false })?.[0];
        const partial = runOn(backend, 'reduceSum', [t], { axes: [axis], keepdims })?.[0];
        const twoStep = partial === undefined ? undefined : runOn(backend, 'reduceSum', [partial], { keepdims: false })?.[0];
        if (total === undefined || twoStep === undefined) return;
        assert.deepEqual(total.shape, []);
        assert.deepEqual(twoStep.shape, []);
        const magnitude = x.values.reduce((s, v) => s + Math.abs(v), 0);
        const result = compare({ tolerance: tol, dtype: x.dtype, actual: twoStep.toArray(), expected: total.toArray(), magnitude: asDType('float64', [magnitude]), depth: x.values.length });
        assert.ok(result.ok, describeWorst(result));
      });
    });

    for (const kernel of ['add', 'mul'] as const) {
      test(`${kernel} is commutative (bit-exact, with NaN and Inf, broadcasting)`, () => {
        check(binaryCall(kernel), (c) => {
          const [a, b] = c.inputs.map((x) => x!.build(hp));
          const ab = runOn(backend, kernel, [a, b], {})?.[0];
          const ba = runOn(backend, kernel, [b, a], {})?.[0];
          if (ab === undefined || ba === undefined) return;
          assert.deepEqual(ab.shape, ba.shape);
          const result = compare({ tolerance: { kind: 'exact' }, dtype: ab.dtype, actual: ab.toArray(), expected: ba.toArray() });
          assert.ok(result.ok, describeWorst(result));
        });
      });
    }

    test('relu is idempotent and never negative', () => {
      check(reluCall, (c) => {
        const once = runOn(backend, 'relu', [c.inputs[0]!.build(hp)], {})?.[0];
        const twice = once === undefined ? undefined : runOn(backend, 'relu', [once], {})?.[0];
        if (once === undefined || twice === undefined) return;
        const v = values(once);
        v.forEach((y) => assert.ok(y >= 0 || Number.isNaN(y), `relu gave ${y}`));
        values(twice).forEach((y, i) => assert.ok(sameBits(y, v[i]!), `relu(relu) ${y} vs relu ${v[i]}`));
      });
    });

    test('NaN propagates through add, mul, relu and its softmax line (and no further)', () => {
      const arb = fc
        .tuple(shapeArb({ minRank: 1, minDim: 1 }), floatDType)
        .chain(([shape, dtype]) => fc.tuple(caseArb(shape, dtype), caseArb(shape, dtype), fc.nat(), axisArb(shape.length)));
      check(arb, ([xc, yc, pick, axis]) => {
        const x = xc.build(hp);
        // Poke NaN into x through its own strides; with stride 0 it shows up at several indices.
        const flat = pick % x.size;
        let off = x.offset;
        let rest = flat;
        for (let i = x.rank - 1; i >= 0; i--) {
          off += (rest % x.shape[i]!) * x.strides[i]!;
          rest = Math.floor(rest / x.shape[i]!);
        }
        x.data()[off] = Number.NaN;
        const xv = values(x);
        assert.ok(Number.isNaN(xv[flat]!));
        const y = yc.build(hp);
        for (const kernel of ['add', 'mul', 'relu'] as const) {
          const out = runOn(backend, kernel, kernel === 'relu' ? [x] : [x, y], {})?.[0];
          if (out === undefined) continue;
          values(out).forEach((v, i) => assert.equal(Number.isNaN(v), Number.isNaN(xv[i]!), `${kernel}: element ${i} is ${v}, input ${xv[i]}`));
        }
        const s = runOn(backend, 'softmax', [x], { axis })?.[0];
        if (s === undefined) return;
        const sv = values(s);
        for (const line of lines(x.shape, axis < 0 ? axis + x.rank : axis)) {
          const poisoned = line.some((i) => Number.isNaN(xv[i]!));
          line.forEach((i) => assert.equal(Number.isNaN(sv[i]!), poisoned, `softmax element ${i} is ${sv[i]}`));
        }
      });
    });

    test('layerNorm without scale and bias: mean ~0 and variance ~1 per group', () => {
      const tol = KERNELS.layerNorm.tolerance;
      assert.equal(tol.kind, 'ulp');
      const arb = fc
        .record({ outer: shapeArb({ maxRank: 2, maxDim: 4 }), inner: shapeArb({ minRank: 1, maxRank: 2, minDim: 2 }), epsilon: fc.constantFrom(1e-5, 1e-3), dtype: floatDType })
        .chain((r) => caseArb([...r.outer, ...r.inner], r.dtype, { large: false, tiny: false }).map((x) => ({ ...r, x })));
      check(arb, ({ outer, inner, epsilon, x }) => {
        const y = runOn(backend, 'layerNorm', [x.build(hp)], { axis: outer.length, epsilon })?.[0];
        if (y === undefined) return;
        const eps = dtypeInfo(x.dtype).eps;
        const size = inner.reduce((p, d) => p * d, 1);
        const yv = values(y);
        for (let g = 0; g * size < yv.length; g++) {
          const xs = x.values.slice(g * size, (g + 1) * size);
          const mu = xs.reduce((s, v) => s + v, 0) / size;
          const variance = xs.reduce((s, v) => s + (v - mu) ** 2, 0) / size;
          if (!(variance > 100 * epsilon)) continue;
          const ys = yv.slice(g * size, (g + 1) * size);
          const big = Math.max(1, ...ys.map(Math.abs));
          const mean = ys.reduce((s, v) => s + v, 0) / size;
          const spread = ys.reduce((s, v) => s + (v - mean) ** 2, 0) / size;
          const meanBound = tol.ulp * eps * big;
          const varBound = 2 * tol.ulp * eps * big * big;
          assert.ok(Math.abs(mean) <= meanBound, `group ${g}: mean ${mean} (bound ${meanBound})`);
          const target = variance / (variance + epsilon);
          assert.ok(Math.abs(spread - target) <= varBound, `group ${g}: variance ${spread}, expected ${target} (bound ${varBound})`);
        }
      });
    });

    test('matmul agrees with a plain triple loop (float64 sums) within the accumulated bound', () => {
      const tol = KERNELS.matmul.tolerance;
      check(matmulCall, (c) => {
        const [a, b] = c.inputs as [LayoutCase, LayoutCase];
        const out = runOn(backend, 'matmul', [a.build(hp), b.build(hp)], {})?.[0];
        if (out === undefined) return;
        const { value, magnitude, k } = tripleLoop(a, b);
        // Round the loop's result to the dtype as any backend's store does.
        const result = compare({ tolerance: tol, dtype: a.dtype, actual: out.toArray(), expected: asDType(a.dtype, value), magnitude: asDType(a.dtype, magnitude), depth: k });
        assert.ok(result.ok, describeWorst(result));
      });
    });

    test("hamerly with an offset gives hamerly's outputs on x + offset (rounded to x's dtype, computed here), bit for bit", () => {
      check(hamerlyCall.filter((c) => c.inputs[6] !== undefined), (c) => {
        const [x, centroids, labels, bounds, drift, weights, offset] = c.inputs as LayoutCase[];
        const rest = [centroids!.build(hp), labels!.build(hp), bounds!.build(hp), drift!.build(hp), weights?.build(hp)];
        const fused = runOn(backend, 'hamerly', [x!.build(hp), ...rest, offset!.build(hp)], {});
        const centred = hp.tensor(x!.dtype === 'float32' ? Float32Array.from(offsetRows(x!, offset)) : Float64Array.from(offsetRows(x!, offset)), x!.shape);
        const plain = runOn(backend, 'hamerly', [centred, ...rest], {});
        if (fused === undefined || plain === undefined) return;
        ['labels', 'sums', 'counts', 'bounds'].forEach((name, o) => {
          const a = values(fused[o]!);
          const b = values(plain[o]!);
          assert.ok(a.length === b.length && a.every((v, i) => sameBits(v, b[i]!)), `${name}: ${a.join(', ')} with the offset, ${b.join(', ')} on x + offset`);
        });
      });
    });
  });
}

testReleased();
