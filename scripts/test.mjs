// npm test's runner: the test files listed in test/files.txt (one per line, explicitly), under
// node:test with tsx, with a per-test timeout so a hung test fails instead of stalling CI.
// Fails when a listed file is missing or when a *.test.ts file under test/ is not listed, so a
// test file can never be silently left out. Extra arguments go to node (e.g. --test-only).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Per test (ms): generous for a loaded 2-core machine, far below CI's limit. */
const TEST_TIMEOUT_MS = 120_000;

const listed = readFileSync(path.join(REPO, 'test/files.txt'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      return e.name === 'fixtures' ? [] : testFiles(full);
    }
    return e.name.endsWith('.test.ts') ? [path.relative(REPO, full)] : [];
  });
}

const missing = listed.filter((f) => !existsSync(path.join(REPO, f)));
const unlisted = testFiles(path.join(REPO, 'test')).filter((f) => !listed.includes(f));
if (missing.length > 0 || unlisted.length > 0) {
  for (const f of missing) console.error(`test/files.txt lists ${f}, which does not exist`);
  for (const f of unlisted) console.error(`${f} is not listed in test/files.txt`);
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_MS}`, ...process.argv.slice(2), ...listed];
// CI runs this once per Node version: say which one ran, first and last, so a log is unambiguous.
const engine = `node ${process.version} (V8 ${process.versions.v8}, ${process.execPath})`;
console.log(`npm test: ${listed.length} files on ${engine}`);
const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
const status = r.status ?? 1;
console.log(`npm test on ${engine}: ${status === 0 ? 'PASS' : `FAIL (exit ${r.status ?? r.signal})`}`);
process.exit(status);
