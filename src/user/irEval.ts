/**
 * Runs an element-body graph (ir.ts) on ONE lane with the semantics the wasm f32x4 code has:
 * the compiler's test oracle and the evaluator the vector math (vmath.ts) is measured with.
 *
 * Values are held as JS numbers: float lanes as float32 values (every float op rounds with
 * Math.fround; for +, -, *, / and sqrt of float32 operands the float64 result rounded once more
 * is the correctly rounded float32 result), int lanes as int32 (ops wrap), masks as -1 (true,
 * every bit set) or 0 (false), so the bitwise ops act on masks and ints alike.
 *
 * `fma` compiles to relaxed SIMD's f32x4.relaxed_madd: fused (one rounding) on CPUs with FMA,
 * mul then add elsewhere. `fma: 'fused'` (the default) gives the correctly rounded a * b + c
 * (a * b of float32 operands is exact in float64; the sum's own rounding error, when it lands
 * on a float32 midpoint, decides the tie), `fma: 'unfused'` rounds the product first. Code that
 * must be right on every CPU is tested in both modes.
 *
 * NaN payloads are not kept (a NaN float lane is any NaN), so `bits` of a NaN gives the
 * canonical quiet NaN's bits, 0x7fc00000 (or its negative).
 */
import type { Node, Val } from './ir.js';

/** How `fma` rounds: once (the relaxed-SIMD build) or after the product and after the sum. */
export interface EvalOptions {
  readonly fma?: 'fused' | 'unfused';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * An evaluator of one graph, reusable over many argument lists (its value buffer and the
 * bit-reinterpretation scratch belong to the object).
 *
 * @example
 * const b = new Builder(); const x = b.arg(0); const y = b.mul(x, x);
 * new Evaluator(b.nodes).run([3])[y.id]; // 9
 *
 * Throws a plain Error ('internal: ...') for a malformed graph (an operand that comes later, an
 * argument index without a value, a mask that is neither -1 nor 0): these are compiler bugs.
 */
export class Evaluator {
  private readonly values: Float64Array;
  // Float32 and int32 views of one 4-byte buffer, for `bits` and `float`.
  private readonly scratchF = new Float32Array(1);
  private readonly scratchI = new Int32Array(this.scratchF.buffer);
  private readonly fused: boolean;

  constructor(
    private readonly nodes: readonly Node[],
    options: EvalOptions = {},
  ) {
    this.values = new Float64Array(nodes.length);
    this.fused = (options.fma ?? 'fused') === 'fused';
    nodes.forEach((node, i) => {
      for (const operand of Object.values(node)) {
        if (typeof operand === 'object' && (operand as Val).id >= i) {
          throw new Error(`internal: node ${i} (${node.op}) uses node ${(operand as Val).id}, which comes later`);
        }
      }
    });
  }

  /** The value of every node for these arguments (the buffer is reused by the next run). */
  run(args: readonly number[]): Float64Array {
    const v = this.values;
    for (let i = 0; i < this.nodes.length; i++) {
      v[i] = this.step(this.nodes[i]!, v, args);
    }
    return v;
  }

  /**
   * fround(p + c) rounded once, for p exact (a product of float32 values) and c a float32. The
   * float64 sum s can only be wrong for float32 when it lands exactly on a midpoint between two
   * float32 values (ties to even would then decide); its exact error (two-sum) says which side
   * the true sum is on.
   */
  private fusedSum(p: number, c: number): number {
    const s = p + c;
    const r = Math.fround(s);
    if (r === s || !Number.isFinite(s)) {
      return r;
    }
    const bp = s - p;
    const error = p - (s - bp) + (c - bp);
    if (error === 0) {
      return r;
    }
    const other = this.nextFloat32(r, s > r ? 1 : -1);
    if ((r + other) / 2 !== s) {
      return r;
    }
    return error > 0 ? Math.max(r, other) : Math.min(r, other);
  }

  /** The float32 next to finite r toward +Infinity (dir 1) or -Infinity (dir -1). */
  private nextFloat32(r: number, dir: 1 | -1): number {
    if (r === 0) {
      return dir * 2 ** -149;
    }
    this.scratchF[0] = r;
    // Away from zero is +1 on the bit pattern, toward zero -1 (for either sign).
    this.scratchI[0] = this.scratchI[0]! + (r > 0 === dir > 0 ? 1 : -1);
    return this.scratchF[0]!;
  }

  private step(node: Node, v: Float64Array, args: readonly number[]): number {
    const f = Math.fround;
    switch (node.op) {
      case 'const':
        return f(node.value);
      case 'iconst':
        return node.value | 0;
      case 'arg': {
        const value = args[node.index];
        if (value === undefined) {
          throw new Error(`internal: argument ${node.index} has no value (${args.length} given)`);
        }
        return f(value);
      }
      case 'fma': {
        const product = v[node.a.id]! * v[node.b.id]!;
        return this.fused ? this.fusedSum(product, v[node.c.id]!) : f(f(product) + v[node.c.id]!);
      }
      case 'lt':
        return v[node.a.id]! < v[node.b.id]! ? -1 : 0;
      case 'le':
        return v[node.a.id]! <= v[node.b.id]! ? -1 : 0;
      case 'gt':
      case 'igt':
        return v[node.a.id]! > v[node.b.id]! ? -1 : 0;
      case 'ge':
        return v[node.a.id]! >= v[node.b.id]! ? -1 : 0;
      case 'eq':
      case 'ieq':
        return v[node.a.id]! === v[node.b.id]! ? -1 : 0;
      case 'ne':
        return v[node.a.id]! !== v[node.b.id]! ? -1 : 0;
      case 'ilt':
        return v[node.a.id]! < v[node.b.id]! ? -1 : 0;
      case 'and':
        return v[node.a.id]! & v[node.b.id]!;
      case 'or':
        return v[node.a.id]! | v[node.b.id]!;
      case 'xor':
        return v[node.a.id]! ^ v[node.b.id]!;
      case 'andnot':
        return v[node.a.id]! & ~v[node.b.id]!;
      case 'not':
        return ~v[node.a.id]!;
      case 'select': {
        const m = v[node.m.id]!;
        if (m !== -1 && m !== 0) {
          throw new Error(`internal: select on mask value ${m} (node ${node.m.id}), not -1 or 0`);
        }
        return m === -1 ? v[node.a.id]! : v[node.b.id]!;
      }
      case 'iadd':
        return (v[node.a.id]! + v[node.b.id]!) | 0;
      case 'isub':
        return (v[node.a.id]! - v[node.b.id]!) | 0;
      case 'imul':
        return Math.imul(v[node.a.id]!, v[node.b.id]!);
      case 'shl':
        return v[node.a.id]! << node.count;
      case 'shr':
        return v[node.a.id]! >> node.count;
      case 'shru':
        return (v[node.a.id]! >>> node.count) | 0;
      case 'bits':
        this.scratchF[0] = v[node.a.id]!;
        return this.scratchI[0]!;
      case 'float':
        this.scratchI[0] = v[node.a.id]!;
        return this.scratchF[0]!;
      case 'cvt':
        return f(v[node.a.id]!);
      case 'toInt':
        return toInt32(v[node.a.id]!);
      case 'add':
        return f(v[node.a.id]! + v[node.b.id]!);
      case 'sub':
        return f(v[node.a.id]! - v[node.b.id]!);
      case 'mul':
        return f(v[node.a.id]! * v[node.b.id]!);
      case 'div':
        return f(v[node.a.id]! / v[node.b.id]!);
      case 'min':
        // Math.min is f32x4.min: NaN if either is NaN, -0 below +0 (and Math.max likewise).
        return Math.min(v[node.a.id]!, v[node.b.id]!);
      case 'max':
        return Math.max(v[node.a.id]!, v[node.b.id]!);
      case 'neg':
        return -v[node.a.id]!;
      case 'abs':
        return Math.abs(v[node.a.id]!);
      case 'sqrt':
        return f(Math.sqrt(v[node.a.id]!));
      case 'floor':
        return Math.floor(v[node.a.id]!);
      case 'ceil':
        return Math.ceil(v[node.a.id]!);
      case 'trunc':
        return Math.trunc(v[node.a.id]!);
      case 'nearest':
        return nearestEven(v[node.a.id]!);
      default:
        throw new Error(`internal: the evaluator does not know op ${(node as Node).op}`);
    }
  }
}

/** The value of `root` for these arguments. @example evaluate(b.nodes, [2], y) */
export function evaluate(nodes: readonly Node[], args: readonly number[], root: Val, options: EvalOptions = {}): number {
  return new Evaluator(nodes, options).run(args)[root.id]!;
}

/** The values of several roots for these arguments, in the roots' order. */
export function evaluateRoots(nodes: readonly Node[], args: readonly number[], roots: readonly Val[], options: EvalOptions = {}): number[] {
  const values = new Evaluator(nodes, options).run(args);
  return roots.map((root) => values[root.id]!);
}

/** Round half to even (f32x4.nearest); keeps the sign of zero (-0.5 -> -0). */
function nearestEven(a: number): number {
  // Math.round rounds halves up; a half that went up to an odd number goes back down by one.
  const r = Math.round(a);
  if (r - a === 0.5 && r % 2 !== 0) {
    return r - 1;
  }
  return r;
}

/** i32x4.trunc_sat_f32x4_s: toward zero, saturating at the int32 range, NaN -> 0. */
function toInt32(a: number): number {
  if (Number.isNaN(a)) {
    return 0;
  }
  if (a >= 2 ** 31) {
    return INT32_MAX;
  }
  if (a <= INT32_MIN) {
    return INT32_MIN;
  }
  return Math.trunc(a) | 0;
}
