/**
 * The evaluator is the oracle only if it computes what the wasm lanes compute: every VMATH
 * function's graph is printed by the kernel codegen (templates.ts mapModule, f32x4, fma as mul +
 * f32x4.relaxed_madd) into one AssemblyScript module, compiled with asc, and run on thousands
 * of inputs (with a 1-3 element tail); every output must have the same float32 bits (NaN: any
 * NaN) as irEval's in one fma mode, the same mode for all: fused where the CPU has FMA, unfused
 * elsewhere (relaxed_madd lets the engine choose; each engine always chooses the same).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argumentsOf } from '../../src/user/abi.js';
import { ASC_OPTIONS, checkModule } from '../../src/user/compile.js';
import { ensureRelaxedSimd } from '../../src/user/engine.js';
import { Evaluator } from '../../src/user/irEval.js';
import { HELPERS, mapModule } from '../../src/user/templates.js';
import { VMATH } from '../../src/user/vmath.js';
import { CASES, EDGES, graphOf } from '../vmathCases.js';

const COUNT = 4099; // elements per function: 1024 vectors and a tail of 3

/** float32 inputs for VMATH[name]: from its measured sweep when it has one, else the edges. */
function inputsOf(name: string, arity: number): number[][] {
  const c = CASES.find((k) => k.name === name);
  const pool = c === undefined ? EDGES.map((x) => [x, -x]) : c.inputs(0.05);
  const lists: number[][] = [];
  for (let i = 0; i < COUNT; i++) {
    const edge = i % 7 === 0 ? EDGES[(i / 7) % EDGES.length]! : undefined;
    const from = pool[(i * 7919) % pool.length]!;
    lists.push(Array.from({ length: arity }, (_, k) => (edge !== undefined && k === 0 ? edge : from[k % from.length]!)));
  }
  return lists;
}

function sameFloat32(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);
}

test('each VMATH graph compiled to f32x4 wasm gives the bits irEval gives, in one fma mode for all', async (t) => {
  assert.ok(ensureRelaxedSimd(), 'this engine has relaxed SIMD');
  const names = Object.keys(VMATH);
  const modules = names.map((name) => {
    const { b, root } = graphOf(name);
    const arity = VMATH[name]!.arity;
    return { name, arity, nodes: b.nodes, root, generated: mapModule({ nodes: b.nodes, result: root }, arity, 0) };
  });
  // One module with one export per function (run_exp, run_log, ...), the helpers once.
  const source = [HELPERS, ...modules.map((m) => m.generated.source.slice(HELPERS.length).replace('export function run(', `export function run_${m.name}(`))].join('\n');
  const asc = (await import('assemblyscript/asc')).default;
  const built = await asc.compileString({ 'vmath.ts': source }, { ...ASC_OPTIONS, enable: [...ASC_OPTIONS.enable], use: [...ASC_OPTIONS.use], textFile: 'vmath.wat' });
  assert.equal(built.error, null, built.stderr.toString());
  checkModule('vmath', built.binary!, built.text ?? '');
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(built.binary!), { env: { memory } });
  const desc = 1024;
  const inBase = 65536;
  const outBase = inBase + 2 * 4 * COUNT;
  const mismatches = { fused: [] as string[], unfused: [] as string[] };
  for (const m of modules) {
    new Int32Array(memory.buffer, desc, m.generated.constants.length).set(m.generated.constants);
    const lists = inputsOf(m.name, m.arity);
    const values: Record<string, number> = { desc, out: outBase, d1: 1, d2: 1, d3: COUNT, rowStart: 0, rowEnd: 1 };
    for (let k = 0; k < m.arity; k++) {
      new Float32Array(memory.buffer, inBase + 4 * COUNT * k, COUNT).set(lists.map((l) => l[k]!));
      Object.assign(values, { [`p${k}`]: inBase + 4 * COUNT * k, [`s${k}_0`]: 0, [`s${k}_1`]: 0, [`s${k}_2`]: 0, [`s${k}_3`]: 1 });
    }
    const sig = m.generated.exports[0]!;
    (instance.exports[`run_${m.name}`] as (...a: number[]) => void)(...argumentsOf(sig, values));
    const out = new Float32Array(memory.buffer, outBase, COUNT);
    for (const fma of ['fused', 'unfused'] as const) {
      const ev = new Evaluator(m.nodes, { fma });
      lists.forEach((args, i) => {
        const want = ev.run(args.map(Math.fround))[m.root.id]!;
        if (!sameFloat32(out[i]!, want)) {
          mismatches[fma].push(`${m.name}(${args.join(', ')}): wasm ${out[i]}, irEval ${want}`);
        }
      });
    }
  }
  t.diagnostic(`differences from irEval over ${COUNT} inputs x ${modules.length} functions: fused ${mismatches.fused.length}, unfused ${mismatches.unfused.length}`);
  // Every graph has fma nodes whose two roundings differ somewhere, so exactly one mode matches.
  assert.ok(mismatches.fused.length > 0 || mismatches.unfused.length > 0, 'the two modes differ on these inputs');
  const best = mismatches.fused.length <= mismatches.unfused.length ? 'fused' : 'unfused';
  assert.deepEqual(mismatches[best].slice(0, 5), [], `closest mode: ${best}`);
});
