/**
 * The calling convention of compiled user kernels, declared once: codegen.ts prints each export's
 * parameter list from these signatures and the host launchers (wasm glue) build their argument
 * lists from the same ones, by name, so the two sides cannot disagree on count or order.
 *
 * Every export's first parameter is `desc`: the byte offset in the heap of the kernel's block of
 * float32 words, `params` first (in declaration order), then the compiled constants (see
 * CompiledKernel.constants), which the generated code loads once before its loops.
 */
import type { KernelKind } from './kernel.js';

export type WasmType = 'i32' | 'f32' | 'f64';

export interface Param {
  readonly name: string;
  readonly type: WasmType;
  /** A byte offset in the heap (usize in AssemblyScript; i32 in wasm32). */
  readonly pointer?: true;
}

/** One export of a compiled kernel module: its name and parameters in order; no result. */
export interface Signature {
  readonly name: string;
  readonly params: readonly Param[];
}

const i32 = (name: string): Param => ({ name, type: 'i32' });
const ptr = (name: string): Param => ({ name, type: 'i32', pointer: true });

/** Per input of an element-wise kernel: a byte pointer and four strides in elements. */
function strided(k: number): Param[] {
  return [ptr(`p${k}`), i32(`s${k}_0`), i32(`s${k}_1`), i32(`s${k}_2`), i32(`s${k}_3`)];
}

/**
 * The exports of a kernel of `kind` with `inputs` inputs.
 * - map `run`: inputs over a merged 4-d space [d0, d1, d2, d3] (strides in elements), a
 *   row-major float32 output `out`, rows [rowStart, rowEnd) of d0*d1*d2 rows of d3 elements.
 * - reduce `run`: the same space; rows are grouped in chunks of `chunkRows` and chunk c's
 *   combined value is written to `partials` (float64) at index c; rowStart is a multiple of
 *   chunkRows. The host combines the partials in index order, so the result does not depend on
 *   how the rows were shared among threads.
 * - rows `run`: input k is rows of `n` contiguous float32 at `x{k}` + r * `rs{k}` elements; the
 *   output row r at `out` + r * `ors` elements.
 * - pairwise `run`: x [rows, d] (row stride xrs), y [m, d] (row stride yrs), out [rows, m]
 *   row-major; `assign`: for each row of x the index of the nearest row of y (int32, first on
 *   ties) into `labels` and its distance (float32) into `best`.
 */
export function signaturesOf(kind: KernelKind, inputs: number): Signature[] {
  const range = [i32('rowStart'), i32('rowEnd')];
  const desc = ptr('desc');
  switch (kind) {
    case 'map':
      return [{ name: 'run', params: [desc, ...Array.from({ length: inputs }, (_, k) => strided(k)).flat(), ptr('out'), i32('d1'), i32('d2'), i32('d3'), ...range] }];
    case 'reduce':
      return [{ name: 'run', params: [desc, ...Array.from({ length: inputs }, (_, k) => strided(k)).flat(), ptr('partials'), i32('d1'), i32('d2'), i32('d3'), i32('chunkRows'), ...range] }];
    case 'rows':
      return [{ name: 'run', params: [desc, ...Array.from({ length: inputs }, (_, k) => [ptr(`x${k}`), i32(`rs${k}`)]).flat(), ptr('out'), i32('ors'), i32('n'), ...range] }];
    case 'pairwise': {
      const pair = [desc, ptr('x'), i32('xrs'), ptr('y'), i32('yrs'), i32('d'), i32('m')];
      return [
        { name: 'run', params: [...pair, ptr('out'), ...range] },
        { name: 'assign', params: [...pair, ptr('labels'), ptr('best'), ...range] },
      ];
    }
  }
}

/** Arguments for `signature` from named values; throws on a missing or non-integer one (our bug). */
export function argumentsOf(signature: Signature, values: Readonly<Record<string, number>>): number[] {
  return signature.params.map((p) => {
    const v = values[p.name];
    if (v === undefined || (p.type === 'i32' && !Number.isInteger(v))) {
      throw new Error(`internal: ${signature.name}(${signature.params.map((q) => q.name).join(', ')}) got ${p.name} = ${String(v)}`);
    }
    return v;
  });
}

/** What compiling one kernel gives: the module and what the host needs to run it. */
export interface CompiledKernel {
  readonly name: string;
  readonly kind: KernelKind;
  /** Number of tensor inputs (pairwise: 2). */
  readonly inputs: number;
  /** A module importing only `env.memory` (shared) and `env.abort`. */
  readonly wasm: Uint8Array;
  readonly exports: readonly Signature[];
  /** Words after the params in the `desc` block, as int32 bit patterns (write them with an Int32Array). */
  readonly constants: readonly number[];
  /** Content hash of the generated source and compiler version (the cache key). */
  readonly hash: string;
}
