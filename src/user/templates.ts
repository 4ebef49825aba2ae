/**
 * The loops around a lowered body, per kernel kind, as one AssemblyScript module. Each export's
 * parameter list is printed from abi.ts's signature. The same vector code runs the body and the
 * tail (the last 1-3 elements of a row go through the lanes too, masked), so a result never
 * depends on where a thread's share begins.
 */
import { signaturesOf, type Signature } from './abi.js';
import { ConstantPool, printBlock, prologue } from './codegen.js';
import type { Node, Val } from './ir.js';
import { isArg, type Combine } from './kernel.js';

export interface Graph {
  readonly nodes: readonly Node[];
  readonly result: Val;
}

export interface Generated {
  readonly source: string;
  readonly exports: Signature[];
  readonly constants: number[];
}

export const HELPERS = `
// 4 float32 at p, stride s elements (1 = contiguous, 0 = broadcast).
@inline function ld(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 0) return v128.load32_splat(p);
  const b = <usize>(s << 2);
  let v = v128.load32_splat(p);
  v = v128.load32_lane(p + b, v, 1);
  v = v128.load32_lane(p + b * 2, v, 2);
  return v128.load32_lane(p + b * 3, v, 3);
}
// The first c (1..3) of them; the other lanes repeat the first.
@inline function ldTail(p: usize, s: i32, c: i32): v128 {
  const b = <usize>(s << 2);
  let v = v128.load32_splat(p);
  if (c > 1) v = v128.load32_lane(p + b, v, 1);
  if (c > 2) v = v128.load32_lane(p + b * 2, v, 2);
  return v;
}
@inline function stTail(o: usize, v: v128, c: i32): void {
  v128.store32_lane(o, v, 0);
  if (c > 1) v128.store32_lane(o + 4, v, 1);
  if (c > 2) v128.store32_lane(o + 8, v, 2);
}
// Lanes below c.
@inline function valid(c: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(c));
}
`;

/** `export function <name>(<params>): void {`, pointers as usize, from the abi.ts signature. */
export function header(sig: Signature): string {
  return `export function ${sig.name}(${sig.params.map((p) => `${p.name}: ${p.pointer === true ? 'usize' : p.type}`).join(', ')}): void {`;
}

function indent(lines: readonly string[], depth: number): string[] {
  return lines.map((l) => `${'  '.repeat(depth)}${l}`);
}

/** Element-wise rows over a 4-d strided space: shared by map and reduce. */
function walk(inputs: number, body: (tail: boolean) => string[]): string[] {
  const ks = Array.from({ length: inputs }, (_, k) => k);
  return [
    'const i2 = r % d2;',
    'const t = r / d2;',
    'const i1 = t % d1;',
    'const i0 = t / d1;',
    ...ks.map((k) => `let c${k} = p${k} + <usize>((i0 * s${k}_0 + i1 * s${k}_1 + i2 * s${k}_2) << 2);`),
    ...ks.map((k) => `const step${k} = <usize>(s${k}_3 << 4);`),
    'let j = 0;',
    'for (; j + 4 <= d3; j += 4) {',
    ...indent(ks.map((k) => `const x${k} = ld(c${k}, s${k}_3);`), 1),
    ...indent(body(false), 1),
    ...indent(ks.map((k) => `c${k} += step${k};`), 1),
    '}',
    'if (j < d3) {',
    '  const c = d3 - j;',
    ...indent(ks.map((k) => `const x${k} = ldTail(c${k}, s${k}_3, c);`), 1),
    ...indent(body(true), 1),
    '}',
  ];
}

function elementNames(inputs: number): { arg: (index: number) => string; uniform: (index: number) => boolean } {
  return { arg: (i) => (i < inputs ? `x${i}` : `q${i - inputs}`), uniform: (i) => i >= inputs };
}

/** out[...] = element(x0, x1, ..., params). */
export function mapModule(graph: Graph, inputs: number, params: number): Generated {
  const constants = new ConstantPool();
  const block = printBlock(graph.nodes, [graph.result], { ...elementNames(inputs), prefix: 'e' }, constants);
  const [sig] = signaturesOf('map', inputs);
  const loop = walk(inputs, (tail) => [...block.lines, tail ? `stTail(o, ${block.roots[0]}, c);` : `v128.store(o, ${block.roots[0]});`, ...(tail ? [] : ['o += 16;'])]);
  const lines = [
    header(sig!),
    ...indent(prologue(params, constants), 1),
    ...indent(block.hoisted, 1),
    '  for (let r = rowStart; r < rowEnd; r++) {',
    '    let o = out + ((<usize>r * <usize>d3) << 2);',
    ...indent(loop, 2),
    '  }',
    '}',
  ];
  return { source: `${HELPERS}\n${lines.join('\n')}\n`, exports: [sig!], constants: constants.bits };
}

/** Neutral lane value and lane combine of each reduce combine. */
const COMBINE = {
  sum: { neutral: '0', lanes: '', host: '' },
  min: { neutral: 'Infinity', lanes: 'f32x4.min', host: 'min<f32>' },
  max: { neutral: '-Infinity', lanes: 'f32x4.max', host: 'max<f32>' },
} as const;

/** The first better lane value: NaN first, then smaller (larger), then the smaller index. */
const ARG_HELPER = `
@inline function argBetter(v: f32, i: i32, bv: f32, bi: i32, largest: bool): bool {
  if (i < 0) return false;
  if (bi < 0) return true;
  if (bv != bv) return v != v && i < bi;
  if (v != v) return true;
  return (largest ? v > bv : v < bv) || (v == bv && i < bi);
}
`;

/** What a reduce kind adds to the chunk loop shared by every reduce (chunkedReduce). */
interface ChunkParts {
  /** AssemblyScript helpers after HELPERS. */
  readonly helpers?: string;
  /** Function-level locals before the chunk loop. */
  readonly preamble?: readonly string[];
  /** Per chunk, before its rows: the accumulators. */
  readonly start: readonly string[];
  /** Per vector of element values `value` (the last, `tail`, has lanes below c valid). */
  readonly step: (value: string, tail: boolean) => string[];
  /** Per chunk, after its rows: writes the chunk's partial(s). */
  readonly finish: readonly string[];
}

/**
 * The module of a reduce: element(...) over the rows of each chunk of `chunkRows` rows, one
 * partial per chunk (see abi.ts), with the accumulation `parts` gives.
 */
function chunkedReduce(graph: Graph, inputs: number, params: number, parts: ChunkParts): Generated {
  const constants = new ConstantPool();
  const block = printBlock(graph.nodes, [graph.result], { ...elementNames(inputs), prefix: 'e' }, constants);
  const [sig] = signaturesOf('reduce', inputs);
  const value = block.roots[0]!;
  const loop = walk(inputs, (tail) => [...block.lines, ...parts.step(value, tail)]);
  const lines = [
    header(sig!),
    ...indent(prologue(params, constants), 1),
    ...indent(block.hoisted, 1),
    ...indent(parts.preamble ?? [], 1),
    '  for (let first = rowStart; first < rowEnd; first += chunkRows) {',
    '    const last = min(first + chunkRows, rowEnd);',
    ...indent(parts.start, 2),
    '    for (let r = first; r < last; r++) {',
    ...indent(loop, 3),
    '    }',
    ...indent(parts.finish, 2),
    '  }',
    '}',
  ];
  return { source: `${HELPERS}${parts.helpers ?? ''}\n${lines.join('\n')}\n`, exports: [sig!], constants: constants.bits };
}

/**
 * argmin / argmax: per chunk, the flat index (relative to the launch's space) of the first NaN,
 * else of the first smallest (largest) value, and that value: partials[2c] = value,
 * partials[2c + 1] = index (float64; -1 for a chunk without elements).
 */
function argParts(largest: boolean): ChunkParts {
  const better = `v128.or(v128.or(f32x4.${largest ? 'gt' : 'lt'}(e, acc), v128.andnot(f32x4.ne(e, e), f32x4.ne(acc, acc))), i32x4.eq(idx, none))`;
  return {
    helpers: ARG_HELPER,
    preamble: ['const iota = i32x4(0, 1, 2, 3);', 'const none = i32x4.splat(-1);'],
    start: [`let acc = f32x4.splat(${largest ? '-Infinity' : 'Infinity'});`, 'let idx = none;'],
    step: (value, tail) => [
      `const e = ${value};`,
      'const at = i32x4.add(i32x4.splat(r * d3 + j), iota);',
      `const take = ${tail ? `v128.and(${better}, valid(c))` : better};`,
      'acc = v128.bitselect(e, acc, take);',
      'idx = v128.bitselect(at, idx, take);',
    ],
    finish: [
      'let bestV: f32 = NaN;',
      'let bestI: i32 = -1;',
      ...[0, 1, 2, 3].flatMap((l) => [
        `if (argBetter(f32x4.extract_lane(acc, ${l}), i32x4.extract_lane(idx, ${l}), bestV, bestI, ${largest})) {`,
        `  bestV = f32x4.extract_lane(acc, ${l});`,
        `  bestI = i32x4.extract_lane(idx, ${l});`,
        '}',
      ]),
      'const slot = partials + (<usize>(first / chunkRows) << 4);',
      'store<f64>(slot, <f64>bestV);',
      'store<f64>(slot + 8, <f64>bestI);',
    ],
  };
}

/**
 * partials[chunk] = combine of element(...) over the chunk's rows. Sums accumulate in float64
 * lanes (two f64x2), min and max in the float32 lanes (NaN propagates, as Math.min does).
 */
export function reduceModule(graph: Graph, inputs: number, params: number, combine: Combine): Generated {
  if (isArg(combine)) {
    return chunkedReduce(graph, inputs, params, argParts(combine === 'argmax'));
  }
  const how = COMBINE[combine];
  const step = (value: string, tail: boolean): string[] => {
    const v = tail ? `v128.bitselect(${value}, f32x4.splat(${how.neutral}), valid(c))` : value;
    if (combine === 'sum') {
      return [`const e = ${v};`, 'lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));', 'hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));'];
    }
    return [`acc = ${how.lanes}(acc, ${v});`];
  };
  const total =
    combine === 'sum'
      ? ['const s = f64x2.add(lo, hi);', 'const total: f64 = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);']
      : [`const total: f64 = <f64>${how.host}(${how.host}(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), ${how.host}(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));`];
  return chunkedReduce(graph, inputs, params, {
    start: combine === 'sum' ? ['let lo = f64x2.splat(0);', 'let hi = f64x2.splat(0);'] : [`let acc = f32x4.splat(${how.neutral});`],
    step,
    finish: [...total, 'store<f64>(partials + (<usize>(first / chunkRows) << 3), total);'],
  });
}

/**
 * out[i, j] = finish(combine over k of term(x[i, k], y[j, k])); `assign` keeps, per row of x,
 * the first j with the smallest distance that is not NaN (label 0 and NaN when all are NaN).
 */
export function pairwiseModule(term: Graph, finish: Graph | null, params: number, combine: 'sum' | 'max'): Generated {
  const constants = new ConstantPool();
  const termBlock = printBlock(term.nodes, [term.result], { arg: (i) => (i < 2 ? `x${i}` : `q${i - 2}`), uniform: (i) => i >= 2, prefix: 'e' }, constants);
  const finishBlock = finish === null ? null : printBlock(finish.nodes, [finish.result], { arg: (i) => (i === 0 ? 'a' : `q${i - 1}`), uniform: (i) => i > 0, prefix: 'g' }, constants);
  const [runSig, assignSig] = signaturesOf('pairwise', 2);
  const neutral = combine === 'sum' ? '0' : '-Infinity';
  const lanes = combine === 'sum' ? 'f32x4.add' : 'f32x4.max';
  const t = termBlock.roots[0]!;
  const distance = [
    'const yj = y + ((<usize>j * <usize>yrs) << 2);',
    `let acc = f32x4.splat(${neutral});`,
    'let k = 0;',
    'for (; k + 4 <= d; k += 4) {',
    '  const x0 = v128.load(xi + (<usize>k << 2));',
    '  const x1 = v128.load(yj + (<usize>k << 2));',
    ...indent(termBlock.lines, 1),
    `  acc = ${lanes}(acc, ${t});`,
    '}',
    'if (k < d) {',
    '  const c = d - k;',
    '  const x0 = ldTail(xi + (<usize>k << 2), 1, c);',
    '  const x1 = ldTail(yj + (<usize>k << 2), 1, c);',
    ...indent(termBlock.lines, 1),
    `  acc = ${lanes}(acc, v128.bitselect(${t}, f32x4.splat(${neutral}), valid(c)));`,
    '}',
    combine === 'sum'
      ? 'const h: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));'
      : 'const h: f32 = max<f32>(max<f32>(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max<f32>(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));',
    'const a = f32x4.splat(h);',
    ...(finishBlock === null ? [] : finishBlock.lines),
    `const dist: f32 = f32x4.extract_lane(${finishBlock === null ? 'a' : finishBlock.roots[0]!}, 0);`,
  ];
  const hoisted = [...termBlock.hoisted, ...(finishBlock?.hoisted ?? [])];
  const rowStartLines = ['for (let i = rowStart; i < rowEnd; i++) {', '  const xi = x + ((<usize>i * <usize>xrs) << 2);'];
  const run = [
    header(runSig!),
    ...indent(prologue(params, constants), 1),
    ...indent(hoisted, 1),
    ...indent(rowStartLines, 1),
    '    for (let j = 0; j < m; j++) {',
    ...indent(distance, 3),
    '      store<f32>(out + ((<usize>i * <usize>m + <usize>j) << 2), dist);',
    '    }',
    '  }',
    '}',
  ];
  const assign = [
    header(assignSig!),
    ...indent(prologue(params, constants), 1),
    ...indent(hoisted, 1),
    ...indent(rowStartLines, 1),
    '    let label = 0;',
    '    let smallest: f32 = NaN;',
    '    for (let j = 0; j < m; j++) {',
    ...indent(distance, 3),
    '      if (dist < smallest || (smallest != smallest && dist == dist)) {',
    '        smallest = dist;',
    '        label = j;',
    '      }',
    '    }',
    '    store<i32>(labels + (<usize>i << 2), label);',
    '    store<f32>(best + (<usize>i << 2), smallest);',
    '  }',
    '}',
  ];
  return { source: `${HELPERS}\n${run.join('\n')}\n\n${assign.join('\n')}\n`, exports: [runSig!, assignSig!], constants: constants.bits };
}
