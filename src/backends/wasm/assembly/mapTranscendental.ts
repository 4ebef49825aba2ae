// exp, tanh and sigmoid on float32 lanes (the glue, map.ts, calls these instead of mapF32): rows
// [rowStart, rowEnd) of a 4-d strided x into a row-major y, as mapF32 (assembly/map.ts). Each op
// gets its own loop (rowsOf is inlined with a constant op, so no switch runs per vector) with
// every constant in a local, loaded once per call: these ops are compute-bound in SIMD128, and a
// constant written as a literal costs V8 three instructions at each use (see exp.ts).
// Contiguous rows go two vectors a step; gathered lanes and row tails go through the same
// per-vector function, so a result never depends on where a thread's rows begin.
import { rowElement } from './rows';
import { gatherF32, scatterF32 } from './gatherLanes';
import { elemConst, expF32x4, expFastF32x4, expWideLanes } from './exp';
import { tanhConst, tanhF32x4 } from './tanh';
import { sigmoidConst, sigmoidF32x4 } from './sigmoid';

const EXP = 8;
const TANH = 10;
const SIGMOID = 11;

// One vector of op (a constant after inlining) with its constants k0..k12 (exp.ts, tanh.ts,
// sigmoid.ts).
@inline function vector(
  op: i32, v: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128,
  k7: v128, k8: v128, k9: v128, k10: v128, k11: v128, k12: v128,
): v128 {
  if (op == EXP) return expF32x4(v, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11);
  if (op == TANH) return tanhF32x4(v, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12);
  return sigmoidF32x4(v, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11);
}

@inline function constant(op: i32, i: i32): v128 {
  return op == TANH ? tanhConst(i) : op == SIGMOID ? sigmoidConst(i) : elemConst(i);
}

@inline function rowsOf(
  op: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32,
  y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32,
): void {
  const k0 = constant(op, 0);
  const k1 = constant(op, 1);
  const k2 = constant(op, 2);
  const k3 = constant(op, 3);
  const k4 = constant(op, 4);
  const k5 = constant(op, 5);
  const k6 = constant(op, 6);
  const k7 = constant(op, 7);
  const k8 = constant(op, 8);
  const k9 = constant(op, 9);
  const k10 = constant(op, 10);
  const k11 = constant(op, 11);
  const k12 = constant(op, 12);
  for (let r = rowStart; r < rowEnd; r++) {
    const px = x + (rowElement(r, d1, d2, x0, x1, x2) << 2);
    const py = y + ((<usize>r * <usize>d3) << 2);
    let j = 0;
    if (x3 == 1) {
      for (; j + 8 <= d3; j += 8) {
        const p = px + (<usize>j << 2);
        const q = py + (<usize>j << 2);
        const va = v128.load(p);
        const vb = v128.load(p, 16);
        let a: v128;
        let b: v128;
        if (op == EXP) {
          // A lane beyond the one-scale range sends the rest of the row to the loop below:
          // with expWide's call out of this loop, V8 keeps its values in registers.
          if (v128.any_true(v128.or(expWideLanes(va, k10, k11), expWideLanes(vb, k10, k11)))) break;
          a = expFastF32x4(va, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9);
          b = expFastF32x4(vb, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9);
        } else {
          a = vector(op, va, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12);
          b = vector(op, vb, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12);
        }
        v128.store(q, a);
        v128.store(q, b, 16);
      }
      for (; j + 4 <= d3; j += 4) {
        const v = v128.load(px + (<usize>j << 2));
        v128.store(py + (<usize>j << 2), vector(op, v, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12));
      }
    }
    for (; j < d3; j += 4) {
      const n = min(4, d3 - j);
      const v = gatherF32(px + <usize>j * (<usize>x3 << 2), <usize>x3 << 2, n);
      scatterF32(py + (<usize>j << 2), vector(op, v, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12), n);
    }
  }
}

// The exports, one per op: a single entry point with the op as an argument would not do, since
// binaryen folds the three inlined loops back into one that tests the op at every vector.
export function expF32(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  rowsOf(EXP, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd);
}

export function tanhF32(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  rowsOf(TANH, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd);
}

export function sigmoidF32(x: usize, x0: i32, x1: i32, x2: i32, x3: i32, y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32): void {
  rowsOf(SIGMOID, x, x0, x1, x2, x3, y, d1, d2, d3, rowStart, rowEnd);
}
