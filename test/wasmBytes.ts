/**
 * Hand assembly of small WebAssembly binaries for tests, byte by byte from the spec
 * (WebAssembly Core 2.0, section 5), so the binary reader is checked against bytes it did not
 * write, and the pool gets modules whose every byte the test controls.
 */

/** Value type bytes (spec 5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let rest = n | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) {
      return out;
    }
  }
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: its count, then its items. */
export function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its size, its contents. */
export function section(id: number, contents: readonly number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

/** A function type `(params) -> (results)`. */
export function funcType(params: readonly number[], results: readonly number[]): number[] {
  return [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
}

/** A function body: no locals, then `code` and `end`. */
export function body(code: readonly number[]): number[] {
  const contents = [0x00, ...code, 0x0b];
  return [...uleb(contents.length), ...contents];
}

/** The module header followed by the sections. */
export function wasmModule(sections: readonly number[][]): Uint8Array {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}
