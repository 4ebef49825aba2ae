/**
 * A bounded async queue of samples between a push-style producer (WebSocket messages, a device
 * callback) and a pull-style consumer (`frames(queue, ...)`), on a RingBuffer: under `'block'`
 * a write waits for room, so memory per stream stays at the ring's capacity.
 */
import { HotpathError } from '../errors.js';
import { checkPositive } from './checks.js';
import { RingBuffer, type OverflowPolicy } from './ringBuffer.js';

export interface SampleQueueOptions {
  /** Default `'block'`: writes wait for the consumer. */
  readonly overflow?: OverflowPolicy;
  /** Most samples one read hands out (default: the capacity). */
  readonly maxRead?: number;
}

/**
 * ```ts
 * const queue = new SampleQueue(16000);                  // 1 s of 16 kHz audio at most
 * socket.on('message', async (pcm) => { socket.pause(); await queue.write(pcm); socket.resume(); });
 * socket.on('close', () => queue.end());
 * for await (const f of frames(queue, { frameLength: 400, hop: 160, padding: 'none' })) { ... }
 * ```
 *
 * `write` resolves once every sample is in the ring (`'block'` waits for room; `'dropOldest'`
 * drops and counts; `'throw'` rejects with `OVERFLOW`). Writes are applied in call order.
 * Iterating yields the held samples (fresh arrays of at most maxRead) until `end()` and the ring
 * is empty. Only one consumer may iterate. If the consumer stops early (break, throw), pending
 * and later writes reject with `LIFETIME`. Throws `ARGUMENT` for a bad capacity, policy or
 * maxRead, `DTYPE` for non-float32 samples, `LIFETIME` for a write after end().
 */
export class SampleQueue implements AsyncIterable<Float32Array> {
  readonly #ring: RingBuffer;
  readonly #maxRead: number;
  /** Resolves when the previous write finished: keeps writes in call order. */
  #writes: Promise<void> = Promise.resolve();
  #ended = false;
  #stopped = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriter: (() => void) | undefined;

  constructor(capacity: number, options: SampleQueueOptions = {}) {
    this.#ring = new RingBuffer(capacity, { overflow: options.overflow ?? 'block' });
    this.#maxRead = options.maxRead ?? capacity;
    checkPositive(this.#maxRead, 'SampleQueue', 'maxRead', 'samples');
  }

  /** Samples waiting to be read. */
  get size(): number {
    return this.#ring.size;
  }

  /** Samples dropped under `'dropOldest'`. */
  get dropped(): number {
    return this.#ring.dropped;
  }

  /** Queues samples; see the class comment for what each overflow policy does. */
  write(samples: Float32Array): Promise<void> {
    if (this.#ended) {
      return Promise.reject(this.#lifetime('write after end()', 'writes before end()'));
    }
    const done = this.#writes.then(() => this.#write(samples));
    // A failed write does not block the next one; its caller sees the rejection.
    this.#writes = done.catch(() => undefined);
    return done;
  }

  /** No more writes: the iteration finishes once the held samples are read. */
  end(): void {
    this.#ended = true;
    this.#wakeReader?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Float32Array, void, undefined> {
    try {
      for (;;) {
        if (this.#ring.size > 0) {
          const out = new Float32Array(Math.min(this.#ring.size, this.#maxRead));
          this.#ring.read(out);
          this.#wakeWriter?.();
          yield out;
        } else if (this.#ended) {
          // end() may have come while writes still wait for room: wait for them too.
          await this.#writes;
          if (this.#ring.size === 0) return;
        } else {
          await new Promise<void>((resolve) => (this.#wakeReader = resolve));
        }
      }
    } finally {
      this.#stopped = true;
      this.#wakeWriter?.();
    }
  }

  async #write(samples: Float32Array): Promise<void> {
    let rest = samples;
    for (;;) {
      if (this.#stopped) {
        throw this.#lifetime('the consumer stopped reading', 'a consumer iterating the queue');
      }
      const n = this.#ring.write(rest);
      this.#wakeReader?.();
      rest = rest.subarray(n);
      if (rest.length === 0) return;
      await new Promise<void>((resolve) => (this.#wakeWriter = resolve));
    }
  }

  #lifetime(problem: string, expected: string): HotpathError {
    return new HotpathError({ code: 'LIFETIME', kernel: 'SampleQueue.write', problem, expected, received: `${this.#ring.size} samples held` });
  }
}
