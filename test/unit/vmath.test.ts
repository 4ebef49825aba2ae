/**
 * The float32 lane math (src/user/vmath.ts), each function's graph run by the one-lane evaluator
 * (irEval) with fma fused and unfused, against Math.<fn> computed in float64 and rounded once to
 * float32: the error in ulp over dense bit-pattern sweeps (test/vmathCases.ts) stays within each
 * function's declared bound, and special values (signed zeros, infinities, NaN, the ECMAScript
 * tables of atan2, pow and hypot) match exactly. `npx tsx scripts/vmath-ulp.ts` prints the same
 * measurement on four times as many inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator } from '../../src/user/irEval.js';
import { Builder } from '../../src/user/ir.js';
import { powConstant, VMATH } from '../../src/user/vmath.js';
import { CASES, EDGES, FLT_MAX, graphOf, measure, sweep, ulpDistance } from '../vmathCases.js';

const MODES = ['fused', 'unfused'] as const;
// Half the density scripts/vmath-ulp.ts uses by default: the test stays a few seconds.
const DENSITY = 0.5;

/** Math.<name> of float32 arguments, rounded once to float32: the reference. */
function reference(name: string, args: readonly number[]): number {
  const fn = (Math as unknown as Record<string, (...xs: number[]) => number>)[name]!;
  return Math.fround(fn(...args.map(Math.fround)));
}

/** Runs VMATH[name] on each argument list in one fma mode. */
function runAll(name: string, argLists: readonly (readonly number[])[], fma: 'fused' | 'unfused'): number[] {
  const { b, root } = graphOf(name);
  const ev = new Evaluator(b.nodes, { fma });
  return argLists.map((args) => ev.run(args)[root.id]!);
}

/** Every argument list of `arity` numbers drawn from `values`. */
function allLists(values: readonly number[], arity: number): number[][] {
  let lists: number[][] = [[]];
  for (let i = 0; i < arity; i++) {
    lists = lists.flatMap((list) => values.map((v) => [...list, v]));
  }
  return lists;
}

test('VMATH names Math functions with their arity', () => {
  for (const [name, entry] of Object.entries(VMATH)) {
    const fn = (Math as unknown as Record<string, unknown>)[name];
    assert.equal(typeof fn, 'function', `Math.${name}`);
    assert.equal(entry.arity, (fn as (...xs: number[]) => number).length, `Math.${name}.length`);
  }
});

for (const c of CASES) {
  test(`${c.name}: within ${c.maxUlp} ulp of Math.${c.name} (${c.range}), fma fused and unfused`, (t) => {
    for (const fma of MODES) {
      const m = measure(c, DENSITY, { fma });
      t.diagnostic(`${c.name} ${fma}: max ${m.maxUlp} ulp over ${m.count} inputs (worst ${m.worst.join(', ')}: ${m.got} vs ${m.want}); ${m.ops} ops + ${m.nodes - m.ops} constants/args`);
      assert.ok(m.count > 1000, 'the sweep produced inputs');
      assert.ok(m.maxUlp <= c.maxUlp, `${c.name} ${fma}: ${m.maxUlp} ulp at (${m.worst.join(', ')}): got ${m.got}, Math gives ${m.want}`);
    }
  });
}

test('special values are exact: where Math gives +-0, +-Infinity or NaN on edge inputs, so does the graph', () => {
  for (const [name, entry] of Object.entries(VMATH)) {
    const lists = allLists(EDGES, entry.arity);
    for (const fma of MODES) {
      const got = runAll(name, lists, fma);
      lists.forEach((args, i) => {
        const want = reference(name, args);
        const label = `${name}(${args.join(', ')}) ${fma}`;
        if (want === 0 || !Number.isFinite(want)) {
          assert.ok(Object.is(got[i], want), `${label}: got ${got[i]}, Math gives ${want}`);
        } else {
          // sin / cos / tan of +-3.4e38 are outside their accurate range; checked below.
          const inRange = !['sin', 'cos', 'tan'].includes(name) || Math.abs(args[0]!) < 1e5;
          assert.ok(!inRange || ulpDistance(got[i]!, want) <= 3, `${label}: got ${got[i]}, Math gives ${want}`);
        }
      });
    }
  }
});

test('atan2 and pow follow the ECMAScript special-case tables', () => {
  const values = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 2.5, -2.5, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e30, -1e30];
  for (const name of ['atan2', 'pow', 'hypot']) {
    const lists = allLists(values, 2);
    for (const fma of MODES) {
      const got = runAll(name, lists, fma);
      lists.forEach((args, i) => {
        const want = reference(name, args);
        const exact = want === 0 || !Number.isFinite(want) || Number.isInteger(want);
        const ok = exact ? Object.is(got[i], want) : ulpDistance(got[i]!, want) <= 3;
        assert.ok(ok, `${name}(${args.join(', ')}) ${fma}: got ${got[i]}, Math gives ${want}`);
      });
    }
  }
  // Facts that differ from C's pow: 1 ** Infinity and 1 ** NaN are NaN in JavaScript.
  const [oneInf, oneNaN, nanZero] = runAll('pow', [[1, Infinity], [1, NaN], [NaN, 0]], 'fused');
  assert.ok(Number.isNaN(oneInf!) && Number.isNaN(oneNaN!));
  assert.equal(nanZero, 1);
});

test('round: halves toward +Infinity, signed zeros, no double rounding near 0.5 or above 2^23', () => {
  const facts: [number, number][] = [
    [0.5, 1], [1.5, 2], [2.5, 3], [-0.5, -0], [-1.5, -1], [-2.5, -2], [0.49999997, 0], [-0.49999997, -0],
    [-0.2, -0], [8388609, 8388609], [-8388609, -8388609], [4194304.5, 4194305], [-4194303.5, -4194303], [1e30, 1e30],
  ];
  for (const fma of MODES) {
    const got = runAll('round', facts.map(([x]) => [x]), fma);
    facts.forEach(([x, want], i) => assert.ok(Object.is(got[i], Math.fround(want)), `round(${x}) = ${got[i]}, expected ${want}`));
  }
});

test('sin, cos and tan stay finite (sin and cos within [-1, 1]) for finite inputs beyond 1e5', () => {
  const big: number[][] = [];
  for (let e = 17; e <= 127; e++) {
    big.push([2 ** e * 1.2345678], [-(2 ** e) * 1.87654321], [3.4028234663852886e38]);
  }
  for (const name of ['sin', 'cos', 'tan']) {
    for (const got of runAll(name, big, 'fused')) {
      assert.ok(Number.isFinite(got), `${name}: ${got}`);
      assert.ok(name === 'tan' || Math.abs(got) <= 1, `${name}: ${got}`);
    }
  }
});

test('one-op entries (abs, sqrt, floor, ceil, trunc, min, max, fround, sign) match Math exactly', () => {
  const values = [...EDGES, 1.5, -1.5, 2.5, -0.7, 0.3, 1e10];
  for (const name of ['abs', 'sqrt', 'floor', 'ceil', 'trunc', 'min', 'max', 'fround', 'sign']) {
    const lists = allLists(values, VMATH[name]!.arity);
    const got = runAll(name, lists, 'fused');
    lists.forEach((args, i) => {
      const want = reference(name, args);
      assert.ok(Object.is(got[i], want), `${name}(${args.join(', ')}): got ${got[i]}, Math gives ${want}`);
    });
  }
});

test('powConstant: x ** n for literal n is Math.pow exactly (0, 1, 2, -1, 0.5) or within 1 ulp (3) and 2 ulp (4); other n are left to pow', () => {
  const xs = [...sweep(2 ** -149, FLT_MAX, 20000), ...sweep(-FLT_MAX, -(2 ** -149), 5000), ...sweep(0.5, 2, 5000), ...EDGES];
  for (const [n, maxUlp] of [[0, 0], [1, 0], [2, 0], [-1, 0], [0.5, 0], [3, 1], [4, 2]] as const) {
    const b = new Builder();
    const root = powConstant(b, b.arg(0), n)!;
    for (const fma of MODES) {
      const ev = new Evaluator(b.nodes, { fma });
      for (const x of xs) {
        const got = ev.run([x])[root.id]!;
        const want = Math.fround(Math.pow(Math.fround(x), n));
        const ok = maxUlp === 0 || want === 0 || !Number.isFinite(want) ? Object.is(got, want) : ulpDistance(got, want) <= maxUlp;
        assert.ok(ok, `${x} ** ${n}: got ${got}, Math.pow gives ${want}`);
      }
    }
  }
  const b = new Builder();
  for (const n of [2.5, 5, -2, -0.5, 1 / 3]) {
    assert.equal(powConstant(b, b.arg(0), n), undefined, `n = ${n}`);
  }
});
