/**
 * The feature server's numbers: per stream and global chunk-to-frame latency (p50/p99 over the
 * most recent samples), real-time factor, frames out, dropped frames, open streams, bytes in/out.
 * Exposed as Prometheus text through prom-client (a registry per server, no global state) and as
 * a JSON snapshot.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { quantileOf } from '../gate/bootstrap.js';

/** Latency samples kept per stream and for the whole server (most recent first out). */
const STREAM_SAMPLES = 1024;
const GLOBAL_SAMPLES = 8192;

/** A fixed-size window of the most recent values (seconds). */
class Window {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  add(v: number): void {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.values.length;
    this.filled = Math.min(this.filled + 1, this.values.length);
  }

  /** p50 and p99 in seconds, or nulls before the first sample. */
  quantiles(): { p50: number | null; p99: number | null } {
    if (this.filled === 0) {
      return { p50: null, p99: null };
    }
    const values = Array.from(this.values.subarray(0, this.filled));
    return { p50: quantileOf(values, 0.5), p99: quantileOf(values, 0.99) };
  }
}

/** One stream's counters (owned by its session, read by the scrape). */
export class StreamStats {
  bytesIn = 0;
  bytesOut = 0;
  /** Samples received, at the stream's rate. */
  samplesIn = 0;
  framesOut = 0;
  droppedFrames = 0;
  /** Seconds spent in the feature processor (push/end). */
  processSeconds = 0;
  /** Times the stream was paused for sending faster than `maxRealtime`. */
  throttled = 0;
  /** The server has closed (or is closing) this stream with this code; null while open. */
  closeCode: number | null = null;
  readonly latency = new Window(STREAM_SAMPLES);

  constructor(
    readonly id: number,
    readonly sampleRate: number,
    readonly preset: string,
  ) {}

  /** Processing seconds per second of audio (below 1: faster than real time); null before audio. */
  realTimeFactor(): number | null {
    return this.samplesIn === 0 ? null : this.processSeconds / (this.samplesIn / this.sampleRate);
  }

  snapshot(): StreamSnapshot {
    const q = this.latency.quantiles();
    return {
      id: this.id,
      preset: this.preset,
      sampleRate: this.sampleRate,
      audioSeconds: this.samplesIn / this.sampleRate,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      framesOut: this.framesOut,
      droppedFrames: this.droppedFrames,
      throttled: this.throttled,
      closeCode: this.closeCode,
      realTimeFactor: this.realTimeFactor(),
      latencyP50Ms: q.p50 === null ? null : q.p50 * 1000,
      latencyP99Ms: q.p99 === null ? null : q.p99 * 1000,
    };
  }
}

export interface StreamSnapshot {
  readonly id: number;
  readonly preset: string;
  readonly sampleRate: number;
  readonly audioSeconds: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly framesOut: number;
  readonly droppedFrames: number;
  readonly throttled: number;
  readonly closeCode: number | null;
  readonly realTimeFactor: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

/** The server's totals (streams closed so far included) and its open streams. */
export interface MetricsSnapshot {
  readonly openStreams: number;
  readonly streamsTotal: number;
  readonly refusedConnections: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly framesOut: number;
  readonly droppedFrames: number;
  /** Times a stream's reading was paused for sending faster than maxRealtime. */
  readonly throttled: number;
  /** Processing seconds / audio seconds over every stream so far. */
  readonly realTimeFactor: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /** Closes by code, e.g. { "1000": 3, "4000": 1 }. */
  readonly closes: Readonly<Record<string, number>>;
  readonly streams: readonly StreamSnapshot[];
}

/** The server-wide metrics; sessions report into it. */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly open = new Map<number, StreamStats>();
  private readonly latency = new Window(GLOBAL_SAMPLES);
  private readonly closes = new Map<number, number>();
  private readonly totals = { bytesIn: 0, bytesOut: 0, framesOut: 0, droppedFrames: 0, throttled: 0, processSeconds: 0, audioSeconds: 0, streams: 0, refused: 0 };
  private nextId = 1;
  private readonly closeCounter: Counter<'code'>;

  constructor() {
    const registers = [this.registry];
    this.closeCounter = new Counter({ name: 'hotpath_serve_closes_total', help: 'Streams closed, by WebSocket close code', labelNames: ['code'], registers });
    const totalGauge = (name: string, help: string, read: () => number): void => {
      // Gauges read at scrape time, so the numbers have one owner (the sessions' stats).
      new Gauge({ name, help, registers, collect(this: Gauge) { this.set(read()); } });
    };
    totalGauge('hotpath_serve_open_streams', 'Open streams', () => this.open.size);
    totalGauge('hotpath_serve_streams_total', 'Streams opened since start', () => this.totals.streams);
    totalGauge('hotpath_serve_refused_connections_total', 'Connections refused at the connection cap', () => this.totals.refused);
    totalGauge('hotpath_serve_bytes_in_total', 'PCM bytes received', () => this.sum('bytesIn'));
    totalGauge('hotpath_serve_bytes_out_total', 'Frame bytes sent', () => this.sum('bytesOut'));
    totalGauge('hotpath_serve_frames_out_total', 'Frames sent', () => this.sum('framesOut'));
    totalGauge('hotpath_serve_dropped_frames_total', 'Frames dropped for clients that did not read', () => this.sum('droppedFrames'));
    totalGauge('hotpath_serve_throttled_total', 'Times a stream was paused for sending faster than maxRealtime', () => this.sum('throttled'));
    totalGauge('hotpath_serve_real_time_factor', 'Processing seconds per audio second, all streams', () => this.snapshot().realTimeFactor ?? 0);
    const streams = this.open;
    const latency = this.latency;
    new Gauge({
      name: 'hotpath_serve_latency_seconds',
      help: 'Chunk-to-frame latency (chunk received to its frames written to the socket), recent samples',
      labelNames: ['stream', 'quantile'],
      registers,
      collect(this: Gauge<'stream' | 'quantile'>) {
        this.reset();
        const put = (stream: string, q: { p50: number | null; p99: number | null }): void => {
          if (q.p50 !== null && q.p99 !== null) {
            this.set({ stream, quantile: '0.5' }, q.p50);
            this.set({ stream, quantile: '0.99' }, q.p99);
          }
        };
        put('all', latency.quantiles());
        for (const s of streams.values()) {
          put(String(s.id), s.latency.quantiles());
        }
      },
    });
    new Gauge({
      name: 'hotpath_serve_stream_real_time_factor',
      help: 'Processing seconds per audio second, per open stream',
      labelNames: ['stream'],
      registers,
      collect(this: Gauge<'stream'>) {
        this.reset();
        for (const s of streams.values()) {
          const rtf = s.realTimeFactor();
          if (rtf !== null) {
            this.set({ stream: String(s.id) }, rtf);
          }
        }
      },
    });
  }

  /** Registers a new stream and returns its stats. */
  openStream(sampleRate: number, preset: string): StreamStats {
    const stats = new StreamStats(this.nextId++, sampleRate, preset);
    this.open.set(stats.id, stats);
    this.totals.streams++;
    return stats;
  }

  /** A latency sample of `stats`' stream, seconds. */
  observeLatency(stats: StreamStats, seconds: number): void {
    stats.latency.add(seconds);
    this.latency.add(seconds);
  }

  /** Moves a closed stream's numbers into the totals. */
  closeStream(stats: StreamStats, code: number): void {
    if (!this.open.delete(stats.id)) {
      return;
    }
    this.totals.bytesIn += stats.bytesIn;
    this.totals.bytesOut += stats.bytesOut;
    this.totals.framesOut += stats.framesOut;
    this.totals.droppedFrames += stats.droppedFrames;
    this.totals.throttled += stats.throttled;
    this.totals.processSeconds += stats.processSeconds;
    this.totals.audioSeconds += stats.samplesIn / stats.sampleRate;
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
    this.closeCounter.inc({ code: String(code) });
  }

  /** A connection refused at the cap. */
  refused(): void {
    this.totals.refused++;
  }

  get openStreams(): number {
    return this.open.size;
  }

  private sum(key: 'bytesIn' | 'bytesOut' | 'framesOut' | 'droppedFrames' | 'throttled'): number {
    let total = this.totals[key];
    for (const s of this.open.values()) {
      total += s[key];
    }
    return total;
  }

  snapshot(): MetricsSnapshot {
    let processSeconds = this.totals.processSeconds;
    let audioSeconds = this.totals.audioSeconds;
    for (const s of this.open.values()) {
      processSeconds += s.processSeconds;
      audioSeconds += s.samplesIn / s.sampleRate;
    }
    const q = this.latency.quantiles();
    return {
      openStreams: this.open.size,
      streamsTotal: this.totals.streams,
      refusedConnections: this.totals.refused,
      bytesIn: this.sum('bytesIn'),
      bytesOut: this.sum('bytesOut'),
      framesOut: this.sum('framesOut'),
      droppedFrames: this.sum('droppedFrames'),
      throttled: this.sum('throttled'),
      realTimeFactor: audioSeconds === 0 ? null : processSeconds / audioSeconds,
      latencyP50Ms: q.p50 === null ? null : q.p50 * 1000,
      latencyP99Ms: q.p99 === null ? null : q.p99 * 1000,
      closes: Object.fromEntries([...this.closes].map(([code, n]) => [String(code), n])),
      streams: [...this.open.values()].map((s) => s.snapshot()),
    };
  }
}
