/**
 * False alarms and detections of the regression gate (`hotpath bench --compare`), measured on
 * this machine: each trial saves a base run of pairwiseDistances (or k-means, --kernel kmeans)
 * on seeded data, then compares
 * (a) a rerun of the identical code, which should pass, and (b) a rerun with an injected 20%
 * slowdown (HOTPATH_GATE_SLOWDOWN=0.2: after each timed call the thread keeps computing for 20%
 * of that call's duration, inside the timed region), which should fail. Every run is a fresh
 * `hotpath bench` process, as a CI job would run it. Prints the counts, the ratios and the
 * machine with its load. Not a test: timings never decide a test.
 *
 *   npx tsx bench/gateAlarms.ts [--trials 20] [--kernel pairwiseDistances|kmeans] [--n 2000] [--d 16]
 *       [--k 16] [--threshold 0.1] [--slowdown 0.2] [--threads N] [--keep DIR]
 *
 * --keep DIR saves every run (base<t>.json histories: base, identical rerun, slowed rerun) there,
 * so other statistics can be tried on the same timings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRuntime } from '../src/index.js';
import { machineInfo, machineLine, median, randomF32 } from './harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    kernel: { type: 'string', default: 'pairwiseDistances' },
    k: { type: 'string', default: '16' },
    threads: { type: 'string' },
    keep: { type: 'string' },
    n: { type: 'string', default: '2000' },
    d: { type: 'string', default: '16' },
    threshold: { type: 'string', default: '0.1' },
    slowdown: { type: 'string', default: '0.2' },
  },
});
const trials = Number(args.trials);
const n = Number(args.n);
const d = Number(args.d);

interface Verdict {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  readonly verdict: string;
  readonly code: number | null;
}

/** One `hotpath bench` process; the --json summary's comparison, when it compared. */
function bench(extra: readonly string[], env: Record<string, string> = {}): Verdict | undefined {
  const target = args.kernel === 'kmeans' ? ['--kernel', 'kmeans', '--data', dataFile, '--k', String(args.k)] : ['--kernel', 'pairwiseDistances', '--data', dataFile, '--data', dataFile];
  const threads = args.threads === undefined ? [] : ['--threads', args.threads];
  const cli = ['--import', 'tsx', 'src/cli/main.ts', 'bench', ...target, ...threads, '--threshold', String(args.threshold), '--json', ...extra];
  const r = spawnSync(process.execPath, cli, { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`hotpath bench failed (${r.status}): ${r.stderr}`);
  }
  const summary = JSON.parse(r.stdout) as { compare?: Omit<Verdict, 'code'> };
  return summary.compare === undefined ? undefined : { ...summary.compare, code: r.status };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-gate-alarms-'));
const dataFile = path.join(dir, 'points.npy');
const started = performance.now();
const machine = machineInfo();
const hp = await createRuntime();
try {
  const x = hp.tensor(randomF32(n * d, 7, 10), [n, d]);
  hp.save(dataFile, x);
  x.release();
} finally {
  await hp.close();
}
console.log(machineLine(machine));
const what = args.kernel === 'kmeans' ? `kmeans k=${args.k} on float32[${n},${d}]` : `pairwiseDistances on float32[${n},${d}] x itself`;
console.log(`gate: ${what}${args.threads === undefined ? '' : ` on ${args.threads} threads`}, threshold ${args.threshold}, injected slowdown ${args.slowdown}, ${trials} trials`);

const same: Verdict[] = [];
const slowed: Verdict[] = [];
try {
  for (let t = 0; t < trials; t++) {
    const base = path.join(args.keep ?? dir, `base${t}.json`);
    bench(['--save', base]);
    // Alternate which comparison runs first, so drift within a trial favours neither.
    const order = t % 2 === 0 ? ['same', 'slowed'] : ['slowed', 'same'];
    for (const which of order) {
      const keep = args.keep === undefined ? [] : ['--save', path.join(args.keep, `${which}${t}.json`)];
      const v = which === 'same' ? bench(['--compare', base, ...keep]) : bench(['--compare', base, ...keep], { HOTPATH_GATE_SLOWDOWN: String(args.slowdown) });
      (which === 'same' ? same : slowed).push(v!);
    }
    const a = same.at(-1)!;
    const b = slowed.at(-1)!;
    console.log(`trial ${String(t + 1).padStart(2)}: identical ${a.ratio.toFixed(3)} [${a.low.toFixed(3)}, ${a.high.toFixed(3)}] ${a.verdict}; slowed ${b.ratio.toFixed(3)} [${b.low.toFixed(3)}, ${b.high.toFixed(3)}] ${b.verdict}; load ${os.loadavg()[0]!.toFixed(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const alarms = same.filter((v) => v.code === 1).length;
const detections = slowed.filter((v) => v.code === 1).length;
console.log(`false alarms: ${alarms} of ${same.length} identical reruns (median ratio ${median(same.map((v) => v.ratio)).toFixed(3)}, largest lower bound ${Math.max(...same.map((v) => v.low)).toFixed(3)})`);
console.log(`detections:   ${detections} of ${slowed.length} runs slowed by ${Number(args.slowdown) * 100}% (median ratio ${median(slowed.map((v) => v.ratio)).toFixed(3)}, smallest lower bound ${Math.min(...slowed.map((v) => v.low)).toFixed(3)})`);
console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
