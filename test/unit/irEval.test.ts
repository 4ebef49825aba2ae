/**
 * The one-lane evaluator of the element-body graph (src/user/irEval.ts) against hand-checked
 * facts of wasm's f32x4 / i32x4 semantics: float32 rounding (ties to even), NaN and signed-zero
 * rules of min/max and comparisons, ties-to-even `nearest`, saturating `toInt`, wrapping int32
 * ops and shifts, bit reinterpretation, and fused versus unfused `fma`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Builder, type Node, type Val } from '../../src/user/ir.js';
import { evaluate, evaluateRoots, Evaluator, type EvalOptions } from '../../src/user/irEval.js';

/** Builds a graph from `make` on a fresh builder and evaluates its value with these args. */
function run(make: (b: Builder) => Val, args: readonly number[] = [], options: EvalOptions = {}): number {
  const b = new Builder();
  const root = make(b);
  return evaluate(b.nodes, args, root, options);
}

/** The float op `op` of two float constants. */
function fbin(op: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max', x: number, y: number): number {
  return run((b) => b.bin(op, b.const(x), b.const(y)));
}

function fun(op: 'neg' | 'abs' | 'sqrt' | 'floor' | 'ceil' | 'trunc' | 'nearest', x: number): number {
  return run((b) => b.un(op, b.const(x)));
}

function ibin(op: 'iadd' | 'isub' | 'imul', x: number, y: number): number {
  return run((b) => b.int(op, b.iconst(x), b.iconst(y)));
}

test('constants and arguments are float32; iconst is int32', () => {
  assert.equal(run((b) => b.const(0.1)), 0.10000000149011612);
  assert.equal(run((b) => b.const(16777217)), 16777216);
  assert.equal(run((b) => b.arg(1), [5, 0.1]), 0.10000000149011612);
  assert.equal(run((b) => b.iconst(0xffffffff)), -1);
});

test('float arithmetic rounds to float32 with ties to even', () => {
  // 0.1f + 0.2f = 0.300000004470348... exactly, nearest float32 is 0.3f (not float64's 0.30000000000000004).
  assert.equal(fbin('add', 0.1, 0.2), 0.30000001192092896);
  // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2; 2^24 + 3 is a tie that goes up to 2^24 + 4.
  assert.equal(fbin('add', 16777216, 1), 16777216);
  assert.equal(fbin('add', 16777216, 3), 16777220);
  assert.equal(fbin('sub', 1, 2 ** -25), 1);
  assert.equal(fbin('mul', 3.4e38, 2), Infinity);
  assert.equal(fbin('mul', 2 ** -100, 2 ** -100), 0);
  assert.equal(fbin('div', 1, 3), 0.3333333432674408);
  assert.equal(fbin('div', 1, 0), Infinity);
  assert.equal(fbin('div', -1, 0), -Infinity);
  assert.ok(Number.isNaN(fbin('div', 0, 0)));
  assert.equal(fbin('mul', 2 ** -126, 0.5), 2 ** -127); // subnormals are kept, not flushed
});

test('min and max are f32x4.min / max: NaN wins, -0 is below +0', () => {
  assert.ok(Number.isNaN(fbin('min', NaN, 1)));
  assert.ok(Number.isNaN(fbin('min', 1, NaN)));
  assert.ok(Number.isNaN(fbin('max', -Infinity, NaN)));
  assert.ok(Object.is(fbin('min', 0, -0), -0));
  assert.ok(Object.is(fbin('min', -0, 0), -0));
  assert.ok(Object.is(fbin('max', -0, 0), 0));
  assert.ok(Object.is(fbin('max', 0, -0), 0));
  assert.equal(fbin('max', -3, 2), 2);
});

test('unary float ops: neg, abs, sqrt, floor, ceil, trunc', () => {
  assert.ok(Object.is(fun('neg', 0), -0));
  assert.ok(Number.isNaN(fun('neg', NaN)));
  assert.ok(Object.is(fun('abs', -0), 0));
  assert.equal(fun('abs', -Infinity), Infinity);
  assert.equal(fun('sqrt', 2), 1.4142135381698608);
  assert.ok(Object.is(fun('sqrt', -0), -0));
  assert.ok(Number.isNaN(fun('sqrt', -1)));
  assert.equal(fun('floor', -0.5), -1);
  assert.ok(Object.is(fun('ceil', -0.5), -0));
  assert.equal(fun('trunc', -1.7), -1);
  assert.ok(Object.is(fun('trunc', -0.3), -0));
  assert.equal(fun('floor', Infinity), Infinity);
});

test('nearest rounds half to even and keeps the sign of zero', () => {
  const cases: [number, number][] = [
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-1.5, -2], [-2.5, -2], [0.49999997, 0], [0.50000006, 1],
    [8388609, 8388609], [-0.7, -1], [1e30, 1e30],
  ];
  for (const [x, want] of cases) {
    assert.equal(fun('nearest', x), Math.fround(want), `nearest(${x})`);
  }
  assert.ok(Object.is(fun('nearest', -0.5), -0));
  assert.ok(Object.is(fun('nearest', -0.2), -0));
  assert.ok(Object.is(fun('nearest', 0.5), 0));
  assert.ok(Number.isNaN(fun('nearest', NaN)));
});

test('fma: one rounding when fused, two when not', () => {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: the product rounds (tie to even) to 1 + 2^-11.
  const a = 1 + 2 ** -12;
  const make = (b: Builder): Val => b.fma(b.const(a), b.const(a), b.const(-(1 + 2 ** -11)));
  assert.equal(run(make, [], { fma: 'fused' }), 2 ** -24);
  assert.equal(run(make), 2 ** -24); // fused is the default
  assert.equal(run(make, [], { fma: 'unfused' }), 0);
  assert.equal(run((b) => b.fma(b.const(2), b.const(3), b.const(0.1))), Math.fround(6.1));
  // a * b = 2^-24 (1 + 8.8e-10) exactly, so a * b + 1 lies just above the midpoint 1 + 2^-24
  // between 1 and 1 + 2^-23: fused rounds up. The float64 sum is that midpoint (its error is
  // 5e-17) and would round to even (1); unfused, the product rounds to 2^-24 first: 1.
  const midpoint = (b: Builder): Val => b.fma(b.const(1.0002423524856567 * 2 ** -25), b.const(1.999515414237976), b.const(1));
  assert.equal(run(midpoint), 1 + 2 ** -23);
  assert.equal(run(midpoint, [], { fma: 'unfused' }), 1);
  assert.equal(run((b) => b.fma(b.const(-1.0002423524856567 * 2 ** -25), b.const(1.999515414237976), b.const(-1))), -1 - 2 ** -23);
  assert.equal(run((b) => b.fma(b.const(3e38), b.const(2), b.const(-3e38))), Math.fround(3e38));
});

test('comparisons give -1 or 0; with NaN only ne is true', () => {
  const cmp = (op: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne', x: number, y: number): number =>
    run((b) => b.cmp(op, b.const(x), b.const(y)));
  assert.equal(cmp('lt', 1, 2), -1);
  assert.equal(cmp('le', 2, 2), -1);
  assert.equal(cmp('gt', 1, 2), 0);
  assert.equal(cmp('ge', 2, 3), 0);
  assert.equal(cmp('eq', -0, 0), -1);
  for (const op of ['lt', 'le', 'gt', 'ge', 'eq'] as const) {
    assert.equal(cmp(op, NaN, 1), 0, op);
    assert.equal(cmp(op, NaN, NaN), 0, op);
  }
  assert.equal(cmp('ne', NaN, NaN), -1);
  // 0.1 and 0.10000000000000001 are one float32.
  assert.equal(cmp('eq', 0.1, 0.10000000000000001), -1);
  assert.equal(run((b) => b.icmp('ilt', b.iconst(-1), b.iconst(0))), -1);
  assert.equal(run((b) => b.icmp('igt', b.iconst(0x80000000), b.iconst(0))), 0); // signed
  assert.equal(run((b) => b.icmp('ieq', b.iconst(7), b.iconst(7))), -1);
});

test('bitwise ops on ints and masks, and select', () => {
  const bit = (op: 'and' | 'or' | 'xor' | 'andnot', x: number, y: number): number =>
    run((b) => b.bit(op, b.iconst(x), b.iconst(y)));
  assert.equal(bit('and', 0b1100, 0b1010), 0b1000);
  assert.equal(bit('or', 0b1100, 0b1010), 0b1110);
  assert.equal(bit('xor', 0b1100, 0b1010), 0b0110);
  assert.equal(bit('andnot', 0b1100, 0b1010), 0b0100); // a & ~b, as v128.andnot
  assert.equal(run((b) => b.not(b.iconst(0))), -1);
  const pick = (x: number): number =>
    run((b) => {
      const v = b.arg(0);
      const inside = b.bit('and', b.cmp('gt', v, b.const(0)), b.not(b.cmp('ge', v, b.const(1))));
      return b.select(inside, b.const(10), b.const(20));
    }, [x]);
  assert.equal(pick(0.5), 10);
  assert.equal(pick(1), 20);
  assert.equal(pick(NaN), 20);
  const mask = run((b) => b.bit('andnot', b.cmp('lt', b.const(1), b.const(2)), b.cmp('gt', b.const(1), b.const(2))));
  assert.equal(mask, -1);
  assert.equal(run((b) => b.select(b.cmp('lt', b.const(1), b.const(2)), b.iconst(3), b.iconst(4))), 3);
});

test('int32 ops wrap; shifts are left, arithmetic right and logical right', () => {
  assert.equal(ibin('iadd', 2147483647, 1), -2147483648);
  assert.equal(ibin('isub', -2147483648, 1), 2147483647);
  assert.equal(ibin('imul', 65536, 65536), 0);
  assert.equal(ibin('imul', 2147483647, 2), -2);
  const sh = (op: 'shl' | 'shr' | 'shru', x: number, n: number): number => run((b) => b.shift(op, b.iconst(x), n));
  assert.equal(sh('shl', 1, 31), -2147483648);
  assert.equal(sh('shl', 3, 30), -1073741824);
  assert.equal(sh('shr', -8, 1), -4);
  assert.equal(sh('shru', -8, 1), 2147483644);
  assert.equal(sh('shru', -1, 0), -1); // still an int32 lane: all bits set
  assert.equal(sh('shru', -1, 31), 1);
});

test('bits and float reinterpret; cvt and toInt convert by value', () => {
  assert.equal(run((b) => b.bits(b.const(1))), 0x3f800000);
  assert.equal(run((b) => b.bits(b.const(-0))), -2147483648);
  assert.equal(run((b) => b.bits(b.const(NaN))), 0x7fc00000);
  assert.equal(run((b) => b.float(b.iconst(0x7f800000))), Infinity);
  assert.equal(run((b) => b.float(b.iconst(1))), 2 ** -149);
  assert.equal(run((b) => b.float(b.iconst(0xbf800000))), -1);
  assert.equal(run((b) => b.cvt(b.iconst(16777217))), 16777216);
  assert.equal(run((b) => b.cvt(b.iconst(-2147483648))), -2147483648);
  const toInt = (x: number): number => run((b) => b.toInt(b.const(x)));
  assert.equal(toInt(NaN), 0);
  assert.equal(toInt(3e9), 2147483647);
  assert.equal(toInt(Infinity), 2147483647);
  assert.equal(toInt(-3e9), -2147483648);
  assert.equal(toInt(-2147483648), -2147483648);
  assert.equal(toInt(-1.9), -1);
  assert.equal(toInt(2.9), 2);
  assert.ok(Object.is(toInt(-0.5), 0));
});

test('evaluateRoots and Evaluator give every value; one evaluator runs many argument lists', () => {
  const b = new Builder();
  const x = b.arg(0);
  const sq = b.mul(x, x);
  const plus = b.add(sq, b.const(1));
  assert.deepEqual(evaluateRoots(b.nodes, [3], [sq, plus]), [9, 10]);
  const ev = new Evaluator(b.nodes);
  assert.equal(ev.run([2])[plus.id], 5);
  assert.equal(ev.run([0.5])[plus.id], 1.25);
});

test('a malformed graph is an internal error, not a wrong value', () => {
  const later: Node[] = [{ op: 'neg', a: { id: 1, kind: 'f' } }, { op: 'const', value: 1 }];
  assert.throws(() => new Evaluator(later), /comes later/);
  const b = new Builder();
  const y = b.arg(2);
  assert.throws(() => evaluate(b.nodes, [1], y), /argument 2 has no value/);
  const badMask: Node[] = [
    { op: 'iconst', value: 5 },
    { op: 'const', value: 1 },
    { op: 'select', m: { id: 0, kind: 'm' }, a: { id: 1, kind: 'f' }, b: { id: 1, kind: 'f' } },
  ];
  assert.throws(() => evaluate(badMask, [], { id: 2, kind: 'f' }), /not -1 or 0/);
});
