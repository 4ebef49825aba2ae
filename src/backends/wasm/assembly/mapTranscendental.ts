// exp, tanh and sigmoid on float32 lanes (the glue, map.ts, calls these instead of mapF32): rows
// [rowStart, rowEnd) of a 4-d strided x into a row-major y, as mapF32 (assembly/map.ts). Each op gets its own loop (rowsOf is inlined with a
// constant op, so no switch runs per vector) with every constant in a local, loaded once per
// call: these ops are compute-bound in SIMD128, and a constant written as a literal costs V8
// three instructions at each use (see exp.ts). Contiguous rows go two vectors a step (two
// independent chains in flight); gathered lanes and row tails go through the same per-vector
// function, so a result never depends on where a thread's rows begin.
import { rowElement } from './rows';
import { gatherF32, scatterF32 } from './gatherLanes';
import { elemConst, expF32x4, expFastF32x4, expWideLanes, E_ABS, E_C5, E_EXP_FAST, E_LOG2E, E_MAGIC, E_NLN2_HI, E_NLN2_LO, E_ONE, E_SIGN, E_SIG_HI, E_SIG_LO, E_TANH_CLAMP, E_TWO } from './exp';
import { tanhF32x4 } from './tanh';
import { sigmoidF32x4 } from './sigmoid';

const EXP = 8;
const TANH = 10;
const SIGMOID = 11;

// One vector of op (a constant after inlining); k, l, m are the op's own constants.
@inline function vector(
  op: i32, v: v128, log2e: v128, magic: v128, nln2hi: v128, nln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, one: v128, k: v128, l: v128, m: v128,
): v128 {
  if (op == EXP) return expF32x4(v, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l);
  if (op == TANH) return tanhF32x4(v, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m);
  return sigmoidF32x4(v, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m);
}

@inline function rowsOf(
  op: i32, x: usize, x0: i32, x1: i32, x2: i32, x3: i32,
  y: usize, d1: i32, d2: i32, d3: i32, rowStart: i32, rowEnd: i32,
): void {
  const log2e = elemConst(E_LOG2E);
  const magic = elemConst(E_MAGIC);
  const nln2hi = elemConst(E_NLN2_HI);
  const nln2lo = elemConst(E_NLN2_LO);
  const c5 = elemConst(E_C5);
  const c4 = elemConst(E_C5 + 1);
  const c3 = elemConst(E_C5 + 2);
  const c2 = elemConst(E_C5 + 3);
  const c1 = elemConst(E_C5 + 4);
  const one = elemConst(E_ONE);
  // exp: |x| mask and the one-scale limit; tanh: |x| mask, clamp, 2; sigmoid: sign, clamps.
  const k = elemConst(op == EXP || op == TANH ? E_ABS : E_SIGN);
  const l = elemConst(op == EXP ? E_EXP_FAST : op == TANH ? E_TANH_CLAMP : E_SIG_LO);
  const m = elemConst(op == TANH ? E_TWO : E_SIG_HI);
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
          if (v128.any_true(v128.or(expWideLanes(va, k, l), expWideLanes(vb, k, l)))) break;
          a = expFastF32x4(va, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one);
          b = expFastF32x4(vb, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one);
        } else {
          a = vector(op, va, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m);
          b = vector(op, vb, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m);
        }
        v128.store(q, a);
        v128.store(q, b, 16);
      }
      for (; j + 4 <= d3; j += 4) {
        const v = v128.load(px + (<usize>j << 2));
        v128.store(py + (<usize>j << 2), vector(op, v, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m));
      }
    }
    for (; j < d3; j += 4) {
      const n = min(4, d3 - j);
      const v = gatherF32(px + <usize>j * (<usize>x3 << 2), <usize>x3 << 2, n);
      scatterF32(py + (<usize>j << 2), vector(op, v, log2e, magic, nln2hi, nln2lo, c5, c4, c3, c2, c1, one, k, l, m), n);
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
