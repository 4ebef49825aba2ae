/**
 * `npm test` names its test files in test/files.txt (Node 20 does not find .ts tests by itself).
 * This keeps the list honest: every *.test.ts under test/ must be in it, and every listed file must exist.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function testFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? (e.name === 'fixtures' ? [] : testFiles(rel)) : e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

test('npm test runs every test file (test/files.txt) and only existing ones', () => {
  const script = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: { test: string } }).scripts.test;
  assert.match(script, /node scripts\/test\.mjs/);
  const listed = readFileSync(path.join(REPO, 'test/files.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual([...listed].sort(), testFiles('test').sort());
  assert.ok(listed.every((f) => existsSync(path.join(REPO, f))));
});
