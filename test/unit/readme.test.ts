/**
 * Every ```ts snippet in README.md runs as pasted: each block is written to its own file in an
 * empty temporary folder (its working directory, so the files it writes land there), with
 * 'hotpath' and 'hotpath/...' resolved to this checkout's sources, and run with tsx. A snippet
 * that throws, prints to stderr or exits non-zero fails here, so the README cannot drift from
 * the API.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hotpath-readme-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The body and first line number of every ```ts block. */
function snippets(markdown: string): { line: number; code: string }[] {
  const found: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') {
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') {
      end++;
    }
    assert.ok(end < lines.length, `README.md: the ts block at line ${start} is never closed`);
    found.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return found;
}

/** 'hotpath' -> src/index.ts, 'hotpath/testing' -> src/testing/index.ts (what package.json exports). */
function resolveHotpath(code: string): string {
  return code.replace(/from '(hotpath(?:\/[\w/]+)?)'/g, (_, spec: string) => {
    const sub = spec === 'hotpath' ? 'index.ts' : `${spec.slice('hotpath/'.length)}${spec.endsWith('arbitraries') ? '.ts' : '/index.ts'}`;
    return `from '${pathToFileURL(path.join(REPO, 'src', sub)).href}'`;
  });
}

const blocks = snippets(readFileSync(path.join(REPO, 'README.md'), 'utf8'));

test('README.md has ts snippets to check', () => {
  assert.ok(blocks.length >= 2, `found ${blocks.length}`);
});

for (const { line, code } of blocks) {
  test(`README.md snippet at line ${line} runs as pasted`, () => {
    const dir = mkdtempSync(path.join(tmp, 'snippet-'));
    const file = path.join(dir, 'snippet.mts');
    writeFileSync(file, resolveHotpath(code));
    // tsx is resolved here, from the repository: the snippet's folder has no node_modules.
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file], { cwd: dir, encoding: 'utf8', timeout: 100_000 });
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '', 'nothing on stderr');
  });
}
