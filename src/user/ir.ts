/**
 * The intermediate form of a user kernel's element body: a straight-line graph of lane-wise
 * operations (no control flow; branches are already turned into masks and `select`). The
 * compiler (lower.ts) builds it from the user's TypeScript; codegen.ts prints it as
 * AssemblyScript over four float32 lanes (f32x4); irEval.ts runs it on one lane as the
 * compiler's own test oracle. Math functions (vmath.ts) are written once as builders of this
 * graph, so every backend of the graph (wasm, the evaluator) gets them.
 *
 * Kinds: `f` float lanes, `i` int32 lanes, `m` masks (every bit of a lane set = true, clear =
 * false; what wasm comparisons produce).
 */

export type Kind = 'f' | 'i' | 'm';

/** A value of the graph: the index of the node that makes it, and its kind. */
export interface Val {
  readonly id: number;
  readonly kind: Kind;
}

/** Float ops of two operands (f, f) -> f. `min`/`max` follow Math.min/max: NaN wins, -0 < +0. */
export type FloatBinary = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max';
/** Float ops of one operand f -> f. `nearest` rounds half to even; `trunc` toward zero. */
export type FloatUnary = 'neg' | 'abs' | 'sqrt' | 'floor' | 'ceil' | 'trunc' | 'nearest';
/** Float comparisons (f, f) -> m; every comparison with NaN is false except `ne`. */
export type Compare = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
/** Bitwise ops on masks or int lanes (both operands of the same kind). */
export type Bitwise = 'and' | 'or' | 'xor' | 'andnot';
/** Int32 lane ops (i, i) -> i, wrapping. */
export type IntBinary = 'iadd' | 'isub' | 'imul';
/** Int32 shifts by a constant count 0..31: left, arithmetic right, logical right. */
export type Shift = 'shl' | 'shr' | 'shru';
/** Int32 comparisons (i, i) -> m, signed. */
export type IntCompare = 'ieq' | 'ilt' | 'igt';

export type Node =
  | { readonly op: 'const'; readonly value: number }
  | { readonly op: 'iconst'; readonly value: number }
  /** The body's argument `index` (an element of an input, a parameter, an accumulator...). */
  | { readonly op: 'arg'; readonly index: number }
  | { readonly op: FloatBinary; readonly a: Val; readonly b: Val }
  | { readonly op: FloatUnary; readonly a: Val }
  /** a * b + c; fused (one rounding) where the build allows it, else mul then add. */
  | { readonly op: 'fma'; readonly a: Val; readonly b: Val; readonly c: Val }
  | { readonly op: Compare; readonly a: Val; readonly b: Val }
  | { readonly op: IntCompare; readonly a: Val; readonly b: Val }
  | { readonly op: Bitwise; readonly a: Val; readonly b: Val }
  | { readonly op: 'not'; readonly a: Val }
  /** m ? a : b lane by lane; a and b of one kind. */
  | { readonly op: 'select'; readonly m: Val; readonly a: Val; readonly b: Val }
  | { readonly op: IntBinary; readonly a: Val; readonly b: Val }
  | { readonly op: Shift; readonly a: Val; readonly count: number }
  /** Reinterpret float bits as int32 (`bits`) or int32 as float bits (`float`). */
  | { readonly op: 'bits'; readonly a: Val }
  | { readonly op: 'float'; readonly a: Val }
  /** int32 -> float by value (`cvt`); float -> int32 toward zero for an integral value in the int32 range (`toInt`; outside it, NaN included, the lanes may differ from irEval's saturation: callers override such results). */
  | { readonly op: 'cvt'; readonly a: Val }
  | { readonly op: 'toInt'; readonly a: Val };

/** +-2^k with 2^k and 2^-k both normal float32 numbers (|k| <= 126). */
function isPowerOfTwo(value: number): boolean {
  const m = Math.abs(value);
  return m >= 2 ** -126 && m <= 2 ** 126 && Math.log2(m) % 1 === 0 && Math.fround(value) === value;
}

const FLOAT_BINARY = new Set<string>(['add', 'sub', 'mul', 'div', 'min', 'max']);
const FLOAT_UNARY = new Set<string>(['neg', 'abs', 'sqrt', 'floor', 'ceil', 'trunc', 'nearest']);

/** The kind each node makes. */
export function kindOf(node: Node): Kind {
  switch (node.op) {
    case 'iconst':
    case 'bits':
    case 'toInt':
    case 'iadd':
    case 'isub':
    case 'imul':
    case 'shl':
    case 'shr':
    case 'shru':
      return 'i';
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
    case 'eq':
    case 'ne':
    case 'ieq':
    case 'ilt':
    case 'igt':
      return 'm';
    case 'and':
    case 'or':
    case 'xor':
    case 'andnot':
    case 'not':
      return node.a.kind;
    case 'select':
      return node.a.kind;
    default:
      return 'f';
  }
}

/**
 * Records nodes in creation order (operands always come first), with structural sharing:
 * asking twice for the same operation on the same operands returns the same value.
 *
 * @example
 * const b = new Builder(); const x = b.arg(0);
 * const y = b.fma(x, x, b.const(1)); // x*x + 1
 */
export class Builder {
  readonly nodes: Node[] = [];
  private readonly memo = new Map<string, Val>();

  /** Float argument `index` of the body (its meaning is the caller's). */
  arg(index: number): Val {
    return this.push({ op: 'arg', index });
  }

  /** A float constant, rounded to float32 where the lanes are float32. */
  const(value: number): Val {
    return this.push({ op: 'const', value });
  }

  iconst(value: number): Val {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
      throw new Error(`internal: iconst ${value} is not an int32`);
    }
    return this.push({ op: 'iconst', value: value | 0 });
  }

  bin(op: FloatBinary, a: Val, b: Val): Val {
    expect(op, a, 'f');
    expect(op, b, 'f');
    const d = this.nodes[b.id]!;
    if (op === 'div' && d.op === 'const' && isPowerOfTwo(d.value)) {
      // x / 2^k and x * 2^-k round the same real number: the same bits, and a division costs
      // several multiplications.
      return this.push({ op: 'mul', a, b: this.const(1 / d.value) });
    }
    return this.push({ op, a, b });
  }

  un(op: FloatUnary, a: Val): Val {
    expect(op, a, 'f');
    const node = this.nodes[a.id]!;
    if (op === 'neg' && node.op === 'const') {
      // -literal is a constant (rounding to float32 commutes with negation).
      return this.const(-node.value);
    }
    return this.push({ op, a });
  }

  add(a: Val, b: Val): Val {
    return this.bin('add', a, b);
  }

  sub(a: Val, b: Val): Val {
    return this.bin('sub', a, b);
  }

  mul(a: Val, b: Val): Val {
    return this.bin('mul', a, b);
  }

  div(a: Val, b: Val): Val {
    return this.bin('div', a, b);
  }

  fma(a: Val, b: Val, c: Val): Val {
    expect('fma', a, 'f');
    expect('fma', b, 'f');
    expect('fma', c, 'f');
    return this.push({ op: 'fma', a, b, c });
  }

  cmp(op: Compare, a: Val, b: Val): Val {
    expect(op, a, 'f');
    expect(op, b, 'f');
    return this.push({ op, a, b });
  }

  icmp(op: IntCompare, a: Val, b: Val): Val {
    expect(op, a, 'i');
    expect(op, b, 'i');
    return this.push({ op, a, b });
  }

  bit(op: Bitwise, a: Val, b: Val): Val {
    if (a.kind === 'f' || a.kind !== b.kind) {
      throw new Error(`internal: ${op} needs two masks or two int values, got ${a.kind} and ${b.kind}`);
    }
    return this.push({ op, a, b });
  }

  not(a: Val): Val {
    if (a.kind === 'f') {
      throw new Error('internal: not needs a mask or an int value');
    }
    return this.push({ op: 'not', a });
  }

  select(m: Val, a: Val, b: Val): Val {
    expect('select', m, 'm');
    if (a.kind !== b.kind) {
      throw new Error(`internal: select of ${a.kind} and ${b.kind}`);
    }
    const mask = this.nodes[m.id]!;
    if (mask.op === 'not') {
      // !m ? a : b is m ? b : a, one instruction less.
      return this.select(mask.a, b, a);
    }
    return this.push({ op: 'select', m, a, b });
  }

  int(op: IntBinary, a: Val, b: Val): Val {
    expect(op, a, 'i');
    expect(op, b, 'i');
    return this.push({ op, a, b });
  }

  shift(op: Shift, a: Val, count: number): Val {
    expect(op, a, 'i');
    if (!Number.isInteger(count) || count < 0 || count > 31) {
      throw new Error(`internal: shift count ${count}`);
    }
    return this.push({ op, a, count });
  }

  bits(a: Val): Val {
    expect('bits', a, 'f');
    return this.push({ op: 'bits', a });
  }

  float(a: Val): Val {
    expect('float', a, 'i');
    return this.push({ op: 'float', a });
  }

  cvt(a: Val): Val {
    expect('cvt', a, 'i');
    return this.push({ op: 'cvt', a });
  }

  toInt(a: Val): Val {
    expect('toInt', a, 'f');
    return this.push({ op: 'toInt', a });
  }

  private push(node: Node): Val {
    const key = keyOf(node);
    const known = this.memo.get(key);
    if (known !== undefined) {
      return known;
    }
    const val: Val = { id: this.nodes.length, kind: kindOf(node) };
    this.nodes.push(node);
    this.memo.set(key, val);
    return val;
  }
}

function expect(op: string, v: Val, kind: Kind): void {
  if (v.kind !== kind) {
    throw new Error(`internal: ${op} needs a ${kind} operand, got ${v.kind}`);
  }
}

function keyOf(node: Node): string {
  const parts: string[] = [node.op];
  for (const [name, value] of Object.entries(node)) {
    if (name === 'op') {
      continue;
    }
    parts.push(typeof value === 'object' ? `#${(value as Val).id}` : Object.is(value, -0) ? '-0' : String(value));
  }
  return parts.join(' ');
}

/** Whether `op` is a float op of two operands (for printers and evaluators). */
export function isFloatBinary(op: string): op is FloatBinary {
  return FLOAT_BINARY.has(op);
}

/** Whether `op` is a float op of one operand. */
export function isFloatUnary(op: string): op is FloatUnary {
  return FLOAT_UNARY.has(op);
}
