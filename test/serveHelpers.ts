/**
 * Helpers of the feature-server tests: a simple, independently checkable processor (energy of
 * non-overlapping 160-sample hops, repeated over `bins` columns) and a WebSocket test client.
 */
import WebSocket from 'ws';
import { startServer, type FeatureServer, type ServeLimits } from '../src/serve/index.js';
import { decodeFrames, type FramesMessage } from '../src/serve/protocol.js';
import type { FeatureStream } from '../src/serve/types.js';
import { fail } from '../src/errors.js';

export const HOP = 160;

/** Energy (sum of squares, float64) of each complete 160-sample hop; end() emits the partial last hop. */
export function energyStream(bins: number): FeatureStream {
  let acc = 0;
  let filled = 0;
  return {
    bins,
    push(samples: Float32Array): Float32Array {
      const out: number[] = [];
      for (const x of samples) {
        acc += x * x;
        filled++;
        if (filled === HOP) {
          out.push(acc);
          acc = 0;
          filled = 0;
        }
      }
      return rows(out, bins);
    },
    end(): Float32Array {
      const out = filled > 0 ? [acc] : [];
      acc = 0;
      filled = 0;
      return rows(out, bins);
    },
  };
}

function rows(values: readonly number[], bins: number): Float32Array {
  const out = new Float32Array(values.length * bins);
  values.forEach((v, i) => out.fill(v, i * bins, (i + 1) * bins));
  return out;
}

/** The expected energies of a whole int16 signal, computed directly (float64, then float32). */
export function expectedEnergies(pcm: Int16Array): number[] {
  const out: number[] = [];
  for (let start = 0; start < pcm.length; start += HOP) {
    let e = 0;
    for (let i = start; i < Math.min(start + HOP, pcm.length); i++) {
      e += ((pcm[i] as number) / 32768) ** 2;
    }
    out.push(Math.fround(e));
  }
  return out;
}

/** A deterministic test signal (a chirp-like sum of sines), int16. */
export function testSignal(n: number): Int16Array {
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    pcm[i] = Math.round(12000 * Math.sin(0.01 * i + 1e-6 * i * i) + 3000 * Math.sin(0.37 * i));
  }
  return pcm;
}

/** Starts a server on 127.0.0.1:0 with the energy processor; presets other than 'energy*' are refused. */
export function energyServer(limits: Partial<ServeLimits> = {}, bins = 1): Promise<FeatureServer> {
  return startServer({
    preset: 'energy',
    limits,
    factory: ({ preset }) => (preset === 'energy' ? energyStream(bins) : fail({ code: 'ARGUMENT', kernel: 'serve', problem: `unknown preset ${preset}`, expected: 'energy', received: preset })),
  });
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A test client: records every message; `closed` resolves with the close code and reason. */
export class Client {
  readonly ws: WebSocket;
  readonly frames: FramesMessage[] = [];
  readonly texts: Record<string, unknown>[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  /** Resolves with the ready message. */
  readonly ready: Promise<Record<string, unknown>>;
  private bins = 1;

  constructor(server: FeatureServer, query: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(`${server.url.replace('http', 'ws')}/stream${query === '' ? '' : `?${query}`}`, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    let onReady: (m: Record<string, unknown>) => void = () => undefined;
    this.ready = new Promise((resolve) => (onReady = resolve));
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.frames.push(decodeFrames(data, this.bins));
        return;
      }
      const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (m.type === 'ready') {
        this.bins = m.bins as number;
        onReady(m);
      }
      this.texts.push(m);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  }

  /** Sends int16 samples as one binary message. */
  sendPcm(pcm: Int16Array): void {
    this.ws.send(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  end(): void {
    this.ws.send(JSON.stringify({ type: 'end' }));
  }

  /** Every frame's first bin, in order of firstFrame (binary output). */
  firstBins(bins = this.bins): number[] {
    return this.frames.flatMap((m) => Array.from({ length: m.count }, (_, i) => m.frames[i * bins] as number));
  }
}

/** Waits until `condition()` holds, checking after each turn of the event loop (no time limit: the test runner's timeout is the bound). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A Client whose WebSocket is open. */
export async function connect(server: FeatureServer, query: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  const client = new Client(server, query, options);
  await client.opened;
  return client;
}

/** Runs `body` against an energy server and always closes the server. */
export async function withEnergyServer(limits: Partial<ServeLimits>, body: (server: FeatureServer) => Promise<void>): Promise<void> {
  const server = await energyServer(limits);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}
