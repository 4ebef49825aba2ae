/**
 * rows() kernels: one output row from the same row of each input, written as a plain function
 * of the rows, with statements about the whole row (uniform values: a mean, a scale) and loops
 * `for (let j = 0; j < n; j++)` over its elements. Each loop becomes a four-lane loop plus a
 * masked tail; `s += e`, `s -= e`, `s = Math.max(s, e)` and `s = Math.min(s, e)` on an outer
 * variable are accumulations (per-lane partials, combined after the loop in a fixed order);
 * `x[j]` reads the row, `out[j] = e` writes it. Uniform values are splat lanes, so every
 * statement of the row body goes through the same lowering as element bodies (lower.ts).
 */
import ts from 'typescript';
import { signaturesOf } from './abi.js';
import { ConstantPool, printBlock, prologue } from './codegen.js';
import type { FoundKernel } from './frontend.js';
import { Builder, type Val } from './ir.js';
import { active, checkType, expression, fail, newState, statements, type LowerContext, type State } from './lower.js';
import { header, HELPERS, type Generated } from './templates.js';

/** A uniform variable of the row body: its current AS local (a splat v128). */
interface Uniform {
  local: string;
  readonly mutable: boolean;
}

type Accumulate = 'sum' | 'max' | 'min';

interface Accumulation {
  readonly op: Accumulate;
  /** The lane value added (or maxed) in this iteration, under `lanes`. */
  value: Val;
}

const NEUTRAL: Readonly<Record<Accumulate, string>> = { sum: '0', max: '-Infinity', min: 'Infinity' };
const LANES: Readonly<Record<Accumulate, string>> = { sum: 'f32x4.add', max: 'f32x4.max', min: 'f32x4.min' };
const SPLAT: Readonly<Record<Accumulate, string>> = { sum: 'hsum', max: 'hmax', min: 'hmin' };

const ROW_HELPERS = `
@inline function hsum(a: v128): v128 {
  return f32x4.splat((f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3)));
}
@inline function hmax(a: v128): v128 {
  return f32x4.splat(max<f32>(max<f32>(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)), max<f32>(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3))));
}
@inline function hmin(a: v128): v128 {
  return f32x4.splat(min<f32>(min<f32>(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)), min<f32>(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3))));
}
`;

/** Lowers and prints a rows() kernel. @throws COMPILE */
export function rowsModule(found: FoundKernel, fn: ts.FunctionLikeDeclaration): Generated {
  const inputs = found.inputs.length;
  const params = found.params.length;
  const base = { kernel: found.name, file: found.file, text: found.text };
  const want = inputs + 2 + params;
  if (fn.parameters.length !== want) {
    fail({ ...base, b: new Builder() }, fn, `row takes ${fn.parameters.length} parameters here, the declaration gives it ${want}`, `write row(${[...found.inputs, 'out', 'n', ...found.params].join(', ')}): the input rows, the output row, the row length, then the params`);
  }
  const names = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : fail({ ...base, b: new Builder() }, p, 'parameters must be plain names')));
  const rowsOf = new Map<string, string>(names.slice(0, inputs).map((n, k) => [n, `r${k}`]));
  const outName = names[inputs]!;
  const nName = names[inputs + 1]!;
  const uniforms = new Map<string, Uniform>(names.slice(inputs + 2).map((n, i) => [n, { local: `q${i}`, mutable: true }]));
  uniforms.set(nName, { local: 'nf', mutable: false });
  const constants = new ConstantPool();
  const lines: string[] = [];
  let counter = 0;
  const fresh = (prefix: string): string => `${prefix}${counter++}`;

  /** Runs one statement (or a loop) with the uniforms as the outer scope, then rebinds what changed. */
  const uniformStatement = (s: ts.Statement): void => {
    const b = new Builder();
    const argNames: string[] = [];
    const scope = new Map<string, { val: Val; mutable: boolean }>();
    for (const [name, u] of uniforms) {
      scope.set(name, { val: b.arg(argNames.length), mutable: u.mutable });
      argNames.push(u.local);
    }
    const before = new Map([...scope].map(([n, v]) => [n, v.val]));
    const ctx: LowerContext = {
      ...base,
      b,
      hooks: {
        loop: (loop) => rowLoop(loop, ctx),
        read: (e) => fail(ctx, e, 'rows are read inside a loop over j', 'write for (let j = 0; j < n; j++) { ... x[j] ... }'),
        write: (e) => fail(ctx, e, 'rows are written inside a loop over j', 'write for (let j = 0; j < n; j++) { out[j] = ... }'),
      },
    };
    const state = newState(scope);
    statements(ctx, state, [s]);
    const changed = [...scope].filter(([n, v]) => before.get(n) !== v.val);
    if (changed.length === 0) {
      return;
    }
    const block = printBlock(b.nodes, changed.map(([, v]) => v.val), { arg: (i) => argNames[i]!, uniform: () => false, prefix: fresh('s') + '_' }, constants);
    lines.push(...block.hoisted, ...block.lines);
    changed.forEach(([name, v], i) => {
      const local = fresh('u');
      lines.push(`const ${local} = ${block.roots[i]!};`);
      uniforms.set(name, { local, mutable: uniforms.get(name)?.mutable ?? v.mutable });
    });
  };

  /** for (let j = 0; j < n; j++) { ... }: a lane loop with a masked tail. */
  const rowLoop = (loop: ts.ForStatement, outer: LowerContext): void => {
    const j = loopVariable(outer, loop, nName);
    const b = new Builder();
    const argNames: string[] = [];
    const laneArgs = new Set<number>();
    const arg = (local: string, lane = false): Val => {
      const index = argNames.indexOf(local);
      if (index >= 0) {
        return b.arg(index);
      }
      argNames.push(local);
      if (lane) {
        laneArgs.add(argNames.length - 1);
      }
      return b.arg(argNames.length - 1);
    };
    const accumulations = new Map<string, Accumulation>();
    let stored: Val | null = null;
    const ctx: LowerContext = {
      ...base,
      b,
      hooks: {
        resolve: (name, node) => {
          if (name === j) {
            return arg('jf', true);
          }
          if (accumulations.has(name)) {
            return fail(ctx, node, `'${name}' is accumulated in this loop: its value is known after the loop`, 'read it after the loop');
          }
          const u = uniforms.get(name);
          return u === undefined ? undefined : arg(u.local);
        },
        read: (e) => {
          const row = rowName(ctx, e, j);
          if (row === outName) {
            return stored ?? arg('o', true);
          }
          const local = rowsOf.get(row);
          return local === undefined ? fail(ctx, e.expression, `'${row}' is not a row of this kernel`, `the rows are ${[...rowsOf.keys(), outName].join(', ')}`) : arg(local, true);
        },
        write: (e, value, lanes) => {
          if (rowName(ctx, e, j) !== outName) {
            fail(ctx, e, 'only the output row can be written', `write ${outName}[${j}] = ...`);
          }
          stored = lanes === null ? value : b.select(lanes, value, stored ?? arg('o', true));
        },
        assignOuter: (e, target, state) => accumulate(ctx, state, e, target, accumulations, (name) => uniforms.has(name)),
        loop: (inner) => fail(ctx, inner, 'loops inside a loop over the row are not supported', 'split the work into consecutive loops over j'),
      },
    };
    statements(ctx, newState(new Map()), ts.isBlock(loop.statement) ? loop.statement.statements : [loop.statement]);
    const accs = [...accumulations];
    const roots = [...accs.map(([, a]) => a.value), ...(stored === null ? [] : [stored])];
    const jv = fresh('j');
    const names = argNames.map((n) => (n === 'jf' ? `${jv}f` : n === 'o' ? `${jv}o` : rowsOf.has(n) || [...rowsOf.values()].includes(n) ? `${jv}${n}` : n));
    const block = printBlock(b.nodes, roots, { arg: (i) => names[i]!, uniform: (i) => !laneArgs.has(i), prefix: fresh('l') + '_' }, constants);
    const accLocals = accs.map(() => fresh('a'));
    const iteration = (tail: boolean): string[] => {
      const at = (p: string): string => `${p} + (<usize>${jv} << 2)`;
      const load = (p: string): string => (tail ? `ldTail(${at(p)}, 1, c)` : `v128.load(${at(p)})`);
      const out: string[] = [];
      argNames.forEach((n, i) => {
        if (n === 'jf') {
          out.push(`const ${names[i]} = f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(${jv}), i32x4(0, 1, 2, 3)));`);
        } else if (n === 'o') {
          out.push(`const ${names[i]} = ${load('ro')};`);
        } else if (laneArgs.has(i)) {
          out.push(`const ${names[i]} = ${load(n)};`);
        }
      });
      out.push(...block.lines);
      accs.forEach(([, a], i) => {
        const next = `${LANES[a.op]}(${accLocals[i]}, ${block.roots[i]!})`;
        out.push(`${accLocals[i]} = ${tail ? `v128.bitselect(${next}, ${accLocals[i]}, valid(c))` : next};`);
      });
      if (stored !== null) {
        const v = block.roots[accs.length]!;
        out.push(tail ? `stTail(${at('ro')}, ${v}, c);` : `v128.store(${at('ro')}, ${v});`);
      }
      return out;
    };
    lines.push(
      ...block.hoisted,
      ...accs.map(([, a], i) => `let ${accLocals[i]} = f32x4.splat(${NEUTRAL[a.op]});`),
      `let ${jv} = 0;`,
      `for (; ${jv} + 4 <= n; ${jv} += 4) {`,
      ...iteration(false).map((l) => `  ${l}`),
      '}',
      `if (${jv} < n) {`,
      `  const c = n - ${jv};`,
      ...iteration(true).map((l) => `  ${l}`),
      '}',
    );
    // After the loop each accumulated variable is its old value combined with the lanes.
    accs.forEach(([name, a], i) => {
      const local = fresh('u');
      lines.push(`const ${local} = ${LANES[a.op]}(${uniforms.get(name)!.local}, ${SPLAT[a.op]}(${accLocals[i]}));`);
      uniforms.set(name, { local, mutable: true });
    });
  };

  const body = fn.body;
  if (body === undefined || !ts.isBlock(body)) {
    return fail({ ...base, b: new Builder() }, fn, 'row needs a block body', 'write row(x, out, n) { for (let j = 0; j < n; j++) { out[j] = ...; } }');
  }
  fn.parameters.slice(inputs + 2).forEach((p) => checkType({ ...base, b: new Builder() }, p.type));
  for (const s of body.statements) {
    uniformStatement(s);
  }
  const [sig] = signaturesOf('rows', inputs);
  const rowPointers = [...Array.from({ length: inputs }, (_, k) => `const r${k} = x${k} + ((<usize>r * <usize>rs${k}) << 2);`), 'const ro = out + ((<usize>r * <usize>ors) << 2);'];
  const source = [
    HELPERS,
    ROW_HELPERS,
    header(sig!),
    ...prologue(params, constants).map((l) => `  ${l}`),
    '  const nf = f32x4.splat(<f32>n);',
    '  for (let r = rowStart; r < rowEnd; r++) {',
    ...rowPointers.map((l) => `    ${l}`),
    ...lines.map((l) => `    ${l}`),
    '  }',
    '}',
  ].join('\n');
  return { source: `${source}\n`, exports: [sig!], constants: constants.bits };
}

/** The loop variable of `for (let j = 0; j < n; j++)`, n being the row length. @throws COMPILE */
function loopVariable(ctx: LowerContext, loop: ts.ForStatement, n: string): string {
  const init = loop.initializer;
  const decl = init !== undefined && ts.isVariableDeclarationList(init) && init.declarations.length === 1 ? init.declarations[0]! : undefined;
  const name = decl !== undefined && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  const startsAtZero = decl?.initializer !== undefined && ts.isNumericLiteral(decl.initializer) && decl.initializer.text === '0';
  const cond = loop.condition;
  const bounded = cond !== undefined && ts.isBinaryExpression(cond) && cond.operatorToken.kind === ts.SyntaxKind.LessThanToken && isName(cond.left, name ?? '') && isName(cond.right, n);
  const inc = loop.incrementor;
  const steps = inc !== undefined && (ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === ts.SyntaxKind.PlusPlusToken && ts.isIdentifier(inc.operand) && inc.operand.text === name;
  if (name === undefined || !startsAtZero || !bounded || !steps) {
    return fail(ctx, loop, `a loop over the row must read for (let j = 0; j < ${n}; j++)`, 'lanes take four consecutive j at once; other loop shapes are not compiled');
  }
  return name;
}

/** The row of `row[j]`, after checking the index is the loop variable. */
function rowName(ctx: LowerContext, e: ts.ElementAccessExpression, j: string): string {
  if (!ts.isIdentifier(e.expression)) {
    return fail(ctx, e.expression, 'index a row by name', 'x[j]');
  }
  if (!ts.isIdentifier(e.argumentExpression) || e.argumentExpression.text !== j) {
    return fail(ctx, e.argumentExpression, `rows are indexed by the loop variable '${j}' only`, `lanes run ${j}, ${j}+1, ${j}+2, ${j}+3 at once; other indexes would read other lanes' elements`);
  }
  return e.expression.text;
}

/** s += e, s -= e, s = s + e, s = Math.max(s, e), s = Math.min(s, e) in a loop: an accumulation. */
function accumulate(ctx: LowerContext, state: State, e: ts.Expression, target: ts.Identifier, accs: Map<string, Accumulation>, isOuter: (name: string) => boolean): void {
  const b = ctx.b;
  const name = target.text;
  if (!isOuter(name)) {
    fail(ctx, target, `'${name}' is not a local or a variable of the row`, 'declare it with let before the loop');
  }
  const found = shape(e, name);
  if (found === null) {
    fail(ctx, e, `'${name}' is declared outside the loop: it can only be accumulated here`, `write ${name} += <value>, ${name} = Math.max(${name}, <value>) or Math.min; other updates of an outer variable depend on the previous iteration, which runs in another lane`);
  }
  const term = expression(ctx, state, found.term);
  const lanes = active(ctx, state);
  const neutral = b.const(found.op === 'sum' ? 0 : found.op === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
  const value = lanes === null ? (found.negate ? b.un('neg', term) : term) : b.select(lanes, found.negate ? b.un('neg', term) : term, neutral);
  const known = accs.get(name);
  if (known !== undefined && known.op !== found.op) {
    fail(ctx, e, `'${name}' is accumulated two ways in one loop`, 'use one variable per accumulation');
  }
  if (known === undefined) {
    accs.set(name, { op: found.op, value });
  } else {
    known.value = found.op === 'sum' ? b.add(known.value, value) : b.bin(found.op, known.value, value);
  }
}

function shape(e: ts.Expression, name: string): { op: Accumulate; term: ts.Expression; negate: boolean } | null {
  if (!ts.isBinaryExpression(e)) {
    return null;
  }
  const k = e.operatorToken.kind;
  if (k === ts.SyntaxKind.PlusEqualsToken || k === ts.SyntaxKind.MinusEqualsToken) {
    return { op: 'sum', term: e.right, negate: k === ts.SyntaxKind.MinusEqualsToken };
  }
  if (k !== ts.SyntaxKind.EqualsToken) {
    return null;
  }
  const r = skipParens(e.right);
  if (ts.isBinaryExpression(r) && r.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    if (isName(r.left, name)) {
      return { op: 'sum', term: r.right, negate: false };
    }
    if (isName(r.right, name)) {
      return { op: 'sum', term: r.left, negate: false };
    }
  }
  if (ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression) && ts.isIdentifier(r.expression.expression) && r.expression.expression.text === 'Math' && r.arguments.length === 2) {
    const fn = r.expression.name.text;
    const [a, c] = r.arguments as unknown as [ts.Expression, ts.Expression];
    if ((fn === 'max' || fn === 'min') && (isName(a, name) || isName(c, name))) {
      return { op: fn, term: isName(a, name) ? c : a, negate: false };
    }
  }
  return null;
}

function skipParens(e: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(e) ? skipParens(e.expression) : e;
}

function isName(e: ts.Expression, name: string): boolean {
  const s = skipParens(e);
  return ts.isIdentifier(s) && s.text === name;
}
