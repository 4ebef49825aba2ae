/**
 * Streaming framer cost, in one run on the same audio (not part of npm test; it asserts nothing):
 * - per hop: one 10 ms hop of 16 kHz audio (160 samples) pushed, the 400-sample frame it
 *   completes taken out, via Framer.pushInto (a caller buffer) and Framer.push (allocates); each
 *   hop timed alone with process.hrtime.bigint (about 50 ns of timer overhead included);
 *   p50 / p99 / max in microseconds over every hop of the audio;
 * - throughput in x real time for 60 s of audio: a plain loop copying each frame out of the whole
 *   signal (the floor: same copies, no streaming), Framer.push of the whole signal, and frames()
 *   over 20 ms chunks from an async generator (the pipeline's per-chunk overhead).
 * Reports the median over rounds; `uptime` and the machine line are printed with the numbers.
 *
 *   flock /tmp/hotpath-bench.lock npx tsx bench/streamLatency.ts [--seconds 60] [--rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Framer, frames } from '../src/index.js';
import { machineInfo, machineLine, median, randomF32 } from './harness.js';
import { quantile } from '../src/report/svg.js';

const RATE = 16000;
const L = 400;
const HOP = 160;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, rounds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const signal = randomF32(seconds * RATE, 7, 0.5);


/** Per-hop microseconds of one pass over the signal, sorted. */
function perHop(intoCaller: boolean): Float64Array {
  const framer = new Framer({ frameLength: L, hop: HOP, padding: 'kaldi' });
  const out = new Float32Array(2 * L);
  const hops = Math.floor(signal.length / HOP);
  const us = new Float64Array(hops);
  let sink = 0;
  for (let h = 0; h < hops; h++) {
    const chunk = signal.subarray(h * HOP, (h + 1) * HOP);
    const t0 = process.hrtime.bigint();
    if (intoCaller) {
      sink += framer.pushInto(chunk, out);
    } else {
      sink += framer.push(chunk).count;
    }
    us[h] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  if (sink === 0) throw new Error('no frames');
  return us.sort();
}

function plainCopies(): number {
  const count = 1 + Math.floor((signal.length - L) / HOP);
  const out = new Float32Array(count * L);
  for (let i = 0; i < count; i++) out.set(signal.subarray(i * HOP, i * HOP + L), i * L);
  return count;
}

function wholePush(): number {
  const framer = new Framer({ frameLength: L, hop: HOP, padding: 'none' });
  return framer.push(signal).count + framer.end().count;
}

async function pipeline20ms(): Promise<number> {
  async function* chunks() {
    for (let at = 0; at < signal.length; at += 320) yield signal.subarray(at, at + 320);
  }
  let count = 0;
  for await (const f of frames(chunks(), { frameLength: L, hop: HOP, padding: 'none' })) count += f.count;
  return count;
}

async function timed(fn: () => number | Promise<number>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

console.log(machineLine(machineInfo()));
console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);
console.log(`audio: ${seconds} s at ${RATE} Hz, frame ${L}, hop ${HOP} (${Math.floor(signal.length / HOP)} hops), ${rounds} rounds after one warm-up round`);
const stats: Record<string, number[]> = {};
const keep = (name: string, v: number) => (stats[name] ??= []).push(v);
for (let r = 0; r <= rounds; r++) {
  const into = perHop(true);
  const alloc = perHop(false);
  const ms = { plain: await timed(plainCopies), push: await timed(wholePush), frames: await timed(pipeline20ms) };
  if (r === 0) continue; // warm-up
  keep('pushInto p50 us', quantile(into, 0.5));
  keep('pushInto p99 us', quantile(into, 0.99));
  keep('pushInto max us', into[into.length - 1]!);
  keep('push p50 us', quantile(alloc, 0.5));
  keep('push p99 us', quantile(alloc, 0.99));
  keep('plain copies x real time', seconds / (ms.plain / 1000));
  keep('Framer.push whole x real time', seconds / (ms.push / 1000));
  keep('frames() 20 ms chunks x real time', seconds / (ms.frames / 1000));
}
for (const [name, v] of Object.entries(stats)) {
  const digits = name.endsWith(' us') ? 2 : 0;
  console.log(`${name.padEnd(36)} median ${median(v).toFixed(digits).padStart(8)}   (rounds: ${v.map((x) => x.toFixed(digits)).join(', ')})`);
}
