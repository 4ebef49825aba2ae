/**
 * File paths must be strings: Node's readFileSync/writeFileSync take a number as an open file
 * descriptor, so hp.loadNpz(5) read one of Node 22/24's own pipes and blocked npm test forever
 * (Node 20: EBADF), and hp.saveNpz(1, ...) would write to stdout. A number is ARGUMENT.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createRuntime, HotpathError } from '../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-iopath-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const argument = (e: unknown): boolean => e instanceof HotpathError && e.code === 'ARGUMENT' && /path/.test(e.message);

test('loadNpz and saveNpz refuse a file descriptor (a number) instead of reading or writing it', async () => {
  const hp = await createRuntime({ backends: ['ref'] });
  const file = path.join(dir, 'a.npz');
  hp.saveNpz(file, { a: hp.tensor([1, 2]) });
  const before = readFileSync(file);
  // A descriptor we own and that is readable and writable: before the fix both calls used it.
  const fd = openSync(file, 'r+');
  try {
    assert.throws(() => hp.loadNpz(fd as never), argument);
    assert.throws(() => hp.saveNpz(fd as never, { b: hp.tensor([3]) }), argument);
  } finally {
    closeSync(fd);
  }
  assert.deepEqual(readFileSync(file), before);
  assert.equal(statSync(file).size, before.length);
  await hp.close();
});
