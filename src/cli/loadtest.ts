/**
 * `hotpath loadtest ws://HOST:PORT --streams N [--realtime] [--seconds S] [--file speech.wav|speech.npy]
 * [--chunk-ms 20] [--ramp] [--json]`: concurrent streams against a running `hotpath serve`,
 * reporting chunk-to-frame latency p50/p99, real-time factor, drops and errors. `--ramp` runs
 * 8, 16, 32, 64, 96, 128, ... streams and reports the first count whose p99 passes --limit-ms.
 */
import { fail } from '../errors.js';
import { createRuntime } from '../runtime/runtime.js';
import { rateOption, readAudioInput } from './audioInput.js';
import { rampSteps, runLoad, type LoadResult } from '../serve/load.js';

export interface LoadtestCommandOptions {
  readonly streams: string;
  readonly seconds: string;
  readonly chunkMs: string;
  readonly file: string;
  readonly rate?: string;
  readonly realtime?: boolean;
  readonly ramp?: boolean;
  readonly maxStreams: string;
  readonly limitMs: string;
  readonly query?: string;
  readonly json?: boolean;
}

function number(flag: string, value: string, min: number, integer: boolean): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isSafeInteger(n))) {
    fail({ code: 'ARGUMENT', kernel: 'loadtest', problem: `invalid ${flag}`, expected: `${integer ? 'an integer' : 'a number'} >= ${min}`, received: value });
  }
  return n;
}

/**
 * The speech every stream sends, as int16 PCM and its rate: a WAV file (its own rate; channels
 * averaged) or a mono float .npy (values in [-1, 1]) at --rate, 16000 when not given.
 */
async function readSpeech(file: string, rate: string | undefined): Promise<{ pcm: Int16Array; sampleRate: number }> {
  const hp = await createRuntime({ backends: ['ref'] });
  try {
    const given = rate === undefined ? undefined : rateOption('loadtest', '--rate', rate);
    const audio = readAudioInput(hp, file, given, 'loadtest', 16000);
    if (audio.samples.length === 0) {
      fail({ code: 'SHAPE', kernel: 'loadtest', problem: '--file holds no samples', expected: 'a non-empty mono signal', received: audio.kind });
    }
    const pcm = Int16Array.from(audio.samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
    return { pcm, sampleRate: audio.sampleRate };
  } finally {
    await hp.close();
  }
}

function ms(v: number | null): string {
  return v === null ? '-' : v.toFixed(2);
}

function line(r: LoadResult): string {
  return `streams ${r.streams}: p50 ${ms(r.latencyP50Ms)} ms, p99 ${ms(r.latencyP99Ms)} ms, max ${ms(r.latencyMaxMs)} ms (${r.latencySamples} messages); real-time factor median ${r.realTimeFactorMedian?.toFixed(3) ?? '-'}, max ${r.realTimeFactorMax?.toFixed(3) ?? '-'}; frames ${r.framesReceived}, dropped ${r.droppedFrames}, errors ${r.errors}${r.errors > 0 ? ` (${r.errorSamples.join('; ')})` : ''}; client send lag p99 ${ms(r.sendLagP99Ms)} ms`;
}

export async function loadtestCommand(url: string, opts: LoadtestCommandOptions): Promise<number> {
  if (!/^wss?:\/\//.test(url)) {
    fail({ code: 'ARGUMENT', kernel: 'loadtest', problem: 'invalid server URL', expected: 'ws://HOST:PORT (as `hotpath serve` prints it)', received: url });
  }
  const base = {
    url,
    seconds: number('--seconds', opts.seconds, 0.01, false),
    chunkMs: number('--chunk-ms', opts.chunkMs, 1, false),
    ...(await readSpeech(opts.file, opts.rate)),
    realtime: opts.realtime === true,
    ...(opts.query === undefined ? {} : { query: opts.query }),
  };
  if (opts.ramp !== true) {
    const result = await runLoad({ ...base, streams: number('--streams', opts.streams, 1, true) });
    process.stdout.write(opts.json === true ? `${JSON.stringify(result)}\n` : `${line(result)}\n`);
    return result.errors > 0 ? 1 : 0;
  }
  const limit = number('--limit-ms', opts.limitMs, 0, false);
  const steps: LoadResult[] = [];
  let passedAt: number | null = null;
  for (const streams of rampSteps(number('--max-streams', opts.maxStreams, 8, true))) {
    const result = await runLoad({ ...base, streams });
    steps.push(result);
    if (opts.json !== true) {
      process.stdout.write(`${line(result)}\n`);
    }
    if (result.errors > 0 || (result.latencyP99Ms ?? Infinity) > limit) {
      passedAt = streams;
      break;
    }
  }
  const verdict = passedAt === null ? `p99 stayed under ${limit} ms up to ${steps.at(-1)?.streams ?? 0} streams` : `p99 passed ${limit} ms (or errors) at ${passedAt} streams`;
  process.stdout.write(opts.json === true ? `${JSON.stringify({ limitMs: limit, passedAt, steps })}\n` : `${verdict}\n`);
  return 0;
}
