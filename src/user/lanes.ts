/**
 * Explicit SIMD for experts: the `f32x4`, `i32x4` and `v128` intrinsics a `lanes` body may call,
 * with the names and meaning of WebAssembly SIMD (and AssemblyScript). In JavaScript they are a
 * shim over 16-byte values, so the file still runs as plain JS (the reference, `require: 'ref'`,
 * `verify`, `hotpath check`); the compiler maps each call to one lane operation.
 *
 * Only lane-wise operations exist here: the four lanes of a map body are four different elements,
 * whose grouping depends on the layout and the thread split, so a shuffle or a horizontal sum
 * would give layout-dependent answers. The shim is exact per lane (float32 rounding, int32
 * wrapping, NaN and -0 as wasm gives them), except where wasm itself leaves the choice to the
 * engine: relaxed_madd rounds once or twice, and relaxed_trunc of a NaN or out-of-range lane is
 * -2^31 here (x64's answer).
 *
 * @example
 * export const softsign = map({
 *   name: 'softsign', inputs: ['x'],
 *   lanes(x: v128): v128 {
 *     return f32x4.div(x, f32x4.add(f32x4.splat(1), f32x4.abs(x)));
 *   },
 * });
 */

/** 16 bytes read as four float32 or four int32 lanes (the same bits, as in wasm). */
export class V128 {
  readonly f: Float32Array;
  readonly i: Int32Array;

  constructor() {
    this.f = new Float32Array(4);
    this.i = new Int32Array(this.f.buffer);
  }

  /** @example V128.ofFloat(1.5).f[0] // 1.5 */
  static ofFloat(value: number): V128 {
    const v = new V128();
    v.f.fill(value);
    return v;
  }
}

/** The v128 type of a lanes body: four lanes of 32 bits. */
export type v128 = V128;

type Lanes = 'f' | 'i';

function lanewise(kind: Lanes, values: readonly V128[], op: (...lanes: number[]) => number): V128 {
  const out = new V128();
  const target = kind === 'f' ? out.f : out.i;
  for (let l = 0; l < 4; l++) {
    target[l] = op(...values.map((v) => (kind === 'f' ? v.f[l]! : v.i[l]!)));
  }
  return out;
}

type Op = (...lanes: number[]) => number;
const f1 = (op: Op) => (a: V128): V128 => lanewise('f', [a], op);
const f2 = (op: Op) => (a: V128, b: V128): V128 => lanewise('f', [a, b], op);
const f3 = (op: Op) => (a: V128, b: V128, c: V128): V128 => lanewise('f', [a, b, c], op);
const i1 = (op: Op) => (a: V128): V128 => lanewise('i', [a], (...x) => op(...x) | 0);
const i2 = (op: Op) => (a: V128, b: V128): V128 => lanewise('i', [a, b], (...x) => op(...x) | 0);
const i3 = (op: Op) => (a: V128, b: V128, c: V128): V128 => lanewise('i', [a, b, c], (...x) => op(...x) | 0);
/** A comparison of float lanes: all ones where true. */
const fcmp =
  (op: (a: number, b: number) => boolean) =>
  (a: V128, b: V128): V128 => {
    const out = new V128();
    for (let l = 0; l < 4; l++) {
      out.i[l] = op(a.f[l]!, b.f[l]!) ? -1 : 0;
    }
    return out;
  };
const icmp =
  (op: (a: number, b: number) => boolean) =>
  (a: V128, b: V128): V128 =>
    lanewise('i', [a, b], (x, y) => (op(x!, y!) ? -1 : 0));

/** Round half to even (f32x4.nearest). */
function nearest(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : Object.is(x, -0) || (x < 0 && r === 0) ? -0 : r;
}

function truncRelaxed(x: number): number {
  return Number.isNaN(x) || x >= 2 ** 31 || x < -(2 ** 31) ? -(2 ** 31) : Math.trunc(x) | 0;
}

function shiftCount(count: number): number {
  return count & 31;
}

/** Float lanes. */
export const f32x4 = Object.freeze({
  splat: (value: number): V128 => V128.ofFloat(value),
  add: f2((a, b) => a! + b!),
  sub: f2((a, b) => a! - b!),
  mul: f2((a, b) => a! * b!),
  div: f2((a, b) => a! / b!),
  min: f2((a, b) => Math.min(a!, b!)),
  max: f2((a, b) => Math.max(a!, b!)),
  relaxed_min: f2((a, b) => Math.min(a!, b!)),
  relaxed_max: f2((a, b) => Math.max(a!, b!)),
  abs: f1((a) => Math.abs(a!)),
  neg: f1((a) => -a!),
  sqrt: f1((a) => Math.sqrt(a!)),
  floor: f1((a) => Math.floor(a!)),
  ceil: f1((a) => Math.ceil(a!)),
  trunc: f1((a) => Math.trunc(a!)),
  nearest: f1((a) => nearest(a!)),
  /** a * b + c: rounded once (float64 product of float32 lanes is exact) or twice, as the CPU does. */
  relaxed_madd: f3((a, b, c) => a! * b! + c!),
  eq: fcmp((a, b) => a === b),
  ne: fcmp((a, b) => a !== b),
  lt: fcmp((a, b) => a < b),
  le: fcmp((a, b) => a <= b),
  gt: fcmp((a, b) => a > b),
  ge: fcmp((a, b) => a >= b),
  convert_i32x4_s: (a: V128): V128 => {
    const out = new V128();
    for (let l = 0; l < 4; l++) {
      out.f[l] = a.i[l]!;
    }
    return out;
  },
});

/** Int lanes (two's complement, wrapping). */
export const i32x4 = Object.freeze({
  splat: (value: number): V128 => {
    const v = new V128();
    v.i.fill(value | 0);
    return v;
  },
  add: i2((a, b) => a! + b!),
  sub: i2((a, b) => a! - b!),
  mul: i2((a, b) => Math.imul(a!, b!)),
  shl: (a: V128, count: number): V128 => lanewise('i', [a], (x) => x! << shiftCount(count)),
  shr_s: (a: V128, count: number): V128 => lanewise('i', [a], (x) => x! >> shiftCount(count)),
  shr_u: (a: V128, count: number): V128 => lanewise('i', [a], (x) => (x! >>> shiftCount(count)) | 0),
  eq: icmp((a, b) => a === b),
  lt_s: icmp((a, b) => a < b),
  gt_s: icmp((a, b) => a > b),
  /** Toward zero; a NaN or out-of-range lane is engine-defined in wasm (-2^31 on x64, here). */
  relaxed_trunc_f32x4_s: (a: V128): V128 => {
    const out = new V128();
    for (let l = 0; l < 4; l++) {
      out.i[l] = truncRelaxed(a.f[l]!);
    }
    return out;
  },
});

/** Bitwise, on any lanes. */
export const v128 = Object.freeze({
  and: i2((a, b) => a! & b!),
  or: i2((a, b) => a! | b!),
  xor: i2((a, b) => a! ^ b!),
  andnot: i2((a, b) => a! & ~b!),
  not: i1((a) => ~a!),
  /** Bits of a where m is set, of b elsewhere. */
  bitselect: i3((a, b, m) => (a! & m!) | (b! & ~m!)),
});

const UNARY = new Set(['abs', 'neg', 'sqrt', 'floor', 'ceil', 'trunc', 'nearest', 'convert_i32x4_s', 'relaxed_trunc_f32x4_s', 'not']);
const TERNARY = new Set(['relaxed_madd', 'bitselect']);
const SHIFTS = new Set(['shl', 'shr_s', 'shr_u']);

/** What the compiler needs to know of each intrinsic: its operands (v: a v128, n: a number literal). */
export const INTRINSICS: Readonly<Record<string, readonly ('v' | 'n')[]>> = Object.fromEntries(
  (
    [
      ['f32x4', f32x4],
      ['i32x4', i32x4],
      ['v128', v128],
    ] as const
  ).flatMap(([space, ns]) =>
    Object.keys(ns).map((name): [string, ('v' | 'n')[]] => [
      `${space}.${name}`,
      name === 'splat' ? ['n'] : SHIFTS.has(name) ? ['v', 'n'] : UNARY.has(name) ? ['v'] : TERNARY.has(name) ? ['v', 'v', 'v'] : ['v', 'v'],
    ]),
  ),
);

/**
 * The scalar element function of a lanes body: each argument splat over the four lanes, lane 0
 * of the result (every intrinsic is lane-wise, so lane 0 is the element's own answer).
 */
export function elementOfLanes(lanes: (...values: V128[]) => V128): (...values: number[]) => number {
  return (...values: number[]): number => {
    const result = lanes(...values.map((x) => V128.ofFloat(x)));
    if (!(result instanceof V128)) {
      throw new TypeError(`a lanes body must return a v128 (f32x4/i32x4/v128 intrinsics), it returned ${typeof result}`);
    }
    return result.f[0]!;
  };
}
