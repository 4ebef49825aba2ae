/**
 * `hotpath serve [--port 0] [--host 127.0.0.1] [--preset whisper-80] ...`: the streaming feature
 * server (src/serve). Prints the URL (or one JSON line with --json) once listening; SIGTERM/SIGINT
 * shut it down gracefully (every open stream flushed and closed with 1001).
 */
import type { PresetName } from '../audio/presets.js';
import { fail } from '../errors.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { DEFAULT_LIMITS, startServer, type FeatureStreamFactory, type ServeLimits } from '../serve/index.js';

export interface ServeCommandOptions {
  readonly port: string;
  readonly host: string;
  readonly preset: string;
  readonly maxConnections?: string;
  readonly maxMessageBytes?: string;
  readonly idleMs?: string;
  readonly backpressure?: string;
  readonly threads: string;
  readonly json?: boolean;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    fail({ code: 'ARGUMENT', kernel: 'serve', problem: `invalid ${flag}`, expected: `an integer from ${min} to ${max}`, received: value });
  }
  return n;
}

/** Streams of `hp.featureStream` (presets whisper-80, whisper-128, kaldi-fbank, knf-whisper; any rate, resampled). */
function speechFactory(hp: Runtime): FeatureStreamFactory {
  // featureStream checks the preset name (ARGUMENT naming the presets, sent as the 1008 reason).
  return ({ preset, sampleRate }) => hp.featureStream({ preset: preset as PresetName, sampleRate });
}

export async function serveCommand(opts: ServeCommandOptions): Promise<number> {
  const limits: Partial<ServeLimits> = {
    ...(opts.maxConnections === undefined ? {} : { maxConnections: integer('--max-connections', opts.maxConnections, 1, 1_000_000) }),
    ...(opts.maxMessageBytes === undefined ? {} : { maxMessageBytes: integer('--max-message-bytes', opts.maxMessageBytes, 2, 1 << 30) }),
    ...(opts.idleMs === undefined ? {} : { idleMs: integer('--idle-ms', opts.idleMs, 0, 86_400_000) }),
    ...(opts.backpressure === undefined ? {} : { backpressure: opts.backpressure as ServeLimits['backpressure'] }),
  };
  const port = integer('--port', opts.port, 0, 65535);
  // One thread by default: a 20 ms push is about 2 frames, and handing them to worker threads
  // cost twice the work itself (0.46 vs 0.21 ms per push, whisper-80, this 2-core machine).
  const hp = await createRuntime({ threads: integer('--threads', opts.threads, 1, 1024) });
  const server = await startServer({ port, host: opts.host, preset: opts.preset, factory: speechFactory(hp), limits }).catch(async (error: unknown) => {
    await hp.close();
    throw error;
  });
  const ws = `${server.url.replace(/^http/, 'ws')}/stream`;
  process.stdout.write(opts.json === true ? `${JSON.stringify({ url: server.url, stream: ws, preset: opts.preset, warmUpMs: Math.round(server.warmUpMs), limits: { ...DEFAULT_LIMITS, ...limits } })}\n` : `hotpath serve: listening on ${server.url} (streams at ${ws}?rate=16000&format=int16, /healthz, /metrics; warmed up in ${Math.round(server.warmUpMs)} ms)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.stderr.write('hotpath serve: shutting down (flushing open streams)\n');
  await server.close();
  await hp.close();
  return 0;
}
