/**
 * Runs one case (one workload at one size) on the same inputs for every contender, in
 * interleaved rounds: all contenders are set up and warmed up, then each round times one call
 * of each (the order rotating per round; short calls right after an untimed one), so a slow
 * phase of the machine (another process, the host scheduler) hits every contender alike
 * instead of whichever ran then. A contender that
 * cannot be set up or throws becomes a 'failed' row with the reason; one with a `skip` reason a
 * 'skipped' row. Nothing here ends the run.
 */
import type { HotpathRuntimes } from './hotpath.js';
import type { Peers } from './peers.js';
import { errorText, maxAbsDiff, median, rateOf, SLOW_CALL_MS, SLOW_REPEATS, timeOnce, type CaseSpec, type Contender, type CopyBandwidth, type Prepared, type Row } from './harness.js';

export interface CaseContext {
  /** The machine's copy bandwidth, for memory-bound rates as a percentage. */
  readonly copy: CopyBandwidth | undefined;
  /** Progress lines (stderr), so stdout keeps only the tables or the JSON. */
  readonly log: (line: string) => void;
}

/** What every workload gets: hotpath's runtimes, the loaded peers and the run's options. */
export interface WorkloadContext extends CaseContext {
  readonly hp: HotpathRuntimes;
  readonly peers: Peers;
  /** Small sizes and few repeats (a smoke run of the harness, not a measurement). */
  readonly quick: boolean;
  /** A contender projected to need longer than this per call (ms) is skipped with the estimate. */
  readonly budgetMs: number;
}

export interface Workload {
  /** The kernel id, as in STYLE.md: one word names the kernel and its benchmark. */
  readonly name: string;
  run(ctx: WorkloadContext): Promise<Row[]>;
}

/**
 * Calls faster than this (ms) are preceded, in every round, by one untimed call: the timed call
 * then finds its own data in cache and its worker threads awake, as in a loop of calls, rather
 * than the state the previous contender left. Longer calls do not need it.
 */
const REWARM_MS = 100;

/** One contender's progress through the case. */
interface Entry {
  readonly contender: Contender;
  prepared?: Prepared<unknown>;
  /** Set once it is skipped or has failed; it takes no further part. */
  out?: { status: 'skipped' | 'failed'; reason: string };
  samples: number[];
  /** Timed repeats it gets: fewer when a warm-up call was slow. */
  repeats: number;
  /** Short calls get an untimed call right before each timed one (see REWARM_MS). */
  rewarm: boolean;
  output?: Float64Array;
  ranOn?: string;
}

/** One call, timed, its result released; the first result is kept for the cross-check. */
async function callOnce(entry: Entry, keep: boolean): Promise<number> {
  const p = entry.prepared!;
  const { ms, out } = await timeOnce(p);
  try {
    if (keep && entry.output === undefined) {
      entry.output = Float64Array.from(p.output(out));
    }
  } finally {
    p.release(out);
  }
  return ms;
}

async function guarded(entry: Entry, ctx: CaseContext, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    entry.out = { status: 'failed', reason: errorText(error) };
    ctx.log(`  ${entry.contender.name}: failed (${entry.out.reason})`);
  }
}

export async function runCase(spec: CaseSpec, ctx: CaseContext): Promise<Row[]> {
  const preference = (name: string): number => (spec.baseline.includes(name) ? spec.baseline.indexOf(name) : spec.baseline.length);
  const ordered = [...spec.contenders].sort((x, y) => preference(x.name) - preference(y.name));
  const entries: Entry[] = ordered.map((contender) => ({ contender, samples: [], repeats: spec.repeats, rewarm: false, ...(contender.skip === undefined ? {} : { out: { status: 'skipped' as const, reason: contender.skip } }) }));
  const live = (): Entry[] => entries.filter((e) => e.out === undefined);
  try {
    for (const e of live()) {
      await guarded(e, ctx, async () => {
        e.prepared = await e.contender.setup();
        let slowest = 0;
        for (let i = 0; i < Math.max(1, spec.warmup); i++) {
          slowest = Math.max(slowest, await callOnce(e, spec.check));
        }
        e.repeats = slowest > SLOW_CALL_MS ? Math.min(spec.repeats, SLOW_REPEATS) : spec.repeats;
        e.rewarm = slowest < REWARM_MS;
        ctx.log(`  ${e.contender.name}: warmed up (slowest ${slowest.toFixed(2)} ms), ${e.repeats} timed calls`);
      });
    }
    for (let round = 0; round < spec.repeats; round++) {
      const active = live().filter((e) => e.samples.length < e.repeats);
      for (let k = 0; k < active.length; k++) {
        const e = active[(k + round) % active.length]!;
        await guarded(e, ctx, async () => {
          if (e.rewarm) {
            await callOnce(e, false);
          }
          e.samples.push(await callOnce(e, false));
        });
      }
    }
    for (const e of live()) {
      e.ranOn = e.prepared!.ranOn?.();
    }
  } finally {
    for (const e of entries) {
      await guarded(e, ctx, async () => void (await e.prepared?.dispose()));
    }
  }
  return rowsOf(spec, entries, ctx);
}

function rowsOf(spec: CaseSpec, entries: readonly Entry[], ctx: CaseContext): Row[] {
  const ok = (e: Entry): boolean => e.out === undefined && e.samples.length > 0;
  const base = spec.baseline.map((name) => entries.find((e) => e.contender.name === name)).find((e) => e !== undefined && ok(e));
  const baseMs = base === undefined ? undefined : median(base.samples);
  const scale = base?.output === undefined ? undefined : base.output.reduce((worst, v) => Math.max(worst, Math.abs(v)), 0);
  return entries.map((e) => {
    const row = { workload: spec.workload, size: spec.size, contender: e.contender.name, note: e.contender.note, baseline: base?.contender.name ?? spec.baseline[0]! };
    if (!ok(e)) {
      const out = e.out ?? { status: 'failed' as const, reason: 'no timed call completed' };
      if (out.status === 'skipped') {
        ctx.log(`  ${e.contender.name}: skipped (${out.reason})`);
      }
      return { ...row, status: out.status, reason: out.reason };
    }
    const ms = median(e.samples);
    const rate = rateOf(spec.work, ms);
    const pct = rate?.unit === 'GB/s' && ctx.copy !== undefined ? (rate.rate / ctx.copy.gbps) * 100 : undefined;
    const diff = e.output !== undefined && base?.output !== undefined ? maxAbsDiff(e.output, base.output) : undefined;
    ctx.log(`  ${e.contender.name}: ${ms.toFixed(2)} ms median of ${e.samples.length}${e.ranOn === undefined ? '' : ` (ran on ${e.ranOn})`}`);
    return {
      ...row,
      status: 'ok' as const,
      ...(e.ranOn === undefined ? {} : { ranOn: e.ranOn }),
      medianMs: ms,
      minMs: Math.min(...e.samples),
      samplesMs: e.samples,
      warmup: Math.max(1, spec.warmup),
      ...(rate === undefined ? {} : rate),
      ...(pct === undefined ? {} : { pctOfCopy: pct }),
      ...(baseMs === undefined ? {} : { vsBaseline: ms / baseMs }),
      ...(diff === undefined ? {} : { maxAbsDiff: diff, ...(scale === undefined ? {} : { baselineMaxAbs: scale }) }),
    };
  });
}
