/**
 * One client stream: PCM in, frames out, under the server's limits (limits.ts) and wire format
 * (protocol.ts). Every policy that ends a stream closes it with a code and a reason and touches
 * nothing outside this session.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { isHotpathError } from '../errors.js';
import type { ServeLimits } from './limits.js';
import type { ServeMetrics, StreamStats } from './metrics.js';
import { CLOSE, END_CHUNK, closeReason, decodePcm, encodeFrames, type StreamParams } from './protocol.js';
import type { FeatureStream } from './types.js';

/** A frames message waiting for the socket. */
interface Pending {
  readonly data: Uint8Array | string;
  readonly count: number;
  /** performance.now() when the chunk that made these frames arrived, ms. */
  readonly arrivedAt: number;
}

export class Session {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private nextFrame = 0;
  private chunk = 0;
  private readonly openedAt = performance.now();
  /** Samples received in the current drip window. */
  private windowSamples = 0;
  private ended = false;
  private closing = false;
  /** Code this server closed with (or the client's, when it closed first). */
  private closeCode: number = CLOSE.normal;
  private paused = false;
  /** Answered the last heartbeat ping. */
  alive = true;
  private readonly timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    private readonly params: StreamParams,
    private readonly features: FeatureStream,
    private readonly stats: StreamStats,
    private readonly metrics: ServeMetrics,
    private readonly limits: ServeLimits,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.stopTimers();
        this.metrics.closeStream(this.stats, this.closing ? this.closeCode : code);
        resolve();
      });
    });
    // `ws` reports protocol errors (oversize, bad framing) here and then closes with 1009/1002.
    ws.on('error', () => {
      if (!this.closing) {
        this.closing = true;
        this.closeCode = CLOSE.tooBig;
      }
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    if (limits.idleMs > 0) {
      this.idleTimer = setTimeout(() => this.close(CLOSE.idle, `idle: no message for ${limits.idleMs} ms`), limits.idleMs);
      this.timers.push(this.idleTimer);
    }
    if (limits.dripWindowMs > 0 && limits.minRealtime > 0) {
      this.timers.push(setInterval(() => this.checkDrip(), limits.dripWindowMs));
    }
    this.sendText({ type: 'ready', stream: stats.id, bins: features.bins, sampleRate: params.sampleRate, format: params.format, preset: params.preset, output: params.output });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    const arrivedAt = performance.now();
    this.idleTimer?.refresh();
    if (this.closing) {
      return;
    }
    if (!isBinary) {
      this.onText(data.toString('utf8'));
      return;
    }
    if (this.ended) {
      this.close(CLOSE.policy, 'audio after end');
      return;
    }
    this.stats.bytesIn += data.byteLength;
    let samples: Float32Array;
    try {
      samples = decodePcm(data, this.params.format);
    } catch (error) {
      this.close(CLOSE.invalidPayload, isHotpathError(error) ? `${error.problem}, expected ${error.expected ?? ''}` : String(error));
      return;
    }
    this.stats.samplesIn += samples.length;
    this.windowSamples += samples.length;
    this.throttle();
    const frames = this.process(() => this.features.push(samples));
    if (frames !== undefined) {
      this.enqueue(frames, this.chunk, arrivedAt);
      this.chunk++;
    }
  }

  private onText(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'end') {
      this.close(CLOSE.unsupportedData, 'unsupported text message; expected {"type":"end"} (audio goes in binary messages)');
      return;
    }
    if (!this.ended) {
      this.finish(CLOSE.normal, 'end of stream');
    }
  }

  /** Runs the feature processor, timing it; closes with 1011 when it throws. */
  private process(run: () => Float32Array): Float32Array | undefined {
    const start = performance.now();
    try {
      return run();
    } catch (error) {
      this.close(CLOSE.internal, `feature processor failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      this.stats.processSeconds += (performance.now() - start) / 1000;
    }
  }

  /** Flood control: pause reading when the stream is ahead of maxRealtime x its age + burst. */
  private throttle(): void {
    const ageSeconds = (performance.now() - this.openedAt) / 1000;
    const aheadSeconds = this.stats.samplesIn / this.params.sampleRate - this.limits.burstSeconds - this.limits.maxRealtime * ageSeconds;
    if (aheadSeconds <= 0 || this.paused || this.limits.maxRealtime === 0) {
      return;
    }
    this.paused = true;
    this.stats.throttled++;
    this.ws.pause();
    const timer = setTimeout(() => {
      this.paused = false;
      if (!this.closing) {
        this.ws.resume();
      }
    }, (1000 * aheadSeconds) / this.limits.maxRealtime);
    this.timers.push(timer);
  }

  private checkDrip(): void {
    const needed = this.limits.minRealtime * (this.limits.dripWindowMs / 1000) * this.params.sampleRate;
    const got = this.windowSamples;
    this.windowSamples = 0;
    if (!this.ended && !this.paused && got < needed) {
      this.close(CLOSE.tooSlow, `too slow: ${got} samples in ${this.limits.dripWindowMs} ms, expected >= ${Math.ceil(needed)} (${this.limits.minRealtime}x real time)`);
    }
  }

  private enqueue(frames: Float32Array, chunk: number, arrivedAt: number): void {
    const bins = this.features.bins;
    const count = frames.length / bins;
    if (count === 0 || this.closing) {
      return;
    }
    const firstFrame = this.nextFrame;
    this.nextFrame += count;
    const data =
      this.params.output === 'binary'
        ? encodeFrames(frames, bins, firstFrame, chunk)
        : JSON.stringify({ type: 'frames', firstFrame, chunk: chunk === END_CHUNK ? -1 : chunk, frames: Array.from({ length: count }, (_, i) => Array.from(frames.subarray(i * bins, (i + 1) * bins))) });
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.queue.push({ data, count, arrivedAt });
    this.queuedBytes += bytes;
    this.pump();
    if (this.queuedBytes > this.limits.maxQueuedBytes) {
      if (this.limits.backpressure === 'close') {
        this.close(CLOSE.notReading, `client not reading: over ${this.limits.maxQueuedBytes} bytes of frames queued`);
        return;
      }
      // Drop-oldest: the newest frames are the useful ones for a live stream; the gap shows in firstFrame.
      while (this.queuedBytes > this.limits.maxQueuedBytes && this.queue.length > 1) {
        const old = this.queue.shift() as Pending;
        this.queuedBytes -= typeof old.data === 'string' ? Buffer.byteLength(old.data) : old.data.byteLength;
        this.stats.droppedFrames += old.count;
      }
    }
  }

  /** Sends queued frames while the socket's unsent bytes stay under the high-water mark. */
  private pump(): void {
    while (this.queue.length > 0 && this.ws.bufferedAmount < this.limits.highWaterBytes && this.ws.readyState === this.ws.OPEN) {
      const item = this.queue.shift() as Pending;
      const bytes = typeof item.data === 'string' ? Buffer.byteLength(item.data) : item.data.byteLength;
      this.queuedBytes -= bytes;
      this.ws.send(item.data, { binary: typeof item.data !== 'string' }, (error) => {
        if (error === undefined || error === null) {
          this.stats.bytesOut += bytes;
          this.stats.framesOut += item.count;
          this.metrics.observeLatency(this.stats, (performance.now() - item.arrivedAt) / 1000);
          this.pump();
        }
      });
    }
    if (this.queue.length === 0 && this.finishing !== undefined && this.ws.bufferedAmount === 0) {
      const { code, reason } = this.finishing;
      this.finishing = undefined;
      this.sendText({ type: 'end', frames: this.nextFrame, dropped: this.stats.droppedFrames });
      this.close(code, reason);
    }
  }

  private finishing: { code: number; reason: string } | undefined;

  /**
   * Ends the stream cleanly: flushes the processor's last frames, sends them and the end message,
   * then closes with `code` (1000 after the client's end, 1001 on shutdown). A client that does not
   * read them within `drainMs` is terminated.
   */
  finish(code: number, reason: string): void {
    if (this.ended || this.closing) {
      return;
    }
    this.ended = true;
    // The client owes no more messages; drainMs now bounds the wait.
    clearTimeout(this.idleTimer);
    const frames = this.process(() => this.features.end());
    if (this.closing) {
      return;
    }
    this.finishing = { code, reason };
    if (frames !== undefined) {
      this.enqueue(frames, END_CHUNK, performance.now());
    }
    this.pump();
    this.timers.push(setTimeout(() => this.ws.terminate(), this.limits.drainMs));
  }

  private sendText(message: object): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(JSON.stringify(message));
    }
  }

  /** Closes with a code and reason; terminates if the client does not complete the close within drainMs. */
  close(code: number, reason: string): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.closeCode = code;
    this.stats.closeCode = code;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.stopTimers();
    if (this.paused) {
      // The close handshake needs the client's close frame read.
      this.ws.resume();
    }
    this.ws.close(code, closeReason(reason));
    const timer = setTimeout(() => this.ws.terminate(), this.limits.drainMs);
    timer.unref();
  }

  /** Heartbeat ping (the pong sets `alive`). */
  ping(): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.ping();
    }
  }

  /** The heartbeat found no pong since the last ping: the peer is gone (half-open). */
  terminate(): void {
    this.closing = true;
    this.closeCode = 1006;
    this.ws.terminate();
  }

  private stopTimers(): void {
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.length = 0;
  }
}
