/**
 * Streaming polyphase resampler that computes exactly what scipy.signal.resample_poly computes
 * (default window ('kaiser', 5.0), padtype 'constant'):
 *
 *   y[m] = sum_n x[n] * up * taps[m*down - n*up + halfLen],   m = 0 .. ceil(N*up/down) - 1
 *
 * with x = 0 outside 0..N-1 and taps from resampleFilter.ts. For output m the taps index
 * t - n*up (t = m*down + halfLen) only takes the values of one phase p = t mod up, so each output
 * reads the ~L/up taps of its phase (55 for 44100 -> 16000), not all L.
 *
 * Readiness, defined here only: output m is emitted as soon as the last input it needs,
 * n = floor(t / up), has arrived; end() emits the rest with zeros past the end. Every output is
 * summed over the same inputs in the same order (n ascending) however the input was split,
 * so any chunking gives the same output bit for bit; `resample()` is this class fed once.
 * Memory: only the inputs some future output still needs are kept (about 2*halfLen/up + the
 * step between outputs), plus the taps.
 */
import { fail } from '../errors.js';
import { firwinKaiser, rateRatio, type RateRatio } from './resampleFilter.js';

export type ResampleDType = 'float32' | 'float64';
type ArrayOf<D extends ResampleDType> = D extends 'float64' ? Float64Array : Float32Array;

export interface ResamplerOptions<D extends ResampleDType = 'float32'> {
  /** Input sample rate, Hz (positive integer). */
  readonly from: number;
  /** Output sample rate, Hz (positive integer). */
  readonly to: number;
  /** Element type of the output arrays; the arithmetic is float64 either way. Default float32. */
  readonly dtype?: D;
  /**
   * The filter `firwinKaiser(rateRatio(from, to))` designs, when the caller keeps it (designing
   * the 8821 taps of 44.1 -> 16 kHz takes about 0.6 ms; hp.featureStream keeps one per rate pair
   * in its runtime). Read, never written. Default: designed here.
   */
  readonly taps?: Float64Array;
}

/** Inputs appended to the history per step, so a huge chunk never grows the history to its size. */
const SLICE = 1 << 14;

/**
 * A rate converter fed chunk by chunk.
 * @example
 * const rs = new Resampler({ from: 44100, to: 16000 });
 * const a = rs.push(chunk1); const b = rs.push(chunk2); const tail = rs.end();
 * // a ++ b ++ tail equals resample(chunk1 ++ chunk2, 44100, 16000), bit for bit
 * @throws ARGUMENT (constructor) for bad rates, a ratio whose filter would be huge, or `taps` of another length;
 *   DTYPE (push) for a chunk that is not a Float32Array/Float64Array (as the Framer's DTYPE);
 *   LIFETIME for push/end after end()
 */
export class Resampler<D extends ResampleDType = 'float32'> {
  readonly from: number;
  readonly to: number;
  readonly ratio: RateRatio;
  readonly dtype: D;
  /** phases[p][j] = up * taps[p + j*up]: the taps output phase p reads, scaled as resample_poly does. */
  readonly #phases: Float64Array[];
  /** #phases[p] reversed, read in input order by #four. */
  readonly #reversed: Float64Array[];
  /** Length of the longest phase. */
  readonly #longest: number;
  /** Inputs still needed; history[i] is input number base + i. */
  #history: Float64Array;
  #base = 0;
  #count = 0;
  /** Index of the next output to emit. */
  #next = 0;
  #ended = false;

  constructor(options: ResamplerOptions<D>) {
    if (typeof options !== 'object' || options === null) {
      fail({ code: 'ARGUMENT', kernel: 'Resampler', problem: 'needs an options object', expected: '{ from, to, dtype? }', received: String(options) });
    }
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') {
      fail({ code: 'ARGUMENT', kernel: 'Resampler', problem: 'unknown output dtype', expected: "'float32' or 'float64'", received: String(dtype) });
    }
    const ratio = rateRatio(options.from, options.to, 'Resampler');
    this.from = options.from;
    this.to = options.to;
    this.dtype = dtype as D;
    if (ratio.up === 1 && ratio.down === 1) {
      // Equal rates: resample_poly returns a copy of x. The designed filter would not be an
      // exact identity (sin(pi*k) is not exactly 0 in float64), so use the one-tap filter [1].
      this.ratio = { up: 1, down: 1, halfLen: 0 };
      this.#phases = [Float64Array.of(1)];
    } else {
      this.ratio = ratio;
      const taps = options.taps ?? firwinKaiser(ratio);
      if (!(taps instanceof Float64Array) || taps.length !== 2 * ratio.halfLen + 1) {
        fail({ code: 'ARGUMENT', kernel: 'Resampler', problem: 'taps are not the filter of this rate pair', expected: `a Float64Array of ${2 * ratio.halfLen + 1} taps (firwinKaiser(rateRatio(${options.from}, ${options.to})))`, received: taps instanceof Float64Array ? `${taps.length} taps` : describeChunk(taps) });
      }
      this.#phases = splitPhases(taps, ratio.up);
    }
    this.#reversed = this.#phases.map((p) => p.slice().reverse());
    this.#longest = Math.max(...this.#phases.map((p) => p.length));
    this.#history = new Float64Array(2 * this.#span() + SLICE);
  }

  /** Inputs received so far. */
  get samplesIn(): number {
    return this.#base + this.#count;
  }

  /** Inputs held for outputs not yet emitted (bounded by the filter, not by the stream). */
  get buffered(): number {
    return this.#count;
  }

  /** Outputs emitted so far. */
  get samplesOut(): number {
    return this.#next;
  }

  /**
   * Appends input samples and returns every output that became ready (possibly none).
   * @throws DTYPE for a chunk that is not a Float32Array or Float64Array, LIFETIME after end()
   */
  push(chunk: Float32Array | Float64Array): ArrayOf<D> {
    this.#checkOpen('push');
    if (!(chunk instanceof Float32Array) && !(chunk instanceof Float64Array)) {
      fail({ code: 'DTYPE', kernel: 'Resampler.push', problem: 'a chunk must be float samples', expected: 'Float32Array or Float64Array', received: describeChunk(chunk) });
    }
    const parts: ArrayOf<D>[] = [];
    for (let start = 0; start < chunk.length; start += SLICE) {
      this.#append(chunk.subarray(start, Math.min(chunk.length, start + SLICE)));
      parts.push(this.#emit(this.#readyBefore(this.samplesIn)));
    }
    return concat(parts, this.dtype);
  }

  /**
   * Ends the stream: returns the remaining outputs (zeros stand for the inputs past the end),
   * so that the total is ceil(N*up/down). The resampler cannot be used afterwards.
   * @throws LIFETIME when called twice
   */
  end(): ArrayOf<D> {
    this.#checkOpen('end');
    this.#ended = true;
    const total = Math.ceil((this.samplesIn * this.ratio.up) / this.ratio.down);
    return this.#emit(total);
  }

  /** Inputs an output can need: the taps of one phase, at most ceil(L/up). */
  #span(): number {
    return Math.ceil((2 * this.ratio.halfLen + 1) / this.ratio.up);
  }

  /** Number of the first output that needs an input at index >= `received`. */
  #readyBefore(received: number): number {
    // Output m is ready when floor((m*down + halfLen)/up) < received, i.e.
    // m*down + halfLen < received*up, i.e. m < (received*up - halfLen)/down.
    const { up, down, halfLen } = this.ratio;
    const limit = received * up - halfLen;
    return limit <= 0 ? 0 : Math.ceil(limit / down);
  }

  #append(slice: Float32Array | Float64Array): void {
    const safeLimit = Math.floor(Number.MAX_SAFE_INTEGER / Math.max(this.ratio.up, this.ratio.down)) - this.ratio.halfLen;
    if (this.samplesIn + slice.length > safeLimit) {
      fail({ code: 'ARGUMENT', kernel: 'Resampler.push', problem: 'the stream is too long to index exactly', expected: `at most ${safeLimit} input samples`, received: `${this.samplesIn + slice.length}` });
    }
    if (this.#count + slice.length > this.#history.length) {
      const grown = new Float64Array(Math.max(this.#history.length * 2, this.#count + slice.length));
      grown.set(this.#history.subarray(0, this.#count));
      this.#history = grown;
    }
    this.#history.set(slice, this.#count); // float32 -> float64 is exact
    this.#count += slice.length;
  }

  /** Computes outputs #next .. stop-1 (all their inputs are in the history or past the end). */
  #emit(stop: number): ArrayOf<D> {
    const count = Math.max(0, stop - this.#next);
    const out = (this.dtype === 'float64' ? new Float64Array(count) : new Float32Array(count)) as ArrayOf<D>;
    let i = 0;
    // Four outputs at a time where all four read only received inputs and all their taps: four
    // independent sums in flight instead of one chain of dependent adds (the chain's add latency
    // bounded the loop), each still summed n ascending, so the bits are those of #one.
    for (; i + 4 <= count && this.#interior(this.#next + i); i += 4) {
      this.#four(this.#next + i, out, i);
    }
    for (; i < count; i++) {
      out[i] = this.#one(this.#next + i);
    }
    this.#next += count;
    this.#dropUnneeded();
    return out;
  }

  /** Whether outputs m .. m+3 read only inputs in [0, received) and all of their phase's taps. */
  #interior(m: number): boolean {
    const { up, down, halfLen } = this.ratio;
    // nLast grows with m: the first output bounds the left end (with the longest phase), the
    // last the right end.
    const firstLast = Math.floor((m * down + halfLen) / up);
    const lastLast = Math.floor(((m + 3) * down + halfLen) / up);
    return firstLast - this.#longest + 1 >= 0 && lastLast < this.samplesIn;
  }

  /** Output m: sum over its inputs n ascending of x[n] * taps[nLast - n] (x = 0 outside the signal). */
  #one(m: number): number {
    const { up, down, halfLen } = this.ratio;
    const t = m * down + halfLen;
    const nLast = Math.floor(t / up); // newest input this output reads (tap index t mod up)
    const taps = this.#phases[t - nLast * up]!;
    // Input n reads taps[nLast - n]; keep n inside [0, received) and the phase's taps.
    const nFirst = Math.max(0, nLast - taps.length + 1);
    const nStop = Math.min(this.samplesIn, nLast + 1);
    const history = this.#history;
    const base = this.#base;
    let acc = 0;
    for (let n = nFirst; n < nStop; n++) {
      acc += history[n - base]! * taps[nLast - n]!;
    }
    return acc;
  }

  /** Outputs m .. m+3, all interior: the same sums as #one, interleaved. */
  #four(m: number, out: ArrayOf<D>, at: number): void {
    const { up, down, halfLen } = this.ratio;
    const history = this.#history;
    const base = this.#base;
    const t0 = m * down + halfLen;
    const t1 = t0 + down;
    const t2 = t1 + down;
    const t3 = t2 + down;
    const l0 = Math.floor(t0 / up);
    const l1 = Math.floor(t1 / up);
    const l2 = Math.floor(t2 / up);
    const l3 = Math.floor(t3 / up);
    // Reversed phases: r[k] = taps[len - 1 - k], so input nFirst + k reads r[k].
    const r0 = this.#reversed[t0 - l0 * up]!;
    const r1 = this.#reversed[t1 - l1 * up]!;
    const r2 = this.#reversed[t2 - l2 * up]!;
    const r3 = this.#reversed[t3 - l3 * up]!;
    const f0 = l0 - r0.length + 1 - base;
    const f1 = l1 - r1.length + 1 - base;
    const f2 = l2 - r2.length + 1 - base;
    const f3 = l3 - r3.length + 1 - base;
    const shared = Math.min(r0.length, r1.length, r2.length, r3.length);
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let k = 0;
    for (; k < shared; k++) {
      a0 += history[f0 + k]! * r0[k]!;
      a1 += history[f1 + k]! * r1[k]!;
      a2 += history[f2 + k]! * r2[k]!;
      a3 += history[f3 + k]! * r3[k]!;
    }
    for (let j = k; j < r0.length; j++) a0 += history[f0 + j]! * r0[j]!;
    for (let j = k; j < r1.length; j++) a1 += history[f1 + j]! * r1[j]!;
    for (let j = k; j < r2.length; j++) a2 += history[f2 + j]! * r2[j]!;
    for (let j = k; j < r3.length; j++) a3 += history[f3 + j]! * r3[j]!;
    out[at] = a0;
    out[at + 1] = a1;
    out[at + 2] = a2;
    out[at + 3] = a3;
  }

  /** Forgets inputs older than the first one the next output reads. */
  #dropUnneeded(): void {
    const { up, down, halfLen } = this.ratio;
    const t = this.#next * down + halfLen;
    const nLast = Math.floor(t / up);
    const firstNeeded = Math.max(0, nLast - this.#phases[t - nLast * up]!.length + 1);
    const drop = Math.min(this.#count, firstNeeded - this.#base);
    if (drop <= 0) {
      return;
    }
    this.#history.copyWithin(0, drop, this.#count);
    this.#base += drop;
    this.#count -= drop;
  }

  #checkOpen(method: string): void {
    if (this.#ended) {
      fail({ code: 'LIFETIME', kernel: `Resampler.${method}`, problem: 'the stream has ended', expected: 'push() and end() before end()', received: `${method}() after end()`, hint: 'create a new Resampler for a new stream' });
    }
  }
}

/**
 * Resamples a whole signal: the streaming Resampler fed once, so the output is the same bit
 * for bit as any chunked run (float64 arithmetic, output in `dtype`, float32 by default).
 * @example const y = resample(x44k, 44100, 16000); // y.length === Math.ceil(x44k.length * 160 / 441)
 * @throws ARGUMENT as the Resampler does
 */
export function resample<D extends ResampleDType = 'float32'>(x: Float32Array | Float64Array, from: number, to: number, options: { dtype?: D } = {}): ArrayOf<D> {
  const rs = new Resampler<D>({ from, to, ...options });
  const body = rs.push(x);
  return concat([body, rs.end()], rs.dtype);
}

/** phases[p] = [up*taps[p], up*taps[p+up], ...] (resample_poly multiplies the taps by up first). */
function splitPhases(taps: Float64Array, up: number): Float64Array[] {
  const phases: Float64Array[] = [];
  for (let p = 0; p < up; p++) {
    const phase = new Float64Array(Math.ceil((taps.length - p) / up));
    for (let j = 0; j < phase.length; j++) {
      phase[j] = taps[p + j * up]! * up;
    }
    phases.push(phase);
  }
  return phases;
}

function concat<D extends ResampleDType>(parts: ArrayOf<D>[], dtype: D): ArrayOf<D> {
  if (parts.length === 1) {
    return parts[0]!;
  }
  let total = 0;
  for (const p of parts) {
    total += p.length;
  }
  const out = (dtype === 'float64' ? new Float64Array(total) : new Float32Array(total)) as ArrayOf<D>;
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function describeChunk(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return String(value);
  }
  return (value as object).constructor?.name ?? 'object';
}
