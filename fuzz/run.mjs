// `npm run fuzz -- [SECONDS] [--targets a,b] [--model-count N]`: coverage-guided fuzzing of every
// parser of outside bytes with jazzer.js (libFuzzer), SECONDS per target (default 60), one
// target after another, then the model-based API fuzz (fuzz/model.ts) when it exists, with N
// sequences (default 10^6; 0 skips it).
//
// The targets and src/ are first compiled to JavaScript (tsconfig.fuzz.json, into .fuzz/build):
// jazzer.js instruments the ES modules it loads for coverage, and on Node >= 22 modules loaded
// through tsx reach it uninstrumented (the fuzzer then runs blind), so it is given plain .js.
//
// Each target (fuzz/targets/<name>.ts) starts from its seed corpus (fuzz/corpus/<name>/, read
// only) and a working corpus in .fuzz/<name>/corpus (kept between runs, not committed). A
// finding (an exception other than a coded HotpathError, an allocation the input does not
// justify, a hang past --timeout, memory past -rss_limit_mb) stops that target and leaves the
// input in .fuzz/<name>/ as crash-*, timeout-* or oom-*: copy it to fuzz/regressions/<name>/,
// which the regression test (test/unit/fuzzCorpus.test.ts) replays in npm test.
//
// Prints per target: executions, executions per second, inputs accepted, coded rejections by
// code, other exceptions and hangs; then the totals. Exit 1 when any target had a finding.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareJazzer } from './jazzerCompat.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Per target: the source folders worth coverage feedback besides src/, and the longest input. */
const TARGETS = {
  pyLiteral: { includes: [], maxLen: 1024 },
  npyHeader: { includes: [], maxLen: 4096 },
  npy: { includes: [], maxLen: 16384 },
  npz: { includes: ['node_modules/fflate/'], maxLen: 16384 },
  onnxTensor: { includes: ['node_modules/protobufjs/', 'node_modules/onnx-proto/'], maxLen: 8192 },
  onnxModel: { includes: ['node_modules/protobufjs/', 'node_modules/onnx-proto/'], maxLen: 8192 },
  wasmSections: { includes: [], maxLen: 4096 },
};
/** Per-input limit (ms): far above any input's parse time, so only a real hang trips it. */
const TIMEOUT_MS = 3000;
const RSS_LIMIT_MB = 2048;

function parseArgs(argv) {
  const options = { seconds: 60, targets: Object.keys(TARGETS), modelCount: 1_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--targets') {
      options.targets = argv[++i].split(',');
    } else if (arg === '--model-count') {
      options.modelCount = Number(argv[++i]);
    } else if (/^\d+(\.\d+)?$/.test(arg)) {
      options.seconds = Number(arg);
    } else {
      throw new Error(`unknown argument ${arg}; usage: npm run fuzz -- [SECONDS] [--targets ${Object.keys(TARGETS).join(',')}] [--model-count N]`);
    }
  }
  for (const t of options.targets) {
    if (!(t in TARGETS)) throw new Error(`unknown target ${t}; targets: ${Object.keys(TARGETS).join(', ')}`);
  }
  return options;
}

/** Runs one target under jazzer; resolves with its numbers as libFuzzer and the oracle counted them. */
function runTarget(name, seconds, env) {
  const { includes, maxLen } = TARGETS[name];
  const work = path.join(REPO, '.fuzz', name);
  const corpus = path.join(work, 'corpus');
  const statsFile = path.join(work, 'stats.json');
  mkdirSync(corpus, { recursive: true });
  rmSync(statsFile, { force: true });
  const jazzer = require.resolve('@jazzer.js/core/dist/cli.js');
  const instrument = ['-i', '.fuzz/build/src/', ...includes.flatMap((p) => ['-i', p])];
  // Instrumenting a dependency needs the default exclusion of node_modules lifted.
  const exclude = includes.length > 0 ? ['-e', '/excludes-nothing/'] : [];
  const args = [
    '--require', path.join(REPO, 'fuzz/compat/preload.cjs'),
    jazzer, `.fuzz/build/fuzz/targets/${name}.js`, corpus, path.join(REPO, 'fuzz/corpus', name),
    '--sync', `--timeout=${TIMEOUT_MS}`, ...instrument, ...exclude,
    '--',
    `-max_total_time=${seconds}`, `-max_len=${maxLen}`, `-rss_limit_mb=${RSS_LIMIT_MB}`,
    `-artifact_prefix=${work}/`, '-print_final_stats=1', '-print_pcs=0',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env, HOTPATH_FUZZ_STATS: statsFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk) => {
      log = (log + chunk.toString()).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => {
      writeFileSync(path.join(work, 'fuzz.log'), log);
      const stat = (key) => Number(new RegExp(`stat::${key}:\\s+(\\d+)`).exec(log)?.[1] ?? NaN);
      const oracle = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) : { executions: 0, accepted: 0, rejected: {} };
      const artifact = /Test unit written to (\S+)/.exec(log)?.[1];
      const hang = /ERROR: libFuzzer: timeout|Timeout/.test(log) && code !== 0;
      const executions = Number.isFinite(stat('number_of_executed_units')) ? stat('number_of_executed_units') : oracle.executions;
      resolve({
        name,
        ok: code === 0,
        executions,
        // libFuzzer's own figure; its final stats can be missing when it stops on the time limit mid-write.
        perSecond: Number.isFinite(stat('average_exec_per_sec')) ? stat('average_exec_per_sec') : Math.round(executions / seconds),
        // Coverage counters hit (libFuzzer's cov:), 0 when instrumentation did not reach the code.
        coverage: Number([...log.matchAll(/cov: (\d+)/g)].at(-1)?.[1] ?? 0),
        accepted: oracle.accepted,
        rejected: oracle.rejected,
        others: code === 0 ? 0 : hang ? 0 : 1,
        hangs: hang ? 1 : 0,
        artifact,
        tail: code === 0 ? '' : log.split('\n').slice(-40).join('\n'),
        signal,
      });
    });
  });
}

function runModel(count) {
  const model = path.join(REPO, 'fuzz/model.ts');
  if (!existsSync(model) || count === 0) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const started = performance.now();
    // fuzz/model.ts's own command line (written with it): --runs N sequences.
    const child = spawn(process.execPath, ['--import', 'tsx', model, '--runs', String(count)], { cwd: REPO, stdio: 'inherit' });
    child.on('close', (code) => resolve({ ok: code === 0, seconds: (performance.now() - started) / 1000 }));
  });
}

const options = parseArgs(process.argv.slice(2));
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.fuzz.json'], { cwd: REPO, stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('fuzz: compiling the targets failed (tsc -p tsconfig.fuzz.json)');
  process.exit(1);
}
const jazzer = prepareJazzer();
if (jazzer.error !== undefined) {
  console.error(`fuzz: cannot run jazzer.js: ${jazzer.error}`);
  process.exit(1);
}
console.log(`fuzz: ${jazzer.note}; ${options.seconds} s per target, Node ${process.version}`);
const results = [];
for (const name of options.targets) {
  const r = await runTarget(name, options.seconds, jazzer.env);
  results.push(r);
  const codes = Object.entries(r.rejected).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
  console.log(`${r.name.padEnd(11)} ${String(r.executions).padStart(9)} executions  ${String(r.perSecond).padStart(6)} exec/s  cov ${r.coverage}  accepted ${r.accepted}  rejected: ${codes}  other exceptions ${r.others}  hangs ${r.hangs}`);
  if (!r.ok) {
    console.log(`  FINDING (${r.artifact ?? 'no artifact'}):\n${r.tail}`);
  }
}
const total = results.reduce((a, r) => a + r.executions, 0);
const others = results.reduce((a, r) => a + r.others, 0);
const hangs = results.reduce((a, r) => a + r.hangs, 0);
console.log(`total: ${total} executions over ${results.length} targets, ${others} other exceptions, ${hangs} hangs`);
const model = await runModel(options.modelCount);
if (model !== undefined) {
  console.log(`model-based API fuzz (fuzz/model.ts, ${options.modelCount} sequences): ${model.ok ? 'passed' : 'FAILED'} in ${model.seconds.toFixed(1)} s`);
}
process.exit(others + hangs > 0 || (model !== undefined && !model.ok) ? 1 : 0);
