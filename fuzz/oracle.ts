/**
 * The oracle every parser fuzz target applies to each input: the parser either returns a
 * valid result or throws a HotpathError with a known code. Anything else is a finding, thrown
 * on as an Error so the fuzzer (or the regression test) stops on it:
 * - any other exception (TypeError, RangeError, an Error from a dependency, ...);
 * - an allocation the input's size does not justify: the CPU heap growing past its initial
 *   size by more than the target's bound for an input of that length (a 100-byte file must
 *   never make it reserve gigabytes), or JavaScript ArrayBuffers beyond the same bound;
 * - a hang, caught by the fuzzer's per-input timeout (fuzz/run.mjs sets it).
 *
 * Each target counts its executions and its coded rejections by code; fuzz/run.mjs reads them
 * from the file named by HOTPATH_FUZZ_STATS (written every half second and at exit).
 */
import { writeFileSync } from 'node:fs';
import { HotpathError, type ErrorCode } from '../src/errors.js';

const CODES: ReadonlySet<ErrorCode> = new Set(['SHAPE', 'DTYPE', 'LAYOUT', 'LIFETIME', 'BACKEND', 'FORMAT', 'ARGUMENT', 'MISMATCH', 'MEMORY', 'IO']);
/** Bytes any input may cost beyond its bound (parser state, small tensors, headers). */
const SLACK_BYTES = 16 << 20;
/** process.memoryUsage() costs ~70 us: look at ArrayBuffers every this many inputs. */
const ARRAY_BUFFER_SAMPLE = 256;
const FLUSH_MS = 500;

export interface TargetStats {
  readonly target: string;
  executions: number;
  accepted: number;
  rejected: Record<string, number>;
}

export interface Target {
  readonly name: string;
  /** Runs one input through the parser; returns normally for a valid result. */
  readonly parse: (data: Uint8Array) => void;
  /** Most bytes the parser may allocate for an input of `length` bytes, beyond SLACK_BYTES. */
  readonly bound: (length: number) => number;
  /** Bytes of the CPU heap now (its WebAssembly memory), for targets that allocate tensors there. */
  readonly heapBytes?: () => number;
}

/** A finding: the oracle's verdict, with what was seen. */
export class Finding extends Error {
  override readonly name = 'Finding';
}

/**
 * One input through the oracle: the rejection's code, or undefined when the parser accepted it.
 * @throws Finding or the parser's own non-coded exception
 */
export function judge(target: Target, data: Uint8Array, heapBefore: number, sampleArrayBuffers: boolean): ErrorCode | undefined {
  const arrayBuffersBefore = sampleArrayBuffers ? process.memoryUsage().arrayBuffers : 0;
  let code: ErrorCode | undefined;
  try {
    target.parse(data);
  } catch (error) {
    if (!(error instanceof HotpathError) || !CODES.has(error.code)) {
      throw error;
    }
    code = error.code;
  }
  const limit = target.bound(data.length) + SLACK_BYTES;
  const heapNow = target.heapBytes?.() ?? 0;
  if (heapNow - heapBefore > limit) {
    throw new Finding(`${target.name}: the CPU heap grew by ${heapNow - heapBefore} bytes for a ${data.length}-byte input (bound ${limit})`);
  }
  if (sampleArrayBuffers) {
    const grown = process.memoryUsage().arrayBuffers - arrayBuffersBefore;
    if (grown > limit) {
      throw new Finding(`${target.name}: ArrayBuffers grew by ${grown} bytes for a ${data.length}-byte input (bound ${limit})`);
    }
  }
  return code;
}

/**
 * The `fuzz` function jazzer calls for `target`, counting executions and codes.
 * @example export const fuzz = fuzzer(target);
 */
export function fuzzer(target: Target): (data: Buffer) => void {
  const stats: TargetStats = { target: target.name, executions: 0, accepted: 0, rejected: {} };
  const file = process.env.HOTPATH_FUZZ_STATS;
  let flushed = Date.now();
  const flush = (): void => {
    if (file !== undefined) {
      writeFileSync(file, JSON.stringify(stats));
    }
  };
  process.on('exit', flush);
  return (data: Buffer): void => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const heapBefore = target.heapBytes?.() ?? 0;
    const code = judge(target, bytes, heapBefore, stats.executions % ARRAY_BUFFER_SAMPLE === 0);
    stats.executions++;
    if (code === undefined) {
      stats.accepted++;
    } else {
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    }
    const now = Date.now();
    if (now - flushed >= FLUSH_MS) {
      flushed = now;
      flush();
    }
  };
}
