/**
 * The report of a `hotpath bench --save` history (`hotpath report base.json`): each saved run's
 * median kernel time and its median kernel/probe ratio (what the gate compares: the machine's
 * speed of the moment cancels) plotted over the runs' dates, the latest runs' time
 * distributions, and a table of every run.
 */
import type { ReportSpec } from '../report/types.js';
import { median } from './bootstrap.js';
import type { BenchFile, BenchRun } from './format.js';

/** Runs whose per-round times are drawn as distributions (the latest ones). */
const DISTRIBUTIONS = 8;

function ratios(run: BenchRun): number[] {
  return run.kernelMs.map((k, i) => k / run.probeMs[i]!);
}

function labelOf(run: BenchRun, index: number): string {
  return `#${index + 1} ${run.date.slice(0, 16).replace('T', ' ')}${run.injectedSlowdown === undefined ? '' : ` (+${Math.round(run.injectedSlowdown * 100)}% injected)`}`;
}

/**
 * The report spec of a history file.
 * @example renderReport(benchHistoryReport(readBenchFile('base.json'), 'base.json'))
 */
export function benchHistoryReport(file: BenchFile, name: string): ReportSpec {
  const runs = file.runs;
  const at = (run: BenchRun): number => Date.parse(run.date);
  const kernels = [...new Set(runs.map((r) => r.kernel))].join(', ');
  return {
    title: `hotpath bench history: ${name}`,
    subtitle: `${runs.length} saved run${runs.length === 1 ? '' : 's'} of ${kernels}, ${runs[0]!.date.slice(0, 10)} to ${runs.at(-1)!.date.slice(0, 10)}`,
    sections: [
      {
        kind: 'series',
        title: 'Median kernel time per saved run',
        xLabel: 'run date',
        yLabel: 'ms',
        xTime: true,
        series: [{ name: 'median ms', points: runs.map((r) => [at(r), median(r.kernelMs)] as const) }],
        note: 'Wall time of one call, median over the run\'s rounds: it moves with the machine\'s load as well as with the code.',
      },
      {
        kind: 'series',
        title: 'Median kernel / probe ratio per saved run (what the gate compares)',
        xLabel: 'run date',
        yLabel: 'kernel ms / probe ms',
        xTime: true,
        series: [{ name: 'median ratio', points: runs.map((r) => [at(r), median(ratios(r))] as const) }],
        note: 'Each round times the kernel next to a fixed plain-JavaScript probe; the ratio cancels how fast the machine is at that moment.',
      },
      {
        kind: 'distribution',
        title: `Kernel time per round, latest ${Math.min(DISTRIBUTIONS, runs.length)} runs`,
        unit: 'ms',
        groups: runs.slice(-DISTRIBUTIONS).map((r, i) => ({ name: labelOf(r, runs.length - Math.min(DISTRIBUTIONS, runs.length) + i), values: r.kernelMs })),
      },
      {
        kind: 'table',
        title: 'Saved runs',
        columns: ['run', 'kernel', 'backend', 'threads', 'rounds', 'median ms', 'median ratio', 'node', 'cpu'],
        rows: runs.map((r, i) => [labelOf(r, i), r.kernel, r.machine.backend, r.machine.threads, r.kernelMs.length, Number(median(r.kernelMs).toPrecision(4)), Number(median(ratios(r)).toPrecision(4)), r.machine.node, r.machine.cpu]),
      },
    ],
  };
}
