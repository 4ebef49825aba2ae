/** Kernels the compiler must refuse, each with the user's position and a hint. */
import { f32x4, v128 } from '../../src/user/lanes.js';
import { map, rows, type f32, type i32, type Row } from '../../src/user/kernel.js';

const outer = 3;

export const usesRandom = map({ name: 'usesRandom', inputs: ['x'], element: (x: f32): f32 => x * Math.random() });
export const usesConsole = map({
  name: 'usesConsole',
  inputs: ['x'],
  element(x: f32): f32 {
    console.log(x);
    return x;
  },
});
export const closure = map({ name: 'closure', inputs: ['x'], element: (x: f32): f32 => x * outer });
export const strings = map({ name: 'strings', inputs: ['x'], element: (x: f32): f32 => ('a' === 'a' ? x : 0) });
export const allocates = map({ name: 'allocates', inputs: ['x'], element: (x: f32): f32 => new Float32Array(4)[0]! + x });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const anyType = map({ name: 'anyType', inputs: ['x'], element: (x: any): f32 => x });
export const wide = map({ name: 'wide', inputs: ['x'], element: (x: f32): f32 => x as f64 });
export const loops = map({
  name: 'loops',
  inputs: ['x'],
  element(x: f32): f32 {
    let s = 0;
    for (let i = 0; i < 3; i++) {
      s += x;
    }
    return s;
  },
});
export const missingReturn = map({
  name: 'missingReturn',
  inputs: ['x'],
  // @ts-expect-error tsc sees the missing return too; the kernel compiler must say it as well.
  element(x: f32): f32 {
    if (x > 0) {
      return x;
    }
  },
});
export const helper = map({ name: 'helper', inputs: ['x'], element: (x: f32): f32 => twice(x) });
export const unknownMath = map({ name: 'unknownMath', inputs: ['x'], element: (x: f32): f32 => Math.clz32(x) });
export const modulo = map({ name: 'modulo', inputs: ['x'], element: (x: f32): f32 => x % 2 });
export const wrongArity = map({ name: 'wrongArity', inputs: ['x', 'y'], element: (x: f32): f32 => x });

function twice(v: number): number {
  return 2 * v;
}
type f64 = number;

export const shifted = rows({
  name: 'shifted',
  inputs: ['x'],
  row(x: Row, out: Row, n: i32): void {
    for (let j = 0; j < n; j++) {
      out[j] = x[j + 1]!;
    }
  },
});
export const carried = rows({
  name: 'carried',
  inputs: ['x'],
  row(x: Row, out: Row, n: i32): void {
    let previous = 0;
    for (let j = 0; j < n; j++) {
      out[j] = x[j]! - previous;
      previous = x[j]!;
    }
  },
});
export const stepTwo = rows({
  name: 'stepTwo',
  inputs: ['x'],
  row(x: Row, out: Row, n: i32): void {
    for (let j = 0; j < n; j += 2) {
      out[j] = x[j]!;
    }
  },
});

// Explicit-SIMD (lanes) bodies: what plain JavaScript would do differently on v128 objects.
export const lanesOperator = map({
  name: 'lanesOperator',
  inputs: ['x'],
  // @ts-expect-error: TypeScript refuses it too; a JavaScript file would reach the compiler
  lanes: (x: v128): v128 => x * x,
});
export const lanesLiteral = map({
  name: 'lanesLiteral',
  inputs: ['x'],
  // @ts-expect-error: a number where a v128 is expected
  lanes: (x: v128): v128 => f32x4.add(x, 2),
});
export const lanesCross = map({
  name: 'lanesCross',
  inputs: ['x'],
  // @ts-expect-error: the shim has no cross-lane operations
  lanes: (x: v128): v128 => f32x4.splat(f32x4.extract_lane(x, 0)),
});
export const lanesBranch = map({
  name: 'lanesBranch',
  inputs: ['x'],
  lanes(x: v128): v128 {
    if (f32x4.lt(x, f32x4.splat(0))) {
      return f32x4.neg(x);
    }
    return x;
  },
});
export const lanesMath = map({
  name: 'lanesMath',
  inputs: ['x'],
  // @ts-expect-error: Math takes numbers
  lanes: (x: v128): v128 => Math.abs(x),
});
export const lanesInElement = map({
  name: 'lanesInElement',
  inputs: ['x'],
  // @ts-expect-error: an element body takes numbers
  element: (x: v128): f32 => 0,
});
export const lanesArity = map({
  name: 'lanesArity',
  inputs: ['x'],
  // @ts-expect-error: bitselect takes a mask too
  lanes: (x: v128): v128 => v128.bitselect(x, x),
});
