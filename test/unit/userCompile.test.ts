/**
 * The user-kernel compiler on its own (no runtime): refused code is reported at the user's
 * file:line:col with the line and a caret; compiled modules, run on one thread over a shared
 * memory, agree bit for bit with the lane graph's evaluator and within the tolerance with the
 * user's own function run as JavaScript.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HotpathError } from '../../src/errors.js';
import { argumentsOf, type CompiledKernel } from '../../src/user/abi.js';
import { compileKernel, generateKernel } from '../../src/user/compile.js';
import type { UserKernel } from '../../src/user/kernel.js';
import { haversine, haversineMatrix } from '../../examples/haversine.js';
import * as bad from '../kernels/bad.js';
import { chebyshev, clampScale, clamps, everyLane, huber, largest, powers, weighted, zscore } from '../kernels/basic.js';

const BAD_FILE = fileURLToPath(new URL('../kernels/bad.ts', import.meta.url));
const BAD_TEXT = readFileSync(BAD_FILE, 'utf8');

/** The 1-based line and column of the first occurrence of `needle` after `after` (found by hand, not by the compiler). */
function place(needle: string, after: string): string {
  const start = BAD_TEXT.indexOf(after);
  const at = BAD_TEXT.indexOf(needle, start);
  assert.ok(start >= 0 && at >= 0, `${needle} after ${after}`);
  const before = BAD_TEXT.slice(0, at).split('\n');
  return `bad.ts:${before.length}:${before[before.length - 1]!.length + 1}`;
}

function compileError(k: UserKernel): HotpathError {
  try {
    generateKernel(k);
  } catch (error) {
    assert.ok(error instanceof HotpathError, String(error));
    return error;
  }
  assert.fail(`${k.name} compiled`);
}

describe('compile errors name the user position', () => {
  const cases: [UserKernel, string, string, RegExp][] = [
    [bad.usesRandom, 'Math.random()', "name: 'usesRandom'", /Math\.random is not supported.*hint: .*input tensor/s],
    [bad.usesConsole, 'console.log(x)', "name: 'usesConsole'", /console is not available.*require: "ref"/s],
    [bad.closure, 'outer', "name: 'closure'", /'outer' is not a parameter or a local.*closures/s],
    [bad.strings, "'a'", "name: 'strings'", /strings are not supported/],
    [bad.allocates, 'new Float32Array(4)', "name: 'allocates'", /cannot allocate.*shared memory/s],
    [bad.anyType, 'any)', "name: 'anyType'", /'any' is not allowed/],
    [bad.wide, 'f64', "name: 'wide'", /f64 values are not supported.*declare f32/s],
    [bad.loops, 'for (', "name: 'loops'", /loops are not supported in an element body.*rows\(\)/s],
    [bad.missingReturn, 'element(x', "name: 'missingReturn'", /does not return a value on every path/],
    [bad.helper, 'twice(x)', "name: 'helper'", /can only call Math functions.*inline/s],
    [bad.unknownMath, 'Math.clz32(x)', "name: 'unknownMath'", /Math\.clz32 is not supported.*Math\.abs/s],
    [bad.modulo, '%', "name: 'modulo'", /'%' is not supported.*Math\.floor/s],
    [bad.wrongArity, '(x: f32)', "name: 'wrongArity'", /takes 1 parameters here, the declaration gives it 2/],
    [bad.shifted, 'j + 1', "name: 'shifted'", /indexed by the loop variable 'j' only/],
    [bad.carried, 'previous = x[j]', "name: 'carried'", /'previous' is declared outside the loop: it can only be accumulated/],
    [bad.stepTwo, 'for (', "name: 'stepTwo'", /must read for \(let j = 0; j < n; j\+\+\)/],
    [bad.lanesOperator, 'x * x', "name: 'lanesOperator'", /operators do not apply to v128 values.*f32x4\.add/s],
    [bad.lanesLiteral, '2)', "name: 'lanesLiteral'", /a number is not a v128.*f32x4\.splat\(2\)/s],
    [bad.lanesCross, 'f32x4.extract_lane', "name: 'lanesCross'", /f32x4\.extract_lane is not an intrinsic.*cross-lane/s],
    [bad.lanesBranch, 'if (', "name: 'lanesBranch'", /no branches.*v128\.bitselect/s],
    [bad.lanesMath, 'Math.abs(x)', "name: 'lanesMath'", /Math\.abs is not an intrinsic.*f32x4\.\*/s],
    [bad.lanesInElement, 'v128)', "name: 'lanesInElement'", /v128 values belong in a lanes body/],
    [bad.lanesArity, 'v128.bitselect(x, x)', "name: 'lanesArity'", /v128\.bitselect takes 3 arguments, got 2/],
  ];
  for (const [k, needle, after, message] of cases) {
    test(k.name, () => {
      const error = compileError(k);
      assert.equal(error.code, 'COMPILE');
      assert.match(error.message, message);
      assert.ok(error.message.includes(place(needle, after)), `${error.message}\nshould name ${place(needle, after)}`);
      // The source line is quoted with a caret under the offending code.
      const lines = error.message.split('\n');
      const caret = lines.findIndex((l) => /^\s*\^+\s*$/.test(l));
      assert.ok(caret > 0, error.message);
      const column = lines[caret]!.indexOf('^') - 2;
      assert.ok(lines[caret - 1]!.slice(2 + column).startsWith(needle.slice(0, 3)), `${lines[caret - 1]} / ${lines[caret]}`);
    });
  }
});

/** One module over a fresh shared memory, with the params and constants written to its desc block. */
function instantiate(c: CompiledKernel, params: readonly number[]): { memory: WebAssembly.Memory; call: (name: string, values: Record<string, number>) => void; desc: number } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(c.wasm), { env: { memory } });
  const desc = 1024;
  new Float32Array(memory.buffer, desc, params.length).set(params);
  new Int32Array(memory.buffer, desc + 4 * params.length, c.constants.length).set(c.constants);
  return {
    memory,
    desc,
    call(name, values) {
      const sig = c.exports.find((s) => s.name === name)!;
      (instance.exports[name] as (...a: number[]) => void)(...argumentsOf(sig, { desc, ...values }));
    },
  };
}

/** Deterministic values with the edges a kernel meets: ±0, NaN, ±Infinity, tiny and huge. */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  const edges = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -3e38, 1, -1, 0.5];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = i % 17 === 3 ? edges[(s >>> 8) % edges.length]! : ((s / 2 ** 32) * 8 - 4) * (i % 5 === 0 ? 1000 : 1);
  }
  return out;
}

/** |a - e| <= ulp * eps32 * max(|e|, 1), NaN only against NaN, infinities equal. */
function close(a: number, e: number, ulp: number): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) {
    return Number.isNaN(e) && Number.isNaN(a);
  }
  if (!Number.isFinite(e) || !Number.isFinite(a)) {
    return a === e;
  }
  return Math.abs(a - e) <= ulp * 2 ** -23 * Math.max(Math.abs(e), 1);
}

describe('compiled modules agree with the reference', () => {
  test('map: broadcast, strides, tails, NaN and infinities', async () => {
    const c = await compileKernel(clampScale);
    const params = [-1, 2];
    const m = instantiate(c, params);
    // x [3, 7] row-major at 4096, y [7] broadcast over rows (stride 0 on dim 0), out [3, 7].
    const x = data(21, 1);
    const y = data(7, 2);
    new Float32Array(m.memory.buffer, 4096, 21).set(x);
    new Float32Array(m.memory.buffer, 8192, 7).set(y);
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 7, s0_3: 1, p1: 8192, s1_0: 0, s1_1: 0, s1_2: 0, s1_3: 1, out: 12288, d1: 1, d2: 3, d3: 7, rowStart: 0, rowEnd: 3 });
    const out = new Float32Array(m.memory.buffer, 12288, 21);
    for (let i = 0; i < 21; i++) {
      const e = Math.fround(clampScale.decl.element(x[i]!, y[i % 7]!, ...params));
      assert.ok(close(out[i]!, e, 4), `element ${i}: ${x[i]}, ${y[i % 7]} -> ${out[i]}, reference ${e}`);
    }
  });

  test('map: Math.min/max against constants keep Math semantics bit for bit (NaN, -0, infinities)', async () => {
    const c = await compileKernel(clamps);
    const m = instantiate(c, []);
    const edges = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40, -3e38, 3e38, 1, -1, 0.5, -1.5, 2.5, -3, 0.75, 7, -9];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const x of edges) {
      for (const y of [1, -1, 0, -0, Number.NaN, 0.25]) {
        xs.push(x);
        ys.push(y);
      }
    }
    const n = xs.length;
    new Float32Array(m.memory.buffer, 4096, n).set(xs);
    new Float32Array(m.memory.buffer, 8192, n).set(ys);
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, p1: 8192, s1_0: 0, s1_1: 0, s1_2: 0, s1_3: 1, out: 12288, d1: 1, d2: 1, d3: n, rowStart: 0, rowEnd: 1 });
    const out = new Float32Array(m.memory.buffer, 12288, n);
    for (let i = 0; i < n; i++) {
      const e = Math.fround(clamps.decl.element(Math.fround(xs[i]!), Math.fround(ys[i]!)));
      assert.ok(Object.is(out[i], e) || (Number.isNaN(out[i]) && Number.isNaN(e)), `x ${xs[i]}, y ${ys[i]}: ${out[i]} vs Math's ${e}`);
    }
  });

  test('lanes: every exact intrinsic compiled gives the bits the JavaScript shim gives', async () => {
    const c = await compileKernel(everyLane);
    const m = instantiate(c, []);
    const n = 1031;
    const x = data(n, 11);
    const y = data(n, 12);
    new Float32Array(m.memory.buffer, 4096, n).set(x);
    new Float32Array(m.memory.buffer, 16384, n).set(y);
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, p1: 16384, s1_0: 0, s1_1: 0, s1_2: 0, s1_3: 1, out: 32768, d1: 1, d2: 1, d3: n, rowStart: 0, rowEnd: 1 });
    const out = new Float32Array(m.memory.buffer, 32768, n);
    const bits = new Int32Array(m.memory.buffer, 32768, n);
    const scratch = new Float32Array(1);
    const scratchBits = new Int32Array(scratch.buffer);
    for (let i = 0; i < n; i++) {
      scratch[0] = everyLane.decl.element(x[i]!, y[i]!);
      // NaN payloads do not survive a JavaScript number: any NaN matches any NaN.
      assert.ok(bits[i] === scratchBits[0] || (Number.isNaN(out[i]) && Number.isNaN(scratch[0])), `x ${x[i]}, y ${y[i]}: ${out[i]} vs shim ${scratch[0]}`);
    }
  });

  test('map: a transposed input (stride 3 in the inner loop) gathers lanes', async () => {
    const c = await compileKernel(clampScale);
    const m = instantiate(c, [-1, 2]);
    const x = data(12, 3);
    const y = data(12, 4);
    new Float32Array(m.memory.buffer, 4096, 12).set(x);
    new Float32Array(m.memory.buffer, 8192, 12).set(y);
    // out[i, j] (4 x 3) = f(x[j, i] of a 3 x 4 row-major x, y[i, j] row-major).
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 1, s0_3: 4, p1: 8192, s1_0: 0, s1_1: 0, s1_2: 3, s1_3: 1, out: 12288, d1: 1, d2: 4, d3: 3, rowStart: 0, rowEnd: 4 });
    const out = new Float32Array(m.memory.buffer, 12288, 12);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        const e = Math.fround(clampScale.decl.element(x[j * 4 + i]!, y[i * 3 + j]!, -1, 2));
        assert.ok(close(out[i * 3 + j]!, e, 4), `(${i}, ${j}) -> ${out[i * 3 + j]}, reference ${e}`);
      }
    }
  });

  test('reduce sum: partials per chunk, float64 accumulation', async () => {
    const c = await compileKernel(huber);
    const m = instantiate(c, [1.5]);
    const n = 1003;
    // Finite and far from float32 overflow: r * r of 3e38 is Infinity in float32 lanes and not
    // in the float64 reference (a difference the tolerance does not cover, by design).
    const a = data(n, 5).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e4 ? v : 0.25));
    const b = data(n, 6).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e4 ? v : -0.25));
    new Float32Array(m.memory.buffer, 8192, n).set(a);
    new Float32Array(m.memory.buffer, 16384, n).set(b);
    // [1003] as rows of 100 (10 full rows and one of 3, chunkRows 4: partials 0..2).
    m.call('run', { p0: 8192, s0_0: 0, s0_1: 0, s0_2: 100, s0_3: 1, p1: 16384, s1_0: 0, s1_1: 0, s1_2: 100, s1_3: 1, partials: 32768, d1: 1, d2: 10, d3: 100, chunkRows: 4, rowStart: 0, rowEnd: 10 });
    m.call('run', { p0: 8192 + 4000, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, p1: 16384 + 4000, s1_0: 0, s1_1: 0, s1_2: 0, s1_3: 1, partials: 32768 + 24, d1: 1, d2: 1, d3: 3, chunkRows: 1, rowStart: 0, rowEnd: 1 });
    const partials = new Float64Array(m.memory.buffer, 32768, 4);
    let reference = 0;
    for (let i = 0; i < n; i++) {
      reference += huber.decl.element(a[i]!, b[i]!, 1.5);
    }
    const total = partials.reduce((s, v) => s + v, 0);
    // Each element value is rounded to float32 once; the sum itself is in float64.
    assert.ok(Math.abs(total - reference) <= 2 ** -23 * n * Math.max(...Array.from(a, (v, i) => Math.abs(huber.decl.element(v, b[i]!, 1.5)))), `${total} vs ${reference}`);
    let chunk0 = 0;
    for (let i = 0; i < 400; i++) {
      chunk0 += huber.decl.element(a[i]!, b[i]!, 1.5);
    }
    assert.ok(Math.abs(partials[0]! - chunk0) <= 1e-5 * Math.abs(chunk0), `chunk 0 holds rows 0-3: ${partials[0]} vs ${chunk0}`);
  });

  test('reduce max: NaN propagates like Math.max', async () => {
    const c = await compileKernel(largest);
    const m = instantiate(c, []);
    const x = Float32Array.from([1, -7, 3, 2, 5]);
    new Float32Array(m.memory.buffer, 4096, 5).set(x);
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, partials: 8192, d1: 1, d2: 1, d3: 5, chunkRows: 1, rowStart: 0, rowEnd: 1 });
    assert.equal(new Float64Array(m.memory.buffer, 8192, 1)[0], 6);
    new Float32Array(m.memory.buffer, 4096 + 8, 1)[0] = Number.NaN;
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, partials: 8192, d1: 1, d2: 1, d3: 5, chunkRows: 1, rowStart: 0, rowEnd: 1 });
    assert.ok(Number.isNaN(new Float64Array(m.memory.buffer, 8192, 1)[0]));
  });

  test('pairwise run and assign, with finish and a max combine', async () => {
    for (const k of [weighted, chebyshev]) {
      const c = await compileKernel(k);
      const params = k.params.map(([, v]) => v);
      const m = instantiate(c, params);
      const n = 5;
      const mRows = 4;
      const d = 7;
      const x = data(n * d, 7).map((v) => (Number.isFinite(v) ? v : 1));
      const y = data(mRows * d, 8).map((v) => (Number.isFinite(v) ? v : 2));
      new Float32Array(m.memory.buffer, 4096, n * d).set(x);
      new Float32Array(m.memory.buffer, 8192, mRows * d).set(y);
      const common = { x: 4096, xrs: d, y: 8192, yrs: d, d, m: mRows, rowStart: 0, rowEnd: n };
      m.call('run', { ...common, out: 12288 });
      m.call('assign', { ...common, labels: 16384, best: 20480 });
      const out = new Float32Array(m.memory.buffer, 12288, n * mRows);
      const labels = new Int32Array(m.memory.buffer, 16384, n);
      const decl = k.decl;
      for (let i = 0; i < n; i++) {
        let bestJ = 0;
        let bestD = Number.NaN;
        for (let j = 0; j < mRows; j++) {
          let acc = decl.combine === 'max' ? Number.NEGATIVE_INFINITY : 0;
          for (let q = 0; q < d; q++) {
            const t = decl.term(x[i * d + q]!, y[j * d + q]!, ...params);
            acc = decl.combine === 'max' ? Math.max(acc, t) : acc + t;
          }
          const e = decl.finish === undefined ? acc : decl.finish(acc, ...params);
          assert.ok(Math.abs(out[i * mRows + j]! - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${k.name} (${i}, ${j}): ${out[i * mRows + j]} vs ${e}`);
          if (e < bestD || Number.isNaN(bestD)) {
            bestD = e;
            bestJ = j;
          }
        }
        assert.equal(labels[i], bestJ, `${k.name} row ${i}`);
      }
    }
  });

  test('rows: accumulations, a uniform branch, tails and padded rows', async () => {
    const c = await compileKernel(zscore);
    const eps = 1e-6;
    const m = instantiate(c, [eps]);
    for (const n of [1, 3, 4, 7, 33]) {
      const rowsCount = 4;
      const stride = n + 2;
      const x = data(rowsCount * stride, n).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e4 ? v : 1.5));
      // Row 2 is constant: its peak is 0, so the branch writes zeros.
      x.fill(3, 2 * stride, 2 * stride + n);
      new Float32Array(m.memory.buffer, 4096, x.length).set(x);
      new Float32Array(m.memory.buffer, 65536, rowsCount * n).fill(99);
      m.call('run', { x0: 4096, rs0: stride, out: 65536, ors: n, n, rowStart: 0, rowEnd: rowsCount });
      const out = new Float32Array(m.memory.buffer, 65536, rowsCount * n);
      for (let r = 0; r < rowsCount; r++) {
        const expected = new Float32Array(n);
        (zscore.decl.row as (x: Float32Array, out: Float32Array, n: number, eps: number) => void)(x.subarray(r * stride, r * stride + n), expected, n, eps);
        for (let j = 0; j < n; j++) {
          assert.ok(Math.abs(out[r * n + j]! - expected[j]!) <= 1e-5 * Math.max(1, Math.abs(expected[j]!)), `n ${n} row ${r} col ${j}: ${out[r * n + j]} vs ${expected[j]}`);
        }
      }
    }
  });

  test('a body of more than 128 nodes (haversine: sin, cos, asin) within its declared tolerance', async () => {
    const c = await compileKernel(haversine);
    const m = instantiate(c, [6371]);
    const n = 9;
    const k = 11;
    const lat1 = data(n, 11).map((v) => (Number.isFinite(v) ? (v % 1.5) : 0.3));
    const lon1 = data(n, 12).map((v) => (Number.isFinite(v) ? (v % 3) : -1));
    const lat2 = data(k, 13).map((v) => (Number.isFinite(v) ? (v % 1.5) : 0.7));
    const lon2 = data(k, 14).map((v) => (Number.isFinite(v) ? (v % 3) : 2));
    [lat1, lon1, lat2, lon2].forEach((a, i) => new Float32Array(m.memory.buffer, 4096 * (i + 1), a.length).set(a));
    // [n, 1] x [1, k] broadcast: the first two vary by row, the last two by column.
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 1, s0_3: 0, p1: 8192, s1_0: 0, s1_1: 0, s1_2: 1, s1_3: 0, p2: 12288, s2_0: 0, s2_1: 0, s2_2: 0, s2_3: 1, p3: 16384, s3_0: 0, s3_1: 0, s3_2: 0, s3_3: 1, out: 32768, d1: 1, d2: n, d3: k, rowStart: 0, rowEnd: n });
    const out = new Float32Array(m.memory.buffer, 32768, n * k);
    const expected = haversineMatrix(lat1, lon1, lat2, lon2);
    const ulp = haversine.decl.tolerance!.ulp;
    for (let i = 0; i < n * k; i++) {
      assert.ok(close(out[i]!, expected[i]!, ulp), `pair ${i}: ${out[i]} km vs ${expected[i]} km`);
    }
  });

  test('x ** literal: small exponents by multiplies, others by pow, all within 4 ulp of Math.pow', async () => {
    const c = await compileKernel(powers);
    const m = instantiate(c, []);
    const x = Float32Array.from([0.5, 2, 3, 7.25, 100, 0.001, 9, 1, 0, 1e-20, 3e10, Number.POSITIVE_INFINITY, Number.NaN]);
    new Float32Array(m.memory.buffer, 4096, x.length).set(x);
    m.call('run', { p0: 4096, s0_0: 0, s0_1: 0, s0_2: 0, s0_3: 1, out: 8192, d1: 1, d2: 1, d3: x.length, rowStart: 0, rowEnd: 1 });
    const out = new Float32Array(m.memory.buffer, 8192, x.length);
    x.forEach((v, i) => {
      const e = Math.fround(powers.decl.element(v));
      assert.ok(close(out[i]!, e, 4), `${v}: ${out[i]} vs ${e}`);
    });
  });
});
