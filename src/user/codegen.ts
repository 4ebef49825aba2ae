/**
 * Prints lane graphs (ir.ts) as AssemblyScript over f32x4 lanes. Every constant becomes a local
 * loaded once from the kernel's `desc` block before the loops (`v128.load32_splat`): written as a
 * literal, binaryen folds it into the loop and V8 rebuilds a v128 constant with several
 * instructions at each use. The constants' float32 bit patterns are returned for the host to
 * write after the params.
 */
import type { Node, Val } from './ir.js';

/** Collects the constants of one module, as int32 bit patterns of float32 words. */
export class ConstantPool {
  readonly bits: number[] = [];
  private readonly index = new Map<number, number>();
  private readonly f32 = new Float32Array(1);
  private readonly i32 = new Int32Array(this.f32.buffer);

  /** The slot of a float constant (rounded to float32), shared by equal values. */
  float(value: number): number {
    this.f32[0] = value;
    return this.slot(this.i32[0]!);
  }

  /** The slot of an int32 lane constant. */
  int(value: number): number {
    return this.slot(value | 0);
  }

  private slot(bits: number): number {
    const known = this.index.get(bits);
    if (known !== undefined) {
      return known;
    }
    this.bits.push(bits);
    this.index.set(bits, this.bits.length - 1);
    return this.bits.length - 1;
  }
}

/** Names a printed block needs from its surroundings. */
export interface BlockNames {
  /** The AS expression of argument `index` (a v128 local). */
  readonly arg: (index: number) => string;
  /** Whether argument `index` is the same for every element (a param): its uses can be hoisted. */
  readonly uniform: (index: number) => boolean;
  /** Prefix of the block's temporaries, unique in the function. */
  readonly prefix: string;
}

/** The statements that compute `roots`, and each root's expression. */
export interface PrintedBlock {
  /** Values that depend on params and constants only: printed once, before the loops. */
  readonly hoisted: string[];
  readonly lines: string[];
  readonly roots: string[];
}

/**
 * Prints the nodes that `roots` need, in order, as `const` v128 locals. Constants are not
 * printed: they are `k<slot>` locals declared by the function prologue (see prologue()).
 */
export function printBlock(nodes: readonly Node[], roots: readonly Val[], names: BlockNames, constants: ConstantPool): PrintedBlock {
  const needed = new Array<boolean>(nodes.length).fill(false);
  const mark = (v: Val): void => {
    if (needed[v.id]) {
      return;
    }
    needed[v.id] = true;
    for (const operand of operandsOf(nodes[v.id]!)) {
      mark(operand);
    }
  };
  roots.forEach(mark);
  const expr = new Array<string>(nodes.length);
  const uniform = new Array<boolean>(nodes.length).fill(false);
  const lines: string[] = [];
  const hoisted: string[] = [];
  const constantOf = (v: Val): number | undefined => {
    const node = nodes[v.id]!;
    return node.op === 'const' ? node.value : undefined;
  };
  nodes.forEach((node, id) => {
    if (!needed[id]) {
      return;
    }
    const e = (v: Val): string => expr[v.id]!;
    switch (node.op) {
      case 'const':
        expr[id] = `k${constants.float(node.value)}`;
        uniform[id] = true;
        return;
      case 'iconst':
        expr[id] = `k${constants.int(node.value)}`;
        uniform[id] = true;
        return;
      case 'arg':
        expr[id] = names.arg(node.index);
        uniform[id] = names.uniform(node.index);
        return;
      default: {
        uniform[id] = operandsOf(node).every((v) => uniform[v.id]);
        const name = `${uniform[id] ? 'u' : ''}${names.prefix}${id}`;
        (uniform[id] ? hoisted : lines).push(`const ${name} = ${operation(node, e, constantOf)};`);
        expr[id] = name;
      }
    }
  });
  return { hoisted, lines, roots: roots.map((r) => expr[r.id]!) };
}

function operandsOf(node: Node): Val[] {
  switch (node.op) {
    case 'const':
    case 'iconst':
    case 'arg':
      return [];
    case 'select':
      return [node.m, node.a, node.b];
    case 'fma':
      return [node.a, node.b, node.c];
    default:
      return 'b' in node ? [node.a, node.b] : [node.a];
  }
}

const SIMPLE: Readonly<Record<string, string>> = {
  add: 'f32x4.add',
  sub: 'f32x4.sub',
  mul: 'f32x4.mul',
  div: 'f32x4.div',
  min: 'f32x4.min',
  max: 'f32x4.max',
  neg: 'f32x4.neg',
  abs: 'f32x4.abs',
  sqrt: 'f32x4.sqrt',
  floor: 'f32x4.floor',
  ceil: 'f32x4.ceil',
  trunc: 'f32x4.trunc',
  nearest: 'f32x4.nearest',
  lt: 'f32x4.lt',
  le: 'f32x4.le',
  gt: 'f32x4.gt',
  ge: 'f32x4.ge',
  eq: 'f32x4.eq',
  ne: 'f32x4.ne',
  ieq: 'i32x4.eq',
  ilt: 'i32x4.lt_s',
  igt: 'i32x4.gt_s',
  and: 'v128.and',
  or: 'v128.or',
  xor: 'v128.xor',
  andnot: 'v128.andnot',
  not: 'v128.not',
  iadd: 'i32x4.add',
  isub: 'i32x4.sub',
  imul: 'i32x4.mul',
  cvt: 'f32x4.convert_i32x4_s',
  // One cvttps2dq on x64 instead of a saturating sequence: every toInt in vmath.ts takes an
  // integral value inside the int32 range, or its result is overridden (NaN, out of range).
  toInt: 'i32x4.relaxed_trunc_f32x4_s',
};

/**
 * min/max of a lane value and a constant that is neither NaN nor zero, as one minps/maxps on x64
 * (f32x4.min is about eight instructions there, for NaN and -0 against +0). With the constant
 * first, x64's minps returns the second operand when either is NaN, and arm64's fmin returns
 * NaN: Math.min's answer either way, and no zero can tie with the constant. Undefined otherwise.
 */
function againstConstant(node: Node, e: (v: Val) => string, constantOf: (v: Val) => number | undefined): string | undefined {
  if ((node.op !== 'min' && node.op !== 'max') || !('b' in node)) {
    return undefined;
  }
  const usable = (c: number | undefined): boolean => c !== undefined && !Number.isNaN(c) && c !== 0;
  const [k, x] = usable(constantOf(node.b)) ? [node.b, node.a] : usable(constantOf(node.a)) ? [node.a, node.b] : [undefined, undefined];
  if (k === undefined || x === undefined || constantOf(x) !== undefined) {
    return undefined;
  }
  return `f32x4.relaxed_${node.op}(${e(k)}, ${e(x)})`;
}

function operation(node: Node, e: (v: Val) => string, constantOf: (v: Val) => number | undefined): string {
  const relaxed = againstConstant(node, e, constantOf);
  if (relaxed !== undefined) {
    return relaxed;
  }
  switch (node.op) {
    case 'fma':
      // Fused where the CPU has FMA (one rounding), mul then add elsewhere: relaxed SIMD lets
      // the engine choose, and the kernel's tolerance covers both.
      return `f32x4.relaxed_madd(${e(node.a)}, ${e(node.b)}, ${e(node.c)})`;
    case 'select':
      // A mask (kind 'm') comes from a comparison, so each lane is all ones or all zeros: the
      // case where laneselect is exact (one blendvps on x64 instead of and/andnot/or).
      return `i32x4.relaxed_laneselect(${e(node.a)}, ${e(node.b)}, ${e(node.m)})`;
    case 'shl':
      return `i32x4.shl(${e(node.a)}, ${node.count})`;
    case 'shr':
      return `i32x4.shr_s(${e(node.a)}, ${node.count})`;
    case 'shru':
      return `i32x4.shr_u(${e(node.a)}, ${node.count})`;
    case 'bits':
    case 'float':
      // v128 has no type: reinterpreting lanes is free.
      return e(node.a);
    case 'const':
    case 'iconst':
    case 'arg':
      throw new Error(`internal: ${node.op} is not an operation`);
    default: {
      const fn = SIMPLE[node.op];
      if (fn === undefined) {
        throw new Error(`internal: no AssemblyScript for ${node.op}`);
      }
      return 'b' in node ? `${fn}(${e(node.a)}, ${e(node.b)})` : `${fn}(${e(node.a)})`;
    }
  }
}

/**
 * The function prologue: each param (word i of desc) as a splat local `a<name>`, and each
 * constant as `k<slot>` (words after the params). Call after every block of the function is
 * printed, so the pool holds all of its constants.
 */
export function prologue(params: number, constants: ConstantPool): string[] {
  const lines: string[] = [];
  for (let i = 0; i < params; i++) {
    lines.push(`const q${i} = v128.load32_splat(desc + ${4 * i});`);
  }
  constants.bits.forEach((_, slot) => lines.push(`const k${slot} = v128.load32_splat(desc + ${4 * (params + slot)});`));
  return lines;
}
