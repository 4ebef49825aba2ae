/**
 * The feature server's limits: every way a client can cost memory, CPU or a connection slot has
 * one number here, with the policy applied when it is crossed (close code in protocol.ts).
 */
import { fail } from '../errors.js';

export interface ServeLimits {
  /** Open WebSocket streams (plus handshakes in progress); more are refused with HTTP 503. */
  readonly maxConnections: number;
  /** Largest client message, bytes (`ws`'s maxPayload; larger closes with 1009). */
  readonly maxMessageBytes: number;
  /** Close with 4000 when no message arrived for this long, ms. */
  readonly idleMs: number;
  /** Slow-drip window, ms: over each window a stream must send `minRealtime` x its length of audio (else 4002). */
  readonly dripWindowMs: number;
  /** Least audio seconds per wall second over a drip window (0 turns the check off). */
  readonly minRealtime: number;
  /** Most audio seconds per wall second a stream may send, averaged; beyond it (after `burstSeconds`) the server stops reading that socket until the budget refills, so TCP pushes back on the sender. */
  readonly maxRealtime: number;
  /** Audio seconds a stream may send ahead of `maxRealtime` x its age (a file sent at once). */
  readonly burstSeconds: number;
  /** Ping every this many ms; a connection that has not answered the previous ping is terminated. */
  readonly heartbeatMs: number;
  /** Frames are queued instead of sent while the socket holds more than this many unsent bytes. */
  readonly highWaterBytes: number;
  /** Most bytes of frames queued per stream for a client that does not read. */
  readonly maxQueuedBytes: number;
  /** Past `maxQueuedBytes`: drop the oldest queued frames and count them, or close with 4003. */
  readonly backpressure: 'drop-oldest' | 'close';
  /** An HTTP request (or upgrade) must arrive complete within this many ms of connecting. */
  readonly handshakeMs: number;
  /** On shutdown (or after a client's end), ms allowed for queued frames to drain before terminating. */
  readonly drainMs: number;
}

export const DEFAULT_LIMITS: ServeLimits = {
  maxConnections: 1024,
  maxMessageBytes: 1 << 20,
  idleMs: 30_000,
  dripWindowMs: 10_000,
  minRealtime: 0.1,
  maxRealtime: 20,
  burstSeconds: 60,
  heartbeatMs: 15_000,
  highWaterBytes: 256 * 1024,
  maxQueuedBytes: 1 << 20,
  backpressure: 'drop-oldest',
  handshakeMs: 10_000,
  drainMs: 5_000,
};

/** Defaults overridden by `partial`. Throws HotpathError ARGUMENT naming a bad limit. */
export function resolveLimits(partial: Partial<ServeLimits> = {}): ServeLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (key === 'backpressure') {
      if (value !== 'drop-oldest' && value !== 'close') {
        fail({ code: 'ARGUMENT', kernel: 'serve', problem: 'invalid limits.backpressure', expected: "'drop-oldest' or 'close'", received: String(value) });
      }
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail({ code: 'ARGUMENT', kernel: 'serve', problem: `invalid limits.${key}`, expected: 'a finite number >= 0', received: String(value) });
    }
  }
  return limits;
}
