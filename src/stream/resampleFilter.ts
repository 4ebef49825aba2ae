/**
 * The anti-aliasing filter of the polyphase resampler, designed as scipy.signal.resample_poly
 * designs it (SciPy 1.10): the rate ratio reduced by its gcd to up/down, then
 *
 *   taps = firwin(2*half_len + 1, 1/max(up, down), window=('kaiser', 5.0)),  half_len = 10*max(up, down)
 *
 * i.e. taps[k] = f_c*sinc(f_c*m) * kaiser(L, 5.0)[k] with m = k - half_len and f_c = 1/max(up, down),
 * normalised so the taps sum to 1 (firwin's scaling for a lowpass: unit gain at DC). All in
 * float64; the Kaiser window uses the power series of the modified Bessel function I0.
 */
import { fail } from '../errors.js';

/** Kaiser window shape parameter resample_poly uses by default (`window=('kaiser', 5.0)`). */
export const KAISER_BETA = 5.0;

/**
 * The largest max(up, down) accepted after reduction. The filter has 20*max+1 taps (float64),
 * so this bounds it at about 1.3 M taps (10.5 MiB, twice with the polyphase copy). Ratios such
 * as 44100 -> 44101 reduce to 44101/44100 and still fit; coprime rates in the millions do not.
 */
export const MAX_RATE_FACTOR = 65_536;

/** A rate conversion reduced to lowest terms, with the filter's size. */
export interface RateRatio {
  /** Upsampling factor (output rate / gcd). */
  readonly up: number;
  /** Downsampling factor (input rate / gcd). */
  readonly down: number;
  /** Taps on each side of the centre: 10 * max(up, down). */
  readonly halfLen: number;
}

/**
 * Reduces `from -> to` (Hz, positive integers) to up/down.
 * @example rateRatio(44100, 16000) // { up: 160, down: 441, halfLen: 4410 }
 * @throws ARGUMENT for rates that are not positive safe integers, or a ratio whose filter would
 *   exceed MAX_RATE_FACTOR (e.g. 1_000_003 -> 16_000)
 */
export function rateRatio(from: number, to: number, where = 'resample'): RateRatio {
  checkRate(from, 'from', where);
  checkRate(to, 'to', where);
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  const factor = Math.max(up, down);
  if (factor > MAX_RATE_FACTOR) {
    fail({
      code: 'ARGUMENT',
      kernel: where,
      problem: `the ratio ${from} -> ${to} Hz reduces to ${up}/${down}, whose filter would have ${20 * factor + 1} taps`,
      expected: `max(up, down) <= ${MAX_RATE_FACTOR} after dividing both rates by their gcd`,
      received: `max(up, down) = ${factor}`,
      hint: 'round the input rate to a nearby rate with a larger common divisor, or resample in two steps',
    });
  }
  return { up, down, halfLen: 10 * factor };
}

function checkRate(rate: number, name: string, where: string): void {
  if (typeof rate !== 'number' || !Number.isSafeInteger(rate) || rate <= 0) {
    fail({
      code: 'ARGUMENT',
      kernel: where,
      problem: `the ${name} rate must be a positive integer number of Hz`,
      expected: 'an integer >= 1, e.g. 16000',
      received: describe(rate),
    });
  }
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${String(value)}`;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/**
 * The modified Bessel function of the first kind, order 0, by its power series
 * I0(x) = sum_k ((x/2)^k / k!)^2, summed until a term no longer changes the sum (float64).
 * For the arguments used here (|x| <= 5) that is about 20 terms and exact to a few ulps.
 */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    const next = sum + term;
    if (next === sum) {
      break;
    }
    sum = next;
  }
  return sum;
}

/**
 * The taps of resample_poly's lowpass for a reduced ratio (float64, length 2*halfLen+1).
 * @example firwinKaiser(rateRatio(48000, 16000)) // 61 taps, summing to 1
 */
export function firwinKaiser(ratio: RateRatio): Float64Array {
  const { halfLen } = ratio;
  const length = 2 * halfLen + 1;
  const cutoff = 1 / Math.max(ratio.up, ratio.down); // of Nyquist (firwin's default fs = 2)
  const alpha = (length - 1) / 2; // = halfLen: the window's and the sinc's centre
  const i0Beta = besselI0(KAISER_BETA);
  const taps = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const m = k - alpha;
    const r = (k - alpha) / alpha;
    const window = besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
    taps[k] = cutoff * sinc(cutoff * m) * window;
  }
  // firwin scales a lowpass to unit gain at DC: divide by the sum of the taps, summed in order.
  let sum = 0;
  for (let k = 0; k < length; k++) {
    sum += taps[k]!;
  }
  for (let k = 0; k < length; k++) {
    taps[k] = taps[k]! / sum;
  }
  return taps;
}

/** Normalised sinc, sin(pi x) / (pi x), as numpy.sinc defines it (1 at x = 0). */
function sinc(x: number): number {
  if (x === 0) {
    return 1;
  }
  const px = Math.PI * x;
  return Math.sin(px) / px;
}
