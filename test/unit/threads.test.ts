/**
 * createRuntime's `threads` option is bounded (issue 8, section 2b): `threads: 1e6` was accepted
 * and the first large call started workers until the process held 3.2 GB and 676 threads;
 * `threads: 64` on 2 cores took 3.1 s to start with no warning.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { createRuntime, HotpathError } from '../../src/index.js';

test('threads above 256, or not a positive integer, is refused with ARGUMENT', async () => {
  for (const threads of [1e6, 257, 0, 2.5, NaN, -1]) {
    await assert.rejects(createRuntime({ threads }), (e: unknown) => e instanceof HotpathError && e.code === 'ARGUMENT' && /invalid threads, expected an integer from 1 to 256/.test(e.message), `threads: ${threads}`);
  }
});

test('threads above the machine parallelism is lowered to it, and backends() (doctor) says why', async () => {
  const cores = availableParallelism();
  const hp = await createRuntime({ threads: Math.min(256, cores + 62), backends: ['wasm'] });
  const wasm = hp.backends().find((b) => b.name === 'wasm');
  assert.equal(wasm?.threads, cores);
  assert.match(wasm?.note ?? '', new RegExp(`threads: ${Math.min(256, cores + 62)} asked, ${cores} used: this machine runs ${cores} threads at once`));
  await hp.close();
  const exact = await createRuntime({ threads: cores, backends: ['wasm'] });
  assert.equal(exact.backends().find((b) => b.name === 'wasm')?.threads, cores);
  assert.doesNotMatch(exact.backends().find((b) => b.name === 'wasm')?.note ?? '', /asked/);
  await exact.close();
});
