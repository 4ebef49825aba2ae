/**
 * A bounds-checked reader over the bytes of a WebAssembly binary: bytes, LEB128 integers and
 * names. Every read checks the bytes are there and every length is checked against what is
 * left before anything is skipped or decoded, so truncated or hostile input ends in a FORMAT
 * error after at most one pass over the bytes, and nothing is allocated from a length the
 * input does not hold. Spec: WebAssembly Core 2.0, section 5.2 (values).
 */
import { fail } from '../../errors.js';

export class Cursor {
  private readonly bytes: Uint8Array;
  /** Where the reader is (bytes from the start of the binary). */
  pos: number;
  /** Where the current section ends (exclusive). */
  end: number;
  private readonly source: string;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(bytes: Uint8Array, source: string) {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.source = source;
  }

  /** Bytes left before `end`. */
  get left(): number {
    return this.end - this.pos;
  }

  /**
   * Throws FORMAT naming the byte offset of the problem.
   * @throws FORMAT always
   */
  fail(problem: string, expected?: string, received?: string, at = this.pos): never {
    return fail({
      code: 'FORMAT',
      kernel: 'wasm',
      problem: `${this.source}: ${problem} at byte ${at}`,
      ...(expected === undefined ? {} : { expected }),
      ...(received === undefined ? {} : { received }),
      hint: 'the bytes are not a complete WebAssembly module; rebuild it',
    });
  }

  byte(): number {
    if (this.pos >= this.end) {
      this.fail('truncated', 'one more byte', 'the end of the section or file');
    }
    return this.bytes[this.pos++]!;
  }

  /** Advances past `count` bytes, checking they are there. */
  skip(count: number, what: string): void {
    if (count > this.left) {
      this.fail(`truncated ${what}`, `${count} bytes`, `${this.left} left`);
    }
    this.pos += count;
  }

  /** An unsigned LEB128 of at most 32 bits (at most 5 bytes). */
  u32(): number {
    const at = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      // Multiplication, not <<, so values up to 2^32 - 1 stay positive.
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (i === 4 && b > 0x0f) {
          this.fail('an unsigned 32-bit LEB128 that overflows', 'a value below 2^32', `last byte 0x${b.toString(16)}`, at);
        }
        return value;
      }
    }
    return this.fail('an unsigned 32-bit LEB128 longer than 5 bytes', undefined, undefined, at);
  }

  /** A signed LEB128 of at most 32 bits (at most 5 bytes), as a JS number. */
  s32(): number {
    const at = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        if (i === 4) {
          // Bits 4-6 of the fifth byte are past bit 31: they must repeat the sign bit (bit 3).
          const high = b & 0x78;
          if (high !== 0 && high !== 0x78) {
            this.fail('a signed 32-bit LEB128 that overflows', 'a value in [-2^31, 2^31)', `last byte 0x${b.toString(16)}`, at);
          }
          return value;
        }
        return b & 0x40 ? value | (-1 << (7 * (i + 1))) : value;
      }
    }
    return this.fail('a signed 32-bit LEB128 longer than 5 bytes', undefined, undefined, at);
  }

  /** Skips a signed LEB128 of at most 64 bits (at most 10 bytes); its value is never needed here. */
  skipS64(): void {
    const at = this.pos;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if ((b & 0x80) === 0) {
        // The tenth byte holds bit 63 only: the rest must repeat it.
        if (i === 9 && b !== 0 && b !== 0x7f) {
          this.fail('a signed 64-bit LEB128 that overflows', undefined, undefined, at);
        }
        return;
      }
    }
    this.fail('a signed 64-bit LEB128 longer than 10 bytes', undefined, undefined, at);
  }

  /**
   * A vector's element count, checked against the bytes left: every element takes at least
   * `minBytes`, so a count the input cannot hold is refused before any loop or allocation.
   */
  count(what: string, minBytes = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (n * minBytes > this.left) {
      this.fail(`a count of ${n} ${what} that the bytes cannot hold`, `at most ${Math.floor(this.left / minBytes)}`, String(n), at);
    }
    return n;
  }

  /** A name: a length-prefixed UTF-8 string. */
  name(): string {
    const at = this.pos;
    const length = this.u32();
    this.skip(length, 'name');
    try {
      return this.utf8.decode(this.bytes.subarray(this.pos - length, this.pos));
    } catch {
      return this.fail('a name that is not valid UTF-8', undefined, undefined, at);
    }
  }
}
