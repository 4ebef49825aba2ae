/**
 * How long a user kernel takes to become a module, each in a fresh process (what a user waits
 * for at start-up): `cold` compiles (worker start, AssemblyScript import, compile, cache write)
 * into an empty cache folder; `cached` loads the entry the cold run wrote. Also prints the
 * longest event-loop stall of the main thread during the call (the compile runs in a worker, so
 * it stays small) and the process's CPU time (all threads, start-up included). Asserts nothing;
 * prints medians.
 *
 *   tsx bench/kernelLoad.ts [--runs 5] [--from src|dist]
 *
 * `--from dist` loads hotpath from dist/ (npm run build first): the compile worker is then
 * plain JavaScript, as in an installed package; the kernel file is TypeScript under tsx either way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Sample {
  readonly source: string;
  readonly importMs: number;
  readonly obtainMs: number;
  readonly stallMs: number;
  /** CPU time of the whole process, all threads (user + system): less sensitive to a loaded machine than wall time. */
  readonly cpuMs: number;
}

/** One measurement in this process: import obtainKernel, obtain huber from `cacheDir`. */
async function once(cacheDir: string, from: string): Promise<Sample> {
  const { huber } = await import('../test/kernels/basic.js');
  const importStart = performance.now();
  const module = from === 'dist' ? '../dist/user/obtain.js' : '../src/user/obtain.js';
  const { obtainKernel } = (await import(module)) as typeof import('../src/user/obtain.js');
  const importMs = performance.now() - importStart;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const r = await obtainKernel(huber, { cacheDir, artifacts: [] });
  delay.disable();
  const cpu = process.cpuUsage();
  return { source: r.source, importMs, obtainMs: r.ms, stallMs: delay.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function child(cacheDir: string, from: string): Sample {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--once', cacheDir, '--from', from], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

const args = process.argv.slice(2);
const value = (flag: string, fallback: string): string => {
  const i = args.indexOf(flag);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const from = value('--from', 'src');
if (args.includes('--once')) {
  process.stdout.write(`${JSON.stringify(await once(value('--once', ''), from))}\n`);
} else {
  const runs = Number(value('--runs', '5'));
  const rows: Record<'cold' | 'cached', Sample[]> = { cold: [], cached: [] };
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-cache-'));
    try {
      rows.cold.push(child(dir, from));
      rows.cached.push(child(dir, from));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`user kernel load (huber, reduce), hotpath from ${from}, ${runs} fresh processes each; node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, load average ${os.loadavg()[0]!.toFixed(1)}`);
  for (const [name, samples] of Object.entries(rows)) {
    const ms = (key: keyof Sample): string => `${median(samples.map((s) => s[key] as number)).toFixed(1)} ms`;
    console.log(`  ${name.padEnd(6)} obtain ${ms('obtainMs')} median [${samples.map((s) => s.obtainMs.toFixed(0)).join(', ')}], sources ${[...new Set(samples.map((s) => s.source))].join('/')}; import of obtain.js ${ms('importMs')}; longest main-thread stall ${ms('stallMs')}; process CPU ${ms('cpuMs')}`);
  }
}
