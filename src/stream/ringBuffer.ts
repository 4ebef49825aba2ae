/**
 * A fixed-capacity FIFO of float32 samples with an explicit overflow policy, so that a producer
 * faster than its consumer is either held back, counted or stopped: never a silent glitch.
 */
import { fail } from '../errors.js';
import { checkCount, checkSamples } from './checks.js';

/**
 * What `write` does when the samples offered do not all fit:
 * - `'block'`: accept only what fits and return that count; the caller keeps the rest and waits
 *   for room (the async pipeline does this).
 * - `'dropOldest'`: accept everything; the oldest held samples are discarded to make room and
 *   counted in `dropped`.
 * - `'throw'`: accept nothing and throw `OVERFLOW` naming capacity, held and offered.
 */
export type OverflowPolicy = 'block' | 'dropOldest' | 'throw';

export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['block', 'dropOldest', 'throw'];

export interface RingBufferOptions {
  /** Default `'throw'`: a full buffer is an error unless the caller chose otherwise. */
  readonly overflow?: OverflowPolicy;
}

const WHERE = 'RingBuffer';

/**
 * A ring of `capacity` float32 samples.
 *
 * ```ts
 * const ring = new RingBuffer(4, { overflow: 'dropOldest' });
 * ring.write(Float32Array.of(1, 2, 3, 4, 5, 6)); // 6: all accepted, 1 and 2 dropped
 * ring.dropped;                                   // 2
 * const out = new Float32Array(4);
 * ring.read(out);                                 // 4: out = [3, 4, 5, 6]
 * ```
 *
 * Throws `ARGUMENT` for a capacity that is not a positive integer or an unknown policy, `DTYPE`
 * when samples are not a Float32Array, `OVERFLOW` on a write that does not fit under `'throw'`.
 * NaN and Inf are data: they are stored and returned bit for bit.
 */
export class RingBuffer {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly #data: Float32Array;
  /** Slot of the oldest held sample. */
  #head = 0;
  #size = 0;
  #dropped = 0;
  #removed = 0;

  constructor(capacity: number, options: RingBufferOptions = {}) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'capacity must be a positive integer (samples)', expected: 'an integer >= 1', received: String(capacity) });
    }
    const overflow = options.overflow ?? 'throw';
    if (!OVERFLOW_POLICIES.includes(overflow)) {
      fail({ code: 'ARGUMENT', kernel: WHERE, problem: 'unknown overflow policy', expected: OVERFLOW_POLICIES.map((p) => `'${p}'`).join(' | '), received: String(overflow) });
    }
    this.capacity = capacity;
    this.overflow = overflow;
    this.#data = new Float32Array(capacity);
  }

  /** Samples held now. */
  get size(): number {
    return this.#size;
  }

  /** Samples that fit before the policy applies. */
  get free(): number {
    return this.capacity - this.#size;
  }

  /** Samples discarded by `'dropOldest'` since construction (never reset by `clear`). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Stream index of the oldest held sample: samples read, skipped, dropped or cleared so far. */
  get position(): number {
    return this.#removed;
  }

  /**
   * Appends samples; returns how many were accepted (fewer than offered only under `'block'`).
   * Throws `DTYPE` for a non-Float32Array, `OVERFLOW` under `'throw'` when they do not fit.
   */
  write(samples: Float32Array): number {
    checkSamples(samples, `${WHERE}.write`);
    const offered = samples.length;
    if (offered > this.free) {
      if (this.overflow === 'throw') {
        fail({
          code: 'OVERFLOW',
          kernel: `${WHERE}.write`,
          problem: `the buffer is full (capacity ${this.capacity} samples, ${this.#size} held)`,
          expected: `at most ${this.free} samples`,
          received: `${offered} samples`,
          hint: "read faster, write smaller chunks, or choose overflow 'block' or 'dropOldest'",
        });
      }
      if (this.overflow === 'block') {
        return this.#append(samples.subarray(0, this.free));
      }
      // dropOldest: only the newest `capacity` samples of (held + offered) survive.
      const excess = this.#size + offered - this.capacity;
      const fromHeld = Math.min(excess, this.#size);
      this.#discard(fromHeld);
      this.#dropped += excess;
      // Offered samples that never get stored still pass through the stream's positions.
      this.#removed += excess - fromHeld;
      this.#append(samples.subarray(excess - fromHeld));
      return offered;
    }
    return this.#append(samples);
  }

  /** Moves up to `count` (default `out.length`) of the oldest samples into `out`; returns how many. */
  read(out: Float32Array, count: number = out.length): number {
    const n = this.peek(out, count);
    this.#discard(n);
    return n;
  }

  /**
   * Copies up to `count` samples starting `offset` samples after the oldest into `out` (from its
   * start) without removing them; returns how many were copied.
   */
  peek(out: Float32Array, count: number = out.length, offset = 0): number {
    checkSamples(out, `${WHERE}.peek`);
    checkCount(count, `${WHERE}.peek`, 'count');
    checkCount(offset, `${WHERE}.peek`, 'offset');
    if (count > out.length) {
      fail({ code: 'ARGUMENT', kernel: `${WHERE}.peek`, problem: 'count exceeds the output array', expected: `at most ${out.length} samples`, received: String(count) });
    }
    const n = Math.max(0, Math.min(count, this.#size - offset));
    const start = (this.#head + offset) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    out.set(this.#data.subarray(start, start + first), 0);
    out.set(this.#data.subarray(0, n - first), first);
    return n;
  }

  /** Removes up to `count` of the oldest samples without copying them; returns how many. */
  skip(count: number): number {
    checkCount(count, `${WHERE}.skip`, 'count');
    const n = Math.min(count, this.#size);
    this.#discard(n);
    return n;
  }

  /** Removes every held sample (they count as skipped, not dropped). */
  clear(): void {
    this.#discard(this.#size);
  }

  #append(samples: Float32Array): number {
    const n = samples.length;
    const tail = (this.#head + this.#size) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.#data.set(samples.subarray(0, first), tail);
    this.#data.set(samples.subarray(first), 0);
    this.#size += n;
    return n;
  }

  #discard(n: number): void {
    this.#head = (this.#head + n) % this.capacity;
    this.#size -= n;
    this.#removed += n;
  }
}
