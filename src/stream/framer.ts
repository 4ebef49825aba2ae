/**
 * Streaming framer: cuts a stream of float32 chunks into overlapping frames, giving exactly the
 * frames of the whole signal whatever the chunk sizes (proven by property tests). Geometry and
 * the readiness rule live in framing.ts.
 */
import { fail } from '../errors.js';
import { checkCount, checkSamples } from './checks.js';
import { frameCount, frameGeometry, frameStart, lastRead, sourceIndex, type FrameGeometry, type Padding } from './framing.js';

export interface FramerOptions {
  /** Samples per frame (L), >= 1. */
  readonly frameLength: number;
  /** Samples between frame starts, >= 1; may exceed frameLength (samples between frames are skipped). */
  readonly hop: number;
  readonly padding: Padding;
}

/** A batch of consecutive frames. */
export interface Frames {
  /** Frames in the batch (0 when nothing became ready). */
  readonly count: number;
  readonly frameLength: number;
  /** Stream index of the batch's first frame (frames are numbered from 0). */
  readonly first: number;
  /** The frames row-major: frame `first + k` is `data.subarray(k * frameLength, (k + 1) * frameLength)`. */
  readonly data: Float32Array;
}

/** Samples kept beyond those the next frame reads, so end() can mirror the right edge. */
function mirrorTail(g: FrameGeometry): number {
  return g.padding === 'kaldi' || g.padding === 'reflect' ? g.frameLength + 1 : 0;
}

/**
 * Cuts chunks into frames; a frame is emitted by the push that brings the last sample it reads
 * (see `lastRead` in framing.ts); `end()` emits the frames that read past the end of the signal.
 *
 * ```ts
 * const framer = new Framer({ frameLength: 400, hop: 160, padding: 'none' });
 * const a = framer.push(chunk1);           // a.count frames in a.data (count * 400 floats)
 * const b = framer.push(chunk2);           // b.first === a.first + a.count
 * const c = framer.end();                  // frames that wait for the end (none for 'none')
 * // Into a buffer the caller owns, no allocation per call:
 * const out = new Float32Array(framer.framesAfter(chunk3.length) * 400);
 * framer.pushInto(chunk3, out);
 * ```
 *
 * Memory is bounded: the framer keeps at most about 2 (L + 1) + 4096 samples (those later frames
 * still read), whatever the chunk sizes. NaN and Inf samples are data: copied into frames as
 * they are, never checked.
 *
 * Throws `ARGUMENT` for frameLength or hop < 1, an unknown padding, or an output array too small
 * for `pushInto` / `endInto`; `DTYPE` for a chunk that is not a Float32Array; `LIFETIME` for
 * push or end after end().
 */
export class Framer {
  readonly frameLength: number;
  readonly hop: number;
  readonly padding: Padding;
  readonly #g: FrameGeometry;
  readonly #tail: number;
  /** Samples [#start, #start + #len) of the stream; always #start + #len === #seen. */
  readonly #buf: Float32Array;
  #start = 0;
  #len = 0;
  #seen = 0;
  #next = 0;
  #ended = false;

  constructor(options: FramerOptions) {
    this.#g = frameGeometry(options, 'Framer');
    this.frameLength = this.#g.frameLength;
    this.hop = this.#g.hop;
    this.padding = this.#g.padding;
    this.#tail = mirrorTail(this.#g);
    // Held samples never exceed L + 1 after emitting; the rest is room to append between compactions.
    this.#buf = new Float32Array(2 * (this.frameLength + 1) + 4096);
  }

  /** Frames emitted so far (also the index of the next frame). */
  get framesReady(): number {
    return this.#next;
  }

  /** Samples pushed so far. */
  get samplesSeen(): number {
    return this.#seen;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Frames a push of `samples` more samples would emit now (0 after end). */
  framesAfter(samples: number): number {
    checkCount(samples, 'Framer.framesAfter', 'samples');
    if (this.#ended) return 0;
    const seen = this.#seen + samples;
    let i = this.#next;
    while (lastRead(this.#g, i) < seen) i++;
    return i - this.#next;
  }

  /** Frames end() would emit now: those that read past the end of the signal. */
  framesAtEnd(): number {
    return this.#ended ? 0 : frameCount(this.#g, this.#seen) - this.#next;
  }

  /** Appends a chunk (any length, 0 included); returns the frames that became ready. */
  push(chunk: Float32Array): Frames {
    this.#open('push');
    checkSamples(chunk, 'Framer.push');
    const first = this.#next;
    const data = new Float32Array(this.framesAfter(chunk.length) * this.frameLength);
    const count = this.#ingest(chunk, data, 0);
    return { count, frameLength: this.frameLength, first, data };
  }

  /**
   * Like push, but writes the frames into `out` from element `offset` (row-major) and returns
   * how many; `out` must hold `framesAfter(chunk.length) * frameLength` floats from `offset`.
   * Nothing is consumed when it throws.
   */
  pushInto(chunk: Float32Array, out: Float32Array, offset = 0): number {
    this.#open('pushInto');
    checkSamples(chunk, 'Framer.pushInto');
    this.#room(out, offset, this.framesAfter(chunk.length), 'Framer.pushInto');
    return this.#ingest(chunk, out, offset);
  }

  /** Ends the stream; returns the last frames (those reading past the end, by the padding rule). */
  end(): Frames {
    this.#open('end');
    const first = this.#next;
    const data = new Float32Array(this.framesAtEnd() * this.frameLength);
    const count = this.#finish(data, 0);
    return { count, frameLength: this.frameLength, first, data };
  }

  /** Like end, into `out` from element `offset`; returns how many frames. */
  endInto(out: Float32Array, offset = 0): number {
    this.#open('endInto');
    this.#room(out, offset, this.framesAtEnd(), 'Framer.endInto');
    return this.#finish(out, offset);
  }

  #open(action: string): void {
    if (this.#ended) {
      fail({
        code: 'LIFETIME',
        kernel: `Framer.${action}`,
        problem: 'the stream has ended',
        expected: 'push and end before end()',
        received: `${action} after end() (${this.#seen} samples, ${this.#next} frames)`,
        hint: 'create a new Framer for a new stream',
      });
    }
  }

  #room(out: Float32Array, offset: number, frames: number, where: string): void {
    checkSamples(out, where);
    checkCount(offset, where, 'offset');
    const needed = frames * this.frameLength;
    if (offset + needed > out.length) {
      fail({
        code: 'ARGUMENT',
        kernel: where,
        problem: `the output array is too small for ${frames} frames of ${this.frameLength} samples from offset ${offset}`,
        expected: `at least ${offset + needed} floats`,
        received: `${out.length} floats`,
        hint: 'size it with framesAfter(chunk.length) or framesAtEnd()',
      });
    }
  }

  /** Stores the chunk piece by piece, emitting frames as they become ready; returns frames written. */
  #ingest(chunk: Float32Array, out: Float32Array, offset: number): number {
    let o = offset;
    let pos = 0;
    while (pos < chunk.length) {
      const keep = this.#keepFrom();
      if (keep >= this.#seen) {
        // Nothing held is needed; samples before `keep` are never read (hop > L): skip them.
        this.#len = 0;
        const skip = Math.min(keep - this.#seen, chunk.length - pos);
        pos += skip;
        this.#seen += skip;
        this.#start = this.#seen;
        if (pos === chunk.length) break;
      } else if (this.#len === this.#buf.length) {
        this.#compact(keep);
      }
      const n = Math.min(chunk.length - pos, this.#buf.length - this.#len);
      this.#buf.set(chunk.subarray(pos, pos + n), this.#len);
      this.#len += n;
      this.#seen += n;
      pos += n;
      while (lastRead(this.#g, this.#next) < this.#seen) {
        this.#copyFrame(this.#next, out, o);
        o += this.frameLength;
        this.#next++;
      }
    }
    return (o - offset) / this.frameLength;
  }

  #finish(out: Float32Array, offset: number): number {
    const total = frameCount(this.#g, this.#seen);
    let o = offset;
    for (; this.#next < total; this.#next++) {
      this.#copyFrame(this.#next, out, o);
      o += this.frameLength;
    }
    this.#ended = true;
    return (o - offset) / this.frameLength;
  }

  /** First stream index a future frame (or end()'s mirroring) still reads. */
  #keepFrom(): number {
    const s = frameStart(this.#g, this.#next);
    return Math.max(0, Math.min(s, this.#seen - this.#tail));
  }

  /** Drops held samples before `keep` (at most L + 1 remain, so this runs once per ~4096 samples). */
  #compact(keep: number): void {
    const drop = keep - this.#start;
    this.#buf.copyWithin(0, drop, this.#len);
    this.#len -= drop;
    this.#start = keep;
  }

  #copyFrame(i: number, out: Float32Array, o: number): void {
    const L = this.frameLength;
    const s = frameStart(this.#g, i);
    if (s >= this.#start && s + L <= this.#seen) {
      // Inside the signal: one contiguous copy (the per-hop fast path).
      const a = s - this.#start;
      out.set(this.#buf.subarray(a, a + L), o);
      return;
    }
    for (let k = 0; k < L; k++) {
      const j = sourceIndex(this.padding, s + k, this.#seen);
      out[o + k] = j < 0 ? 0 : this.#buf[j - this.#start]!;
    }
  }
}
