/**
 * The native backend's GEMM family (native/src/gemm*.c): matmul and gemm, float32 and float64,
 * on every path this machine runs (avx512, avx2, scalar), on 1 thread and on 2 threads with
 * every call split, at sizes that end on every edge of the blocking (1, 7, MR + 1 and NR + 1 of
 * each path, KC + 1, MC + 1, NC + 1, odd), through transposed, strided and reversed views,
 * batched and broadcast, and gemm's alpha, beta, C broadcasts and transA / transB. Expected
 * values come from a plain float64 triple loop in this file over the inputs' logical values;
 * answers must lie within the kernels' declared tolerance (an `accumulated` bound on the
 * float64 sum of |terms|). The runtimes have the native backend only, so a declined call throws
 * instead of running elsewhere. Skipped, with the reason, where the addon is not built.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRuntime, type Runtime, type Tensor } from '../../src/index.js';
import { gemm as gemmDef } from '../../src/kernels/gemm.js';
import { matmul as matmulDef } from '../../src/kernels/matmul.js';
import { compare, describeWorst } from '../../src/kernels/tolerance.js';
import { lcg } from '../helpers.js';
import { nativePaths, nativeSkip } from '../native.js';

type Float = 'float32' | 'float64';

/** Every path this machine runs (avx512, avx2, scalar here; neon on arm64). */
const PATHS = nativePaths;
const SKIP = nativeSkip ?? false;

/**
 * [m, n, k]: 1 and 7; 13 = 12 + 1 (AVX-512 MR), 7 = 6 + 1 (AVX2 MR), 5 = 4 + 1 (scalar MR);
 * 33 / 17 / 9 / 5 = NR + 1 per path and dtype; 257 = KC + 1 (KC 256; 128 for AVX-512 float64)
 * and 515 (three or more slices of k); 1537 = MC + 1 rows (AVX-512, AVX2: 1536), 290 past the
 * scalar path's 256; 4097 columns cross every path's NC (512 or less) 8 or more times; k = 0
 * (an all-zero product); m >= n splits rows across threads (in chunks of 8 micro-tiles from a
 * shared counter: 203 rows are several chunks on every path; evenly instead when a thread's
 * packed copy of B would pass 16 MiB: k = 140000 on the AVX-512 path), n > m
 * columns.
 */
const SIZES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [1, 7, 7],
  [7, 1, 7],
  [7, 7, 1],
  [13, 33, 7],
  [7, 17, 13],
  [5, 9, 5],
  [5, 9, 257],
  [25, 50, 515],
  [37, 45, 61],
  [290, 3, 5],
  [1537, 3, 5],
  [203, 45, 300],
  [32, 3, 140000],
  [3, 4097, 2],
  [4, 5, 0],
];

const runtimes = new Map<string, Runtime>();
let ref: Runtime;

before(async () => {
  ref = await createRuntime({ backends: ['ref'] });
  for (const isa of PATHS) {
    for (const threads of [1, 2]) {
      runtimes.set(`${isa} ${threads}`, await createRuntime({ backends: ['native'], require: 'native', threads, parallelThreshold: 0, native: { isa } }));
    }
  }
});

after(async () => {
  await ref?.close();
  for (const hp of runtimes.values()) {
    await hp.close();
  }
});

function values(count: number, seed: number, dtype: Float): Float32Array | Float64Array {
  const next = lcg(seed);
  const v = Float64Array.from({ length: count }, () => next() * 2 - 1);
  return dtype === 'float32' ? Float32Array.from(v) : v;
}

/** Logical values of a tensor (or view), row-major, as float64. */
function logical(t: Tensor): Float64Array {
  return Float64Array.from(t.toArray() as Float32Array | Float64Array);
}

/**
 * out[i, j] = alpha * sum_p a[i, p] b[p, j] + beta * c(i, j) in float64 over row-major logical
 * a [m, k] and b [k, n]; mag[i, j] the same over |terms| with max(|alpha|, 1) and |beta| (the
 * magnitude the kernels' accumulated tolerance is relative to).
 */
function product(a: Float64Array, b: Float64Array, m: number, n: number, k: number, alpha = 1, beta = 0, c?: (i: number, j: number) => number): { out: Float64Array; mag: Float64Array } {
  const out = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        sum += a[i * k + p]! * b[p * n + j]!;
        abs += Math.abs(a[i * k + p]! * b[p * n + j]!);
      }
      const cij = c === undefined ? 0 : c(i, j);
      out[i * n + j] = alpha * sum + beta * cij;
      mag[i * n + j] = Math.max(Math.abs(alpha), 1) * abs + Math.abs(beta) * Math.abs(cij);
    }
  }
  return { out, mag };
}

function assertClose(what: string, kernel: 'matmul' | 'gemm', actual: Tensor, expected: { out: Float64Array; mag: Float64Array }, depth: number): void {
  const def = kernel === 'matmul' ? matmulDef : gemmDef;
  const dtype = actual.dtype as Float;
  const exp = dtype === 'float32' ? Float32Array.from(expected.out) : expected.out;
  const result = compare({ tolerance: def.tolerance, dtype, actual: actual.toArray(), expected: exp, magnitude: expected.mag, depth: Math.max(depth, 1) });
  assert.ok(result.ok, `${what}: ${describeWorst(result)}`);
}

for (const isa of PATHS.length > 0 ? PATHS : (['avx512'] as const)) {
  for (const threads of [1, 2]) {
    describe(`native ${isa}, ${threads} thread${threads > 1 ? 's (every call split)' : ''}`, { skip: SKIP }, () => {
      const hp = (): Runtime => runtimes.get(`${isa} ${threads}`)!;

      for (const dtype of ['float32', 'float64'] as const) {
        test(`matmul ${dtype}: every blocking edge`, () => {
          for (const [m, n, k] of SIZES) {
            const a = hp().tensor(values(m * k, m * 31 + k, dtype), [m, k]);
            const b = hp().tensor(values(k * n, n * 17 + k + 1, dtype), [k, n]);
            const c = hp().matmul(a, b);
            assertClose(`[${m},${k}] @ [${k},${n}]`, 'matmul', c, product(logical(a), logical(b), m, n, k), k);
            for (const t of [a, b, c]) {
              t.release();
            }
          }
        });

        test(`matmul ${dtype}: transposed, strided and reversed views`, () => {
          const [m, n, k] = [19, 37, 270];
          const aT = hp().tensor(values(m * k, 5, dtype), [k, m]).transpose();
          const bT = hp().tensor(values(k * n, 6, dtype), [n, k]).transpose();
          const aBig = hp().tensor(values(4 * m * k, 7, dtype), [2 * m, 2 * k]);
          const aStep = aBig.slice([1, 2 * m, 2], [0, 2 * k, 2]);
          const bBig = hp().tensor(values(3 * k * n, 8, dtype), [k, 3 * n]);
          const bStep = bBig.slice(null, [2, 3 * n, 3]);
          const aRev = aBig.slice([m - 1, undefined, -1], [k - 1, undefined, -1]);
          const bCol = hp().tensor(values(k * n, 9, dtype), [k, n], { layout: 'col' });
          const cases: [string, Tensor, Tensor][] = [
            ['a transposed', aT, bStep],
            ['b transposed', aStep, bT],
            ['both transposed', aT, bT],
            ['a reversed (negative strides), b column-major', aRev, bCol],
            ['strided', aStep, bStep],
          ];
          for (const [what, a, b] of cases) {
            assert.deepEqual([a.shape, b.shape], [[m, k], [k, n]], what);
            const c = hp().matmul(a, b);
            assertClose(what, 'matmul', c, product(logical(a), logical(b), m, n, k), k);
            c.release();
          }
          for (const t of [aT, bT, aBig, bBig, bCol]) {
            t.release();
          }
        });

        test(`matmul ${dtype}: batched, broadcast and 1-D operands`, () => {
          const [m, n, k] = [9, 14, 21];
          const a3 = hp().tensor(values(3 * m * k, 11, dtype), [3, m, k]);
          const b2 = hp().tensor(values(k * n, 12, dtype), [k, n]);
          const a4 = hp().tensor(values(2 * m * k, 13, dtype), [2, 1, m, k]);
          const b3 = hp().tensor(values(3 * k * n, 14, dtype), [3, k, n]);
          const av = hp().tensor(values(k, 15, dtype), [k]);
          const bv = hp().tensor(values(k, 16, dtype), [k]);
          const A3 = logical(a3);
          const B2 = logical(b2);
          const A4 = logical(a4);
          const B3 = logical(b3);
          const slab = (x: Float64Array, index: number, size: number): Float64Array => x.subarray(index * size, (index + 1) * size);
          const join = (parts: { out: Float64Array; mag: Float64Array }[]): { out: Float64Array; mag: Float64Array } => ({
            out: Float64Array.from(parts.flatMap((p) => [...p.out])),
            mag: Float64Array.from(parts.flatMap((p) => [...p.mag])),
          });
          const c1 = hp().matmul(a3, b2);
          assert.deepEqual(c1.shape, [3, m, n]);
          assertClose('[3,m,k] @ [k,n]', 'matmul', c1, join([0, 1, 2].map((i) => product(slab(A3, i, m * k), B2, m, n, k))), k);
          const c2 = hp().matmul(a4, b3);
          assert.deepEqual(c2.shape, [2, 3, m, n]);
          const pairs = [0, 1].flatMap((i) => [0, 1, 2].map((j) => product(slab(A4, i, m * k), slab(B3, j, k * n), m, n, k)));
          assertClose('[2,1,m,k] @ [3,k,n]', 'matmul', c2, join(pairs), k);
          const c3 = hp().matmul(av, b2);
          assert.deepEqual(c3.shape, [n]);
          assertClose('[k] @ [k,n]', 'matmul', c3, product(logical(av), B2, 1, n, k), k);
          const c4 = hp().matmul(b2.transpose(), bv);
          assert.deepEqual(c4.shape, [n]);
          assertClose('[n,k] (transposed) @ [k]', 'matmul', c4, product(logical(b2.transpose()), logical(bv), n, 1, k), k);
          for (const t of [a3, b2, a4, b3, av, bv, c1, c2, c3, c4]) {
            t.release();
          }
        });

        test(`gemm ${dtype}: alpha, beta, C broadcasts, transA / transB`, () => {
          // m > n: rows split in chunks across threads (each chunk starts from beta * C).
          const [m, n, k] = [131, 35, 300];
          const a = hp().tensor(values(m * k, 21, dtype), [m, k]);
          const aT = hp().tensor(values(m * k, 22, dtype), [k, m]);
          const b = hp().tensor(values(k * n, 23, dtype), [k, n]);
          const bT = hp().tensor(values(k * n, 24, dtype), [n, k]);
          const cFull = hp().tensor(values(m * n, 25, dtype), [n, m]).transpose();
          const cRow = hp().tensor(values(n, 26, dtype), [n]);
          const cCol = hp().tensor(values(m, 27, dtype), [m, 1]);
          const cNaN = hp().tensor(new (dtype === 'float32' ? Float32Array : Float64Array)(m * n).fill(NaN), [m, n]);
          const A = logical(a);
          const AT = logical(aT.transpose());
          const B = logical(b);
          const BT = logical(bT.transpose());
          const CF = logical(cFull);
          const CR = logical(cRow);
          const CC = logical(cCol);
          const cases: [string, Tensor, Float64Array, Tensor, Float64Array, Tensor | undefined, ((i: number, j: number) => number) | undefined, { alpha?: number; beta?: number; transA?: boolean; transB?: boolean }][] = [
            ['no C, alpha 1', a, A, b, B, undefined, undefined, {}],
            ['C [m,n] transposed view, alpha 0.5, beta 2', a, A, b, B, cFull, (i, j) => CF[i * n + j]!, { alpha: 0.5, beta: 2 }],
            ['C [n], transA, alpha -3', aT, AT, b, B, cRow, (_i, j) => CR[j]!, { alpha: -3, transA: true }],
            ['C [m,1], transB, beta -0.25', a, A, bT, BT, cCol, (i) => CC[i]!, { beta: -0.25, transB: true }],
            ['C [m,1], transA and transB, alpha 0', aT, AT, bT, BT, cCol, (i) => CC[i]!, { alpha: 0, beta: 1.5, transA: true, transB: true }],
            ['beta 0: C (all NaN) not read', a, A, b, B, cNaN, undefined, { alpha: 2, beta: 0 }],
          ];
          for (const [what, x, X, y, Y, c, cOf, attrs] of cases) {
            const out = hp().gemm(x, y, c, attrs);
            assert.deepEqual(out.shape, [m, n], what);
            const alpha = attrs.alpha ?? 1;
            const beta = cOf === undefined ? 0 : (attrs.beta ?? 1);
            assertClose(what, 'gemm', out, product(X, Y, m, n, k, alpha, beta, cOf), k + 1);
            out.release();
          }
          for (const t of [a, aT, b, bT, cFull, cRow, cCol, cNaN]) {
            t.release();
          }
        });
      }
    });
  }
}

test('native matmul far from the origin (large cancelling terms), like ref, within the bound', { skip: SKIP }, async () => {
  // Far from the origin: large cancelling terms, the case the accumulated bound exists for.
  const [m, n, k] = [16, 40, 513];
  const next = lcg(99);
  const a = Float32Array.from({ length: m * k }, () => 1000 + next());
  const b = Float32Array.from({ length: k * n }, (_, e) => ((e >> 3) % 2 === 0 ? 1 : -1) * (1 + next()));
  for (const hp of runtimes.values()) {
    const inputs = [hp.tensor(a, [m, k]), hp.tensor(b, [k, n]), ref.tensor(a, [m, k]), ref.tensor(b, [k, n])];
    const c = hp.matmul(inputs[0]!, inputs[1]!);
    const r = ref.matmul(inputs[2]!, inputs[3]!);
    const expected = product(Float64Array.from(a), Float64Array.from(b), m, n, k);
    assertClose('far from the origin', 'matmul', c, expected, k);
    assertClose('ref itself', 'matmul', r, expected, k);
    for (const t of [...inputs, c, r]) {
      t.release();
    }
  }
});
