/**
 * The glue between TypeScript and wasm is checked against one declared signature per export
 * (issue 9): the binary reader on a module assembled byte by byte here, its FORMAT errors on
 * truncated and hostile bytes, a wrong declaration refused when the module loads (the backend
 * is then unavailable, saying which export and how it differs), and calls whose arguments do
 * not fit the signature refused before anything runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRuntime, HotpathError } from '../../src/index.js';
import { wasmBackendWith } from '../../src/backends/wasm/index.js';
import { loadModule } from '../../src/backends/wasm/module.js';
import { Pool } from '../../src/backends/wasm/pool.js';
import { readModule } from '../../src/backends/wasm/sections.js';
import { checkExports, signature, SIGNATURES } from '../../src/backends/wasm/signatures.js';
import { Heap } from '../../src/runtime/heap.js';
import { body, F64, funcType, I32, name, section, sleb, uleb, vec, wasmModule } from '../wasmBytes.js';

/** Sections of a small module: three types, three imports, two functions, exports, data. */
function handSections(): number[][] {
  return [
    section(1, vec([funcType([I32, F64], [I32]), funcType([], []), funcType([I32, I32, I32, I32], [])])),
    section(
      2,
      vec([
        [...name('env'), ...name('abort'), 0x00, 2],
        // Memory: flags 3 = shared with a maximum; 1 page at least, 65536 at most.
        [...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)],
        [...name('env'), ...name('n'), 0x03, I32, 0x00],
      ]),
    ),
    section(3, vec([[0], [1]])),
    // Function indices count the imported function first: scale is 1, init is 2.
    section(7, vec([[...name('scale'), 0x00, 1], [...name('init'), 0x00, 2], [...name('n'), 0x03, 0]])),
    section(12, uleb(3)),
    section(10, vec([body([0x20, 0x00]), body([])])),
    section(
      11,
      vec([
        [0x00, 0x41, ...sleb(1024), 0x0b, ...vec([[0x61], [0x62], [0x63]])],
        [0x01, ...vec([[1], [2], [3], [4], [5]])],
        // Memory 0 explicitly, at the imported global n: no constant offset.
        [0x02, 0x00, 0x23, 0x00, 0x0b, ...vec([[9], [9]])],
      ]),
    ),
  ];
}

test('the reader returns the exported function types, imports and data segments of a hand-assembled module', () => {
  const bytes = wasmModule(handSections());
  assert.ok(WebAssembly.validate(bytes), 'the hand-assembled module is valid wasm');
  const info = readModule(bytes);
  assert.deepEqual(info.functions, [
    { name: 'scale', params: ['i32', 'f64'], results: ['i32'] },
    { name: 'init', params: [], results: [] },
  ]);
  assert.deepEqual(info.exports, [
    { name: 'scale', kind: 'func' },
    { name: 'init', kind: 'func' },
    { name: 'n', kind: 'global' },
  ]);
  assert.deepEqual(info.imports, [
    { module: 'env', name: 'abort', kind: 'func', type: { params: ['i32', 'i32', 'i32', 'i32'], results: [] } },
    { module: 'env', name: 'memory', kind: 'memory', memory: { min: 1, max: 65536, shared: true } },
    { module: 'env', name: 'n', kind: 'global', global: { type: 'i32', mutable: false } },
  ]);
  assert.equal(info.memories, 0);
  assert.deepEqual(info.data, [
    { mode: 'active', offset: 1024, bytes: 3 },
    { mode: 'passive', offset: null, bytes: 5 },
    { mode: 'active', offset: null, bytes: 2 },
  ]);
});

test('truncated bytes give FORMAT at every cut inside a section; hostile counts and sizes give FORMAT at once', () => {
  const sections = handSections();
  const bytes = wasmModule(sections);
  const boundaries = new Set<number>([8]);
  sections.reduce((end, s) => {
    boundaries.add(end + s.length);
    return end + s.length;
  }, 8);
  const outcome = (b: Uint8Array): string => {
    try {
      readModule(b);
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof HotpathError, `a plain ${String(error)}`);
      return error.code;
    }
  };
  for (let cut = 0; cut < bytes.length; cut++) {
    const result = outcome(bytes.subarray(0, cut));
    if (!boundaries.has(cut)) {
      assert.equal(result, 'FORMAT', `cut at byte ${cut} of ${bytes.length}`);
    }
  }
  // 2^32 - 1 types in a 5-byte section; a section of 2^32 - 1 bytes; a 6-byte LEB128; a bad magic.
  assert.equal(outcome(wasmModule([section(1, uleb(2 ** 32 - 1))])), 'FORMAT');
  assert.equal(outcome(wasmModule([[1, ...uleb(2 ** 32 - 1), 0x00]])), 'FORMAT');
  assert.equal(outcome(wasmModule([[1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]])), 'FORMAT');
  assert.equal(outcome(Uint8Array.from([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0])), 'FORMAT');
  assert.throws(() => readModule(wasmModule([section(1, uleb(2 ** 32 - 1))])), /a count of 4294967295 types that the bytes cannot hold/);
});

test('both builds of the built-in module match every declared signature', () => {
  for (const file of ['hotpath-simd.wasm', 'hotpath-relaxed.wasm']) {
    const bytes = readFileSync(new URL(`../../wasm/${file}`, import.meta.url));
    assert.deepEqual(checkExports(readModule(bytes).functions, SIGNATURES), [], file);
  }
});

test('a wrong declaration is refused when the module loads, naming the export, the declared and the actual signature', async () => {
  const wrong = SIGNATURES.map((s) => (s.name === 'hannWindow' ? signature('hannWindow', 'y size denominator:f64') : s));
  const missing = [...SIGNATURES, signature('hannWindowF64', 'y size')];
  assert.throws(() => loadModule(wrong), /export hannWindow is declared hannWindow\(y: i32, size: i32, denominator: f64\) -> void but the module has \(i32, i32, i32\) -> void/);
  assert.throws(() => loadModule(missing), /export hannWindowF64 is missing \(declared hannWindowF64\(y: i32, size: i32\) -> void\)/);
  const hp = await createRuntime({ backends: ['ref', wasmBackendWith(wrong)] });
  const wasm = hp.backends().find((b) => b.name === 'wasm');
  assert.equal(wasm?.available, false);
  assert.match(wasm?.reason ?? '', /does not match the signatures declared in src\/backends\/wasm\/signatures\.ts: export hannWindow is declared/);
  await hp.close();
});

test('a call whose arguments do not fit the signature is refused before any thread runs it', async () => {
  const ADD = SIGNATURES.filter((s) => s.name === 'add');
  const heap = new Heap();
  const pool = new Pool(loadModule(ADD).module, heap.memory, 2, ADD);
  const n = 64;
  const x = heap.alloc(n * 4);
  const y = heap.alloc(n * 4);
  new Float32Array(heap.memory.buffer, x, n).fill(1.5);
  const ys = new Float32Array(heap.memory.buffer, y, n).fill(NaN);
  // y = x + x over one row of n, rows [start, end) of it.
  const args = (start: number, end: number): number[] => [x, 0, 0, 0, 1, x, 0, 0, 0, 1, y, 1, 1, n, start, end];
  assert.throws(() => pool.parallel('add', (t) => (t === 0 ? args(0, 1) : args(0, 1).slice(0, 15))), {
    message: 'internal: add(a, a0, a1, a2, a3, b, b0, b1, b2, b3, c, d1, d2, d3, rowStart, rowEnd) expects 16 arguments, got 15',
  });
  assert.throws(() => pool.parallel('add', (t) => (t === 0 ? args(0, 1) : args(0, 1.5))), {
    message: 'internal: add(…) expects an integer in [-2^31, 2^32) for rowEnd (argument 16, i32), got 1.5',
  });
  assert.throws(() => pool.call('add', ...args(0, 1), 7), /expects 16 arguments, got 17/);
  assert.throws(() => pool.call('add', ...args(0, 2 ** 32)), /for rowEnd \(argument 16, i32\), got 4294967296/);
  assert.throws(() => pool.call('relu', ...args(0, 1)), /internal: relu is not a declared export/);
  assert.ok(ys.every(Number.isNaN), 'no thread ran a refused call');
  pool.parallel('add', (t) => (t === 0 ? args(0, 0) : args(0, 1)));
  assert.ok(ys.every((v) => v === 3));
  await pool.close();
});
