/**
 * `startServer`: the HTTP + WebSocket feature server. HTTP: `/healthz`, `/metrics` (Prometheus
 * text; `?format=json` for a JSON snapshot). WebSocket: `/stream?...` (protocol.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { fail, isHotpathError } from '../errors.js';
import { resolveLimits, type ServeLimits } from './limits.js';
import { ServeMetrics, type MetricsSnapshot } from './metrics.js';
import { CLOSE, closeReason, parseParams } from './protocol.js';
import { Session } from './session.js';
import { warmUp } from './warm.js';
import type { FeatureStreamFactory } from './types.js';

export interface ServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Makes each stream's feature processor. */
  readonly factory: FeatureStreamFactory;
  /** Preset of streams whose handshake names none (default 'whisper-80'). */
  readonly preset?: string;
  /** Client sample rates accepted (default 8000, 16000, 22050, 24000, 32000, 44100, 48000); others close with 4001. The factory gets the client's rate (hp.featureStream resamples). */
  readonly sampleRates?: readonly number[];
  readonly limits?: Partial<ServeLimits>;
  /**
   * Warm-up before listening (warm.ts): `seconds` of synthetic audio per preset and rate through
   * the session's path, so the first clients get steady-state latency. Default: the default
   * preset at every accepted rate, 2 s each; `false` skips it.
   */
  readonly warmUp?: false | { readonly presets?: readonly string[]; readonly sampleRates?: readonly number[]; readonly seconds?: number };
}

export interface FeatureServer {
  /** `http://host:port`; streams at `ws://host:port/stream`. */
  readonly url: string;
  readonly port: number;
  /** Wall time of the warm-up before listening, ms (0 when skipped). */
  readonly warmUpMs: number;
  /** The numbers /metrics serves. */
  metrics(): MetricsSnapshot;
  /** Stops accepting, flushes every open stream's frames, closes them with 1001, and stops. */
  close(): Promise<void>;
}

/**
 * Starts a feature server.
 * @example
 * const server = await startServer({ factory: (o) => hp.featureStream(o) });
 * console.log(server.url); // http://127.0.0.1:PORT, streams at ws://127.0.0.1:PORT/stream?rate=16000
 * await server.close();
 * @throws ARGUMENT for bad limits; IO when the port cannot be listened on
 */
export async function startServer(options: ServerOptions): Promise<FeatureServer> {
  const limits = resolveLimits(options.limits);
  const preset = options.preset ?? 'whisper-80';
  const rates = options.sampleRates ?? [8000, 16000, 22050, 24000, 32000, 44100, 48000];
  const metrics = new ServeMetrics();
  const sessions = new Set<Session>();
  const state = { shuttingDown: false, pending: 0 };
  const startedAt = Date.now();
  const warm = options.warmUp;
  const warmUpMs = warm === false ? 0 : warmUp(options.factory, { presets: warm?.presets ?? [preset], sampleRates: warm?.sampleRates ?? rates, seconds: warm?.seconds ?? 2 });

  const http = createServer((req, res) => {
    void answerHttp(req, res);
  });
  // Half-open or slow HTTP clients (before any upgrade) lose their socket after handshakeMs;
  // `ws` clears the socket timeout once a connection is upgraded.
  http.timeout = limits.handshakeMs;
  http.headersTimeout = limits.handshakeMs;
  http.requestTimeout = limits.handshakeMs;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });

  async function answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    };
    if (url.pathname === '/healthz') {
      json(state.shuttingDown ? 503 : 200, { status: state.shuttingDown ? 'shutting down' : 'ok', openStreams: metrics.openStreams, uptimeSeconds: (Date.now() - startedAt) / 1000 });
    } else if (url.pathname === '/metrics' && url.searchParams.get('format') === 'json') {
      json(200, metrics.snapshot());
    } else if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
    } else if (url.pathname === '/stream') {
      json(426, { error: 'this path takes a WebSocket upgrade' });
    } else {
      json(404, { error: `no such path ${url.pathname}; try /stream (WebSocket), /healthz or /metrics` });
    }
  }

  function refuse(socket: Duplex, status: string, text: string): void {
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nretry-after: 5\r\n\r\n${text}`);
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/stream') {
      refuse(socket, '404 Not Found', `no WebSocket at ${url.pathname}; streams are at /stream\n`);
      return;
    }
    if (state.shuttingDown) {
      refuse(socket, '503 Service Unavailable', 'server shutting down\n');
      return;
    }
    if (sessions.size + state.pending >= limits.maxConnections) {
      metrics.refused();
      refuse(socket, '503 Service Unavailable', `connection cap reached: ${limits.maxConnections} streams open\n`);
      return;
    }
    state.pending++;
    wss.handleUpgrade(req, socket, head, (ws) => {
      state.pending--;
      open(ws, url.searchParams);
    });
  });

  function open(ws: WebSocket, query: URLSearchParams): void {
    let params;
    let features;
    try {
      params = parseParams(query, preset);
      if (!rates.includes(params.sampleRate)) {
        ws.close(CLOSE.unsupportedRate, closeReason(`unsupported sample rate ${params.sampleRate} Hz; this server takes ${rates.join(', ')}`));
        return;
      }
      features = options.factory({ preset: params.preset, sampleRate: params.sampleRate });
    } catch (error) {
      ws.close(CLOSE.policy, closeReason(isHotpathError(error) ? error.message : `bad stream: ${String(error)}`));
      return;
    }
    const session = new Session(ws, params, features, metrics.openStream(params.sampleRate, params.preset), metrics, limits);
    sessions.add(session);
    void session.closed.then(() => sessions.delete(session));
  }

  // Heartbeat: a connection that missed a pong since the last ping is half-open and is dropped.
  const heartbeat =
    limits.heartbeatMs > 0
      ? setInterval(() => {
          for (const s of sessions) {
            if (!s.alive) {
              s.terminate();
            } else {
              s.alive = false;
              s.ping();
            }
          }
        }, limits.heartbeatMs)
      : undefined;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    clearInterval(heartbeat);
    return fail({ code: 'IO', kernel: 'serve', problem: `cannot listen: ${error.code ?? error.message}`, expected: 'a free port', received: `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`, hint: 'pick another --port, or 0 for any free one' });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    state.shuttingDown = true;
    clearInterval(heartbeat);
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    for (const s of sessions) {
      s.finish(CLOSE.goingAway, 'server shutting down');
    }
    await Promise.all([...sessions].map((s) => s.closed));
    wss.close();
    http.closeAllConnections();
    await stopped;
  }

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    warmUpMs,
    metrics: () => metrics.snapshot(),
    close: () => (closing ??= close()),
  };
}
