/**
 * The load generator behind `hotpath loadtest`: N concurrent streams sending int16 PCM in
 * `chunkMs` chunks (at real-time pace, or as fast as the socket takes it), measuring chunk-to-frame
 * latency from the frames header's `chunk` index: time from sending chunk c to receiving the
 * frames chunk c completed. Quantiles are exact (sorted samples).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { quantileOf } from '../gate/bootstrap.js';
import { CLOSE, END_CHUNK, HEADER_BYTES } from './protocol.js';

export interface LoadOptions {
  /** ws://host:port (the /stream path is added when the URL has none). */
  readonly url: string;
  readonly streams: number;
  /** Audio seconds each stream sends (the signal repeats as needed). */
  readonly seconds: number;
  /** Chunk length, ms of audio. */
  readonly chunkMs: number;
  /** Mono int16 PCM at `sampleRate`. */
  readonly pcm: Int16Array;
  readonly sampleRate: number;
  /** Pace chunks at real time (chunk k sent at start + k x chunkMs); else send them back to back. */
  readonly realtime: boolean;
  /** Extra handshake parameters, e.g. 'preset=kaldi-fbank'. */
  readonly query?: string;
}

export interface LoadResult {
  readonly streams: number;
  readonly seconds: number;
  readonly chunkMs: number;
  readonly realtime: boolean;
  /** Chunk-to-frame latency over every frames message of every stream, ms. */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly latencyMaxMs: number | null;
  readonly latencySamples: number;
  /** Per stream: (first chunk sent -> last frame received) / audio seconds sent; median and max over streams. */
  readonly realTimeFactorMedian: number | null;
  readonly realTimeFactorMax: number | null;
  readonly framesReceived: number;
  /** Frames the server reported dropped (gaps in firstFrame). */
  readonly droppedFrames: number;
  /** Streams that failed: refused, closed with a code other than 1000, or no end message. */
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** How late the generator's own timers fired (p99, ms): large values mean the client, not the server, was overloaded. */
  readonly sendLagP99Ms: number | null;
}

interface StreamOutcome {
  readonly latencies: number[];
  readonly sendLags: number[];
  readonly frames: number;
  readonly dropped: number;
  readonly rtf: number | null;
  readonly error: string | null;
}

function streamUrl(url: string, query: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') {
    u.pathname = '/stream';
  }
  const params = new URLSearchParams(query);
  for (const [k, v] of params) {
    u.searchParams.set(k, v);
  }
  return u.toString();
}

/** One stream from open to close. Never rejects: failures come back as `error`. */
function runStream(options: LoadOptions, startDelayMs: number): Promise<StreamOutcome> {
  const chunk = Math.max(1, Math.round((options.chunkMs / 1000) * options.sampleRate));
  const chunks = Math.ceil((options.seconds * options.sampleRate) / chunk);
  const sendTimes = new Float64Array(chunks);
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const counts = { frames: 0, dropped: 0, nextFrame: 0, lastFrameAt: 0 };
  let error: string | null = null;
  let ended = false;
  const ws = new WebSocket(streamUrl(options.url, `rate=${options.sampleRate}&format=int16&${options.query ?? ''}`), { perMessageDeflate: false });
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    ws.on('unexpected-response', (_req, res) => {
      error = `refused: HTTP ${res.statusCode ?? '?'}`;
      ws.terminate();
    });
    ws.on('error', (e) => {
      error ??= e.message;
    });
    ws.on('message', (data: Buffer, isBinary) => {
      const now = performance.now();
      if (!isBinary) {
        ended ||= (JSON.parse(data.toString('utf8')) as { type?: string }).type === 'end';
        return;
      }
      const view = new DataView(data.buffer, data.byteOffset, HEADER_BYTES);
      const firstFrame = view.getUint32(0, true);
      const count = view.getUint32(4, true);
      const c = view.getUint32(8, true);
      counts.dropped += firstFrame - counts.nextFrame;
      counts.nextFrame = firstFrame + count;
      counts.frames += count;
      counts.lastFrameAt = now;
      if (c !== END_CHUNK && c < chunks) {
        latencies.push(now - (sendTimes[c] as number));
      }
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      if (error === null && (code !== CLOSE.normal || !ended)) {
        error = `closed ${code} ${reason.toString('utf8')}`;
      }
      const audioSeconds = (chunks * chunk) / options.sampleRate;
      const rtf = counts.lastFrameAt > 0 ? (counts.lastFrameAt - (sendTimes[0] as number)) / 1000 / audioSeconds : null;
      resolve({ latencies, sendLags, frames: counts.frames, dropped: counts.dropped, rtf, error });
    });
    ws.on('open', () => {
      const bytes = new Uint8Array(options.pcm.buffer, options.pcm.byteOffset, options.pcm.byteLength);
      const frame = new Uint8Array(2 * chunk);
      let k = 0;
      let start = 0;
      const send = (): void => {
        if (ws.readyState !== WebSocket.OPEN) {
          return;
        }
        do {
          // Chunk k is samples k*chunk .. (k+1)*chunk of the signal repeated end to end.
          for (let i = 0; i < frame.length; i += 2) {
            const s = (2 * (k * chunk) + i) % bytes.length;
            frame[i] = bytes[s] as number;
            frame[i + 1] = bytes[s + 1] as number;
          }
          const now = performance.now();
          sendTimes[k] = now;
          if (options.realtime) {
            sendLags.push(now - (start + k * options.chunkMs));
          }
          ws.send(frame);
          k++;
        } while (!options.realtime && k < chunks);
        if (k >= chunks) {
          ws.send(JSON.stringify({ type: 'end' }));
          return;
        }
        timer = setTimeout(send, Math.max(0, start + k * options.chunkMs - performance.now()));
      };
      timer = setTimeout(() => {
        start = performance.now();
        send();
      }, startDelayMs);
    });
  });
}

/**
 * Runs `streams` streams at once (start times spread over one chunk) and summarises them.
 * @example const r = await runLoad({ url: 'ws://127.0.0.1:8080', streams: 64, seconds: 10, chunkMs: 20, pcm, sampleRate: 16000, realtime: true })
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const outcomes = await Promise.all(Array.from({ length: options.streams }, (_, i) => runStream(options, (i * options.chunkMs) / options.streams)));
  const latencies = outcomes.flatMap((o) => o.latencies);
  const lags = outcomes.flatMap((o) => o.sendLags);
  const rtfs = outcomes.flatMap((o) => (o.rtf === null ? [] : [o.rtf]));
  const errors = outcomes.flatMap((o) => (o.error === null ? [] : [o.error]));
  const q = (values: number[], at: number): number | null => (values.length === 0 ? null : quantileOf(values, at));
  return {
    streams: options.streams,
    seconds: options.seconds,
    chunkMs: options.chunkMs,
    realtime: options.realtime,
    latencyP50Ms: q(latencies, 0.5),
    latencyP99Ms: q(latencies, 0.99),
    latencyMaxMs: q(latencies, 1),
    latencySamples: latencies.length,
    realTimeFactorMedian: q(rtfs, 0.5),
    realTimeFactorMax: q(rtfs, 1),
    framesReceived: outcomes.reduce((n, o) => n + o.frames, 0),
    droppedFrames: outcomes.reduce((n, o) => n + o.dropped, 0),
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    sendLagP99Ms: q(lags, 0.99),
  };
}

/** The ramp's stream counts: 8, 16, 32, 64, 96, 128, then +64 up to `max`. */
export function rampSteps(max: number): number[] {
  const steps: number[] = [];
  for (let n = 8; n <= max; n = n < 64 ? n * 2 : n < 128 ? n + 32 : n + 64) {
    steps.push(n);
  }
  return steps;
}
