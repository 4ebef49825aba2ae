/**
 * The pool runs more than one module on the same shared memory (issue 9: user kernels' modules):
 * a module compiled here with asc, as a user kernel is, added to a running pool, runs its init
 * export once on every thread and writes its rows from every thread; the epoch running before
 * it was added is stopped and the next call starts workers that instantiate every module. A
 * module with a forbidden import, a missing or mistyped export, a global import without a value
 * or data outside its window is refused with ARGUMENT, naming what is wrong.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import asc from 'assemblyscript/asc';
import { HotpathError } from '../../src/index.js';
import { loadModule } from '../../src/backends/wasm/module.js';
import { Pool } from '../../src/backends/wasm/pool.js';
import { rowRange } from '../../src/backends/wasm/shape.js';
import { signature, SIGNATURES } from '../../src/backends/wasm/signatures.js';
import { Heap } from '../../src/runtime/heap.js';

const ADD = SIGNATURES.filter((s) => s.name === 'add');

/** Compiles AssemblyScript as user kernels are built: imported shared heap, no runtime. */
async function compile(source: string, extra: Record<string, unknown> = {}): Promise<Uint8Array> {
  const options = { runtime: 'stub', noAssert: true, enable: ['threads'], importMemory: true, sharedMemory: true, maximumMemory: 65536, noExportMemory: true, optimizeLevel: 3, ...extra };
  const result = await asc.compileString({ 'kernel.ts': source }, options);
  assert.equal(result.error, null, result.stderr.toString());
  return result.binary!;
}

/**
 * `setup` (the init export) takes the next ordinal from a counter in the heap: 0 for the
 * calling thread's instance, 1.. for the workers'. `fill` writes row r as r * 10 + base +
 * ordinal, so each row says which instance wrote it and that its init ran.
 */
const ROWS_SOURCE = `
@external("env", "base") declare const base: i32;
let ordinal: i32 = -1000000;
export function setup(counter: usize): void { ordinal = atomic.add<i32>(counter, 1); }
export function fill(y: usize, rowStart: i32, rowEnd: i32): void {
  for (let r = rowStart; r < rowEnd; r++) store<f32>(y + (<usize>r << 2), <f32>(r * 10 + base + ordinal));
}`;

function refusal(fn: () => void): HotpathError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HotpathError, `expected a HotpathError, got ${String(error)}`);
    return error;
  }
  return assert.fail('the module was accepted');
}

test('a module added to a running pool runs its init on every thread and writes its rows from every thread; the built-in keeps working', { timeout: 60_000 }, async () => {
  const bytes = await compile(ROWS_SOURCE);
  const heap = new Heap();
  const pool = new Pool(loadModule(ADD).module, heap.memory, 2, ADD);
  const n = 1000;
  const x = heap.alloc(n * 4);
  const y = heap.alloc(n * 4);
  const counter = heap.alloc(64);
  const counterWord = new Int32Array(heap.memory.buffer, counter, 1);
  counterWord[0] = 0;
  new Float32Array(heap.memory.buffer, x, n).fill(2);
  const ys = new Float32Array(heap.memory.buffer, y, n);
  const add = (t: number): number[] | null => {
    const range = rowRange(n, 2, t);
    return range === null ? null : [x, 0, 0, 0, 1, x, 0, 0, 0, 1, y, 1, 1, 1, ...range];
  };
  // A running epoch: its worker instantiated the built-in module only.
  pool.parallel('add', add);
  assert.equal(pool.starts, 1);
  assert.deepEqual(pool.workerStates(), ['ready']);

  pool.addModule({ id: 'rows', bytes, exports: [signature('setup', 'counter'), signature('fill', 'y rowStart rowEnd')], imports: { base: 1000 }, init: { name: 'setup', args: [counter] } });
  assert.equal(counterWord[0], 1, 'the calling thread ran init once, at addModule');
  ys.fill(NaN);
  const ranges = [rowRange(n, 2, 0)!, rowRange(n, 2, 1)!];
  assert.ok(ranges[0]![1] > ranges[0]![0] && ranges[1]![1] > ranges[1]![0], 'both threads get rows');
  pool.parallel('rows.fill', (t) => [y, ...ranges[t]!]);
  assert.equal(pool.starts, 2, 'the epoch running at addModule was stopped and a fresh one started');
  assert.equal(counterWord[0], 2, 'the worker ran init once');
  for (let r = 0; r < n; r++) {
    const ordinal = r < ranges[0]![1] ? 0 : 1;
    assert.equal(ys[r], r * 10 + 1000 + ordinal, `row ${r}`);
  }
  // A worker that dies is replaced by a fresh epoch whose worker instantiates (and inits) every module.
  pool.terminateWorker(0);
  const word = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + 20_000;
  while (pool.workerStates()[0] !== 'gone' && performance.now() < deadline) {
    Atomics.wait(word, 0, 0, 5);
  }
  pool.parallel('rows.fill', (t) => [y, ...ranges[t]!]);
  assert.deepEqual([pool.starts, counterWord[0], ys[n - 1]], [3, 3, (n - 1) * 10 + 1000 + 2]);
  // The built-in module runs in the new epoch too; and pool.call reaches the added module.
  pool.parallel('add', add);
  assert.ok(ys.every((v) => v === 4));
  pool.call('rows.fill', y, 0, 1);
  assert.equal(ys[0], 1000);

  pool.removeModule('rows');
  assert.throws(() => pool.call('rows.fill', y, 0, 1), /internal: rows\.fill is not a declared export/);
  pool.parallel('add', add);
  assert.equal(pool.starts, 4);
  assert.equal(counterWord[0], 3, 'a removed module is not instantiated again');
  await pool.close();
});

test('modules with a forbidden import, a missing or mistyped export, an import without a value or data outside their window are refused', { timeout: 60_000 }, async () => {
  const heap = new Heap();
  const pool = new Pool(loadModule(ADD).module, heap.memory, 2, ADD);
  const fill = signature('fill', 'y rowStart rowEnd');
  const exports = [signature('setup', 'counter'), fill];
  // Math.random imports env.seed (a function): a hazard asc accepts.
  const random = await compile('export function fill(y: usize, rowStart: i32, rowEnd: i32): void { store<f64>(y, Math.random()); }');
  const seeded = refusal(() => pool.addModule({ id: 'random', bytes: random, exports: [fill] }));
  assert.equal(seeded.code, 'ARGUMENT');
  assert.match(seeded.message, /pool\.addModule\(random\): a forbidden import env\.seed \(func\)/);

  const rows = await compile(ROWS_SOURCE);
  assert.match(refusal(() => pool.addModule({ id: 'rows', bytes: rows, exports })).message, /no valid value for import env\.base \(global\), expected imports\.base: an integer in \[-2\^31, 2\^31\), received undefined/);
  assert.match(refusal(() => pool.addModule({ id: 'rows', bytes: rows, exports, imports: { base: 0.5 } })).message, /no valid value for import env\.base/);
  const mistyped = [signature('setup', 'counter'), signature('fill', 'y rowStart rowEnd:f64')];
  assert.match(refusal(() => pool.addModule({ id: 'rows', bytes: rows, exports: mistyped, imports: { base: 0 } })).message, /export fill is declared fill\(y: i32, rowStart: i32, rowEnd: f64\) -> void but the module has \(i32, i32, i32\) -> void/);
  assert.match(refusal(() => pool.addModule({ id: 'rows', bytes: rows, exports: [...exports, signature('clear', 'y')], imports: { base: 0 } })).message, /export clear is missing/);
  assert.match(refusal(() => pool.addModule({ id: 'a.b', bytes: rows, exports, imports: { base: 0 } })).message, /invalid or taken module id/);

  // A constant table is a data segment at the memory base, here a heap block reserved for it:
  // inside its window, or refused.
  const window = heap.alloc(4096);
  const table = await compile('const t: StaticArray<f32> = [1.5, 2.5];\nexport function fill(y: usize, rowStart: i32, rowEnd: i32): void { store<f32>(y, t[rowStart & 1]); }', { memoryBase: window });
  assert.match(refusal(() => pool.addModule({ id: 'table', bytes: table, exports: [fill] })).message, /data segment 0 outside its window, expected no active data segment without a dataWindow/);
  assert.match(refusal(() => pool.addModule({ id: 'table', bytes: table, exports: [fill], dataWindow: { byteOffset: 0, bytes: window } })).message, new RegExp(`data segment 0 outside its window, expected inside the window \\[0, ${window}\\)`));
  pool.addModule({ id: 'table', bytes: table, exports: [fill], dataWindow: { byteOffset: window, bytes: 4096 } });
  const out = heap.alloc(64);
  pool.call('table.fill', out, 1, 2);
  assert.equal(new Float32Array(heap.memory.buffer, out, 1)[0], 2.5, 'the table was written where the module reads it');

  // Refusals leave the pool as it was: the id is free, the built-in still runs.
  pool.addModule({ id: 'rows', bytes: rows, exports: [fill], imports: { base: 0 } });
  assert.equal(refusal(() => pool.addModule({ id: 'rows', bytes: rows, exports: [fill], imports: { base: 0 } })).code, 'ARGUMENT');
  assert.equal(refusal(() => pool.removeModule('nothing')).code, 'ARGUMENT');
  await pool.close();
});
