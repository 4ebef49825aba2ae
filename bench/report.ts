/**
 * The benchmark's report: its JSON shape, the printed tables (one per case) and the markdown
 * table written into the README. Formatting only; nothing is measured here.
 */
import { machineLine, type CopyBandwidth, type CpuShare, type Machine, type Row } from './harness.js';

/** First-call latency in fresh processes, from the sources (tsx) or the built dist/. */
export interface FirstCall {
  readonly which: 'src' | 'dist';
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  /** createRuntime (every backend) + input tensors + first 64x64 matmul with 2 threads, median over processes. */
  readonly medianMs?: number;
  readonly samplesMs?: readonly number[];
  /** The first matmul alone (worker pool start included), median. */
  readonly firstCallMs?: number;
  /** Module import, median; not part of medianMs. */
  readonly importMs?: number;
  readonly backend?: string;
  readonly correct?: boolean;
}

export interface BenchReport {
  readonly machine: Machine;
  readonly options: { readonly quick: boolean; readonly only: readonly string[]; readonly budgetS: number };
  /** Wall time of the whole run, seconds. */
  readonly durationS: number;
  /** CPU time used by others during the workloads (stolen by the hypervisor, other processes); skews every number. */
  readonly cpuShare?: CpuShare;
  readonly copy: CopyBandwidth;
  readonly firstCall: readonly FirstCall[];
  readonly unavailablePeers: readonly { readonly name: string; readonly reason: string }[];
  readonly rows: readonly Row[];
}

function fixed(value: number | undefined, digits: number): string {
  if (value === undefined) {
    return '';
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return value.toFixed(digits);
}

function ms(value: number | undefined): string {
  return value === undefined ? '' : fixed(value, value < 10 ? 3 : value < 1000 ? 1 : 0);
}

function diff(value: number | undefined): string {
  return value === undefined ? '' : value === 0 ? '0' : Number.isFinite(value) ? value.toExponential(1) : String(value);
}

function ratio(value: number | undefined): string {
  return value === undefined ? '' : `${value.toFixed(2)}x`;
}

/** Rows grouped by workload and size, in the order they ran. */
export function groupRows(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.workload} ${row.size}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

function pad(cells: readonly string[][]): string[] {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return cells.map((r) => r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

function caseTitle(rows: readonly Row[]): string {
  const first = rows[0]!;
  const scale = rows.find((r) => r.baselineMaxAbs !== undefined)?.baselineMaxAbs;
  return `${first.workload} ${first.size} (baseline: ${first.baseline}${scale === undefined ? '' : `; its outputs reach |${scale.toPrecision(3)}|`})`;
}

const FROM = { src: 'from the TypeScript sources under tsx', dist: 'from the built dist/' } as const;

function firstCallLine(f: FirstCall): string {
  const head = `first call in a fresh process, ${FROM[f.which]} (createRuntime with every backend + first 64x64 matmul, 2 threads, pool start included)`;
  if (f.status !== 'ok') {
    return `${head}: ${f.status} (${f.reason ?? ''})`;
  }
  const samples = f.samplesMs!.map((v) => v.toFixed(1)).join(', ');
  return `${head}: ${f.medianMs!.toFixed(1)} ms median of ${f.samplesMs!.length} processes [${samples}], of which the matmul call ${f.firstCallMs!.toFixed(1)} ms; import ${f.importMs!.toFixed(1)} ms apart; ran on ${f.backend}, ${f.correct === true ? 'correct' : 'WRONG RESULT'}`;
}

/** The printed tables: machine, yardsticks, then one table per case. */
export function formatText(report: BenchReport): string {
  const lines = [machineLine(report.machine)];
  lines.push(`copy bandwidth: ${report.copy.gbps.toFixed(1)} GB/s (Float32Array.set of ${report.copy.elements / 2 ** 20}M floats, read + write, median ${report.copy.medianMs.toFixed(2)} ms)`);
  for (const f of report.firstCall) {
    lines.push(firstCallLine(f));
  }
  for (const peer of report.unavailablePeers) {
    lines.push(`peer unavailable: ${peer.name}: ${peer.reason}`);
  }
  lines.push('vs baseline = this median / the baseline median (2.00x: the baseline is twice as fast); max |diff| against the baseline output.');
  for (const rows of groupRows(report.rows)) {
    const unit = rows.find((r) => r.unit !== undefined)?.unit ?? 'rate';
    const memory = unit === 'GB/s';
    const header = ['contender', 'median ms', unit, ...(memory ? ['% copy'] : []), 'vs baseline', 'max |diff|', 'ran on / note'];
    const cells = rows.map((r) => {
      if (r.status !== 'ok') {
        return [r.contender, '', '', ...(memory ? [''] : []), '', '', `${r.status}: ${r.reason ?? ''}`];
      }
      return [r.contender, ms(r.medianMs), fixed(r.rate, 2), ...(memory ? [fixed(r.pctOfCopy, 0)] : []), ratio(r.vsBaseline), diff(r.maxAbsDiff), r.ranOn === undefined ? r.note : `${r.ranOn}; ${r.note}`];
    });
    lines.push('', caseTitle(rows), ...pad([header, ...cells]));
  }
  const share = report.cpuShare;
  const steal = share === undefined ? '' : `; during the workloads other processes used ${share.othersPercent.toFixed(1)}% and the hypervisor stole ${share.stealPercent.toFixed(1)}% of the CPU time`;
  lines.push('', `run took ${report.durationS.toFixed(1)} s${steal}`);
  return lines.join('\n');
}

/** One README cell: the rate, and the ratio against the baseline unless this is the baseline. */
function markdownCell(r: Row | undefined): string {
  if (r === undefined) {
    return '';
  }
  if (r.status !== 'ok') {
    return r.status;
  }
  const pct = r.pctOfCopy === undefined ? '' : ` (${r.pctOfCopy.toFixed(0)}% of copy)`;
  const versus = r.contender === r.baseline ? '' : `, ${ratio(r.vsBaseline)}`;
  // Workloads without a rate (the allocator) show their median time instead.
  const value = r.rate !== undefined ? (r.rate < 1 ? r.rate.toPrecision(2) : r.rate.toFixed(1)) : r.medianMs !== undefined ? `${r.medianMs.toPrecision(3)} ms` : '';
  return `${value}${pct}${versus}`;
}

/** One table per workload: a row per contender, a column per size. */
function workloadTable(rows: readonly Row[]): string[] {
  const sizes = [...new Set(rows.map((r) => r.size))];
  const contenders = [...new Set(rows.map((r) => r.contender))];
  const unit = rows.find((r) => r.unit !== undefined)?.unit ?? 'median time';
  const baselines = [...new Set(rows.map((r) => r.baseline))].join(', ');
  const lines = [
    `**${rows[0]!.workload}**, ${unit} and, after the comma, median time over ${baselines}'s:`,
    '',
    `| contender | ${sizes.join(' | ')} |`,
    `| --- | ${sizes.map(() => '---:').join(' | ')} |`,
  ];
  for (const name of contenders) {
    const cells = sizes.map((size) => rows.find((r) => r.contender === name && r.size === size));
    const ran = backendsOf(cells.find((r) => r?.ranOn !== undefined)?.ranOn);
    lines.push(`| ${name}${ran === undefined ? '' : ` (ran on ${ran})`} | ${cells.map(markdownCell).join(' | ')} |`);
  }
  return [...lines, ''];
}

/** The README's performance section body (between the bench-table markers). */
export function formatMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Medians on ${m.cpu}${m.cpuFlags === undefined ? '' : ` (${m.cpuFlags})`}, ${m.cores} cores, Node ${m.node}, hotpath wasm ${m.wasmSimd ?? 'n/a'}; every contender in the same run, on the same inputs, in interleaved rounds. A ratio of 2.00x means the hotpath baseline is twice as fast.`,
    '',
  ];
  const workloads = [...new Set(report.rows.map((r) => r.workload))];
  for (const workload of workloads) {
    lines.push(...workloadTable(report.rows.filter((r) => r.workload === workload)));
  }
  lines.push(`Copy bandwidth (Float32Array.set, read + write): ${report.copy.gbps.toFixed(1)} GB/s.`);
  for (const f of report.firstCall.filter((f) => f.status === 'ok')) {
    lines.push(`First call in a fresh process, ${FROM[f.which]} (createRuntime with every backend, the native addon loaded when built, + first 64x64 matmul on ${f.backend ?? '?'}, 2 threads, pool start included): ${f.medianMs!.toFixed(1)} ms.`);
  }
  const skipped = report.rows.filter((r) => r.status !== 'ok');
  if (skipped.length > 0) {
    lines.push('', 'Not measured:', '');
    for (const r of skipped) {
      lines.push(`- ${r.workload} ${r.size}, ${r.contender}: ${r.status}, ${r.reason ?? ''}`);
    }
  }
  lines.push('', `Generated by \`npm run bench:readme\` on ${m.date.slice(0, 10)}; the run took ${report.durationS.toFixed(0)} s.`);
  return lines.join('\n');
}

/** 'wasm' from 'wasm', or the distinct backends of 'reduceMean on wasm, hamerly on wasm' (calls of several kernels). */
function backendsOf(ranOn: string | undefined): string | undefined {
  if (ranOn === undefined) {
    return undefined;
  }
  const named = [...ranOn.matchAll(/ on (\w+)/g)].map((m) => m[1]!);
  return named.length === 0 ? ranOn.split(' ')[0] : [...new Set(named)].join(', ');
}
