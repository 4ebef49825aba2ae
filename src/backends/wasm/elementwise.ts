/**
 * How every element-wise wasm kernel is launched: its operands merged to at most 4 dims, the
 * rows shared among the threads, and one long row (a contiguous tensor of any length) cut into
 * blocks so that it is shared too; the few elements past the last whole block run on the
 * calling thread. Each export takes `lead` (op and type codes, parameters), then per input a
 * pointer and its 4 strides (elements), then the output pointer, d1, d2, d3 and a row range.
 */
import { rowStrides, sizeOf } from '../../tensor/layout.js';
import type { WasmContext } from './context.js';
import { mergeDims, padTo, rowRange, type Merged } from './shape.js';

/** Rows of a split long row: a multiple of 16 elements, so byte kernels keep whole vectors. */
const BLOCKS = [4096, 2048, 1024, 512, 256, 128, 64];

export interface Operand {
  /** Byte offset of the operand's first element in the heap. */
  readonly pointer: number;
  /** Strides in elements over the call's (broadcast) shape. */
  readonly strides: readonly number[];
  readonly bytes: number;
}

export interface Launch {
  readonly exportName: string;
  readonly lead: readonly number[];
  readonly shape: readonly number[];
  readonly inputs: readonly Operand[];
  /** The row-major output. */
  readonly output: { readonly pointer: number; readonly bytes: number };
}

/** The merged 4-d space of a call, or null when its views need more than 4 dims. */
export function space(shape: readonly number[], inputStrides: readonly (readonly number[])[]): Merged | null {
  return padTo(mergeDims(shape, [...inputStrides, rowStrides(shape)]), 4);
}

/**
 * One merged row of n elements as [q, block] (q whole blocks) plus a tail of n - q * block,
 * with a block small enough that every thread gets several rows; null when it stays one row.
 */
export function splitRow(n: number, threads: number): { blocks: number; block: number; tail: number } | null {
  if (threads < 2) {
    return null;
  }
  const block = BLOCKS.find((b) => n / b >= 4 * threads) ?? BLOCKS.find((b) => n / b >= threads);
  if (block === undefined) {
    return null;
  }
  const blocks = Math.floor(n / block);
  return { blocks, block, tail: n - blocks * block };
}

/** One launch of an element-wise export: a 4-d space, its operands' pointers and its threads. */
export interface Piece {
  readonly space: Merged;
  /** Byte offsets of the inputs' first elements in this piece. */
  readonly pointers: readonly number[];
  readonly output: number;
  readonly threads: number;
}

/**
 * How a call of `shape` is launched: one 4-d space on the threads its size deserves, or a long
 * row cut into blocks shared by the threads plus a tail piece on the calling thread. Callers
 * checked `space()` in supports().
 */
export function pieces(ctx: WasmContext, shape: readonly number[], inputs: readonly Operand[], output: { readonly pointer: number; readonly bytes: number }): Piece[] {
  const merged = mergeDims(shape, [...inputs.map((i) => i.strides), rowStrides(shape)]);
  const threads = ctx.threadsFor(sizeOf(shape));
  const split = merged.shape.length === 1 ? splitRow(merged.shape[0]!, threads) : null;
  const pointers = inputs.map((i) => i.pointer);
  if (split === null) {
    const padded = padTo(merged, 4);
    if (padded === null) {
      throw new Error('internal: an element-wise kernel launched on a view of more than 4 merged dims');
    }
    return [{ space: padded, pointers, output: output.pointer, threads }];
  }
  // [n] -> [blocks, block]: strides follow (a broadcast stride 0 stays 0).
  const steps = merged.strides.map((s) => s[0]!);
  const blocked: Merged = { shape: [split.blocks, split.block], strides: steps.map((s) => [s * split.block, s]) };
  const all: Piece[] = [{ space: padTo(blocked, 4)!, pointers, output: output.pointer, threads }];
  if (split.tail > 0) {
    const done = split.blocks * split.block;
    const tail: Merged = { shape: [split.tail], strides: steps.map((s) => [s]) };
    all.push({ space: padTo(tail, 4)!, pointers: inputs.map((i, k) => i.pointer + done * steps[k]! * i.bytes), output: output.pointer + done * output.bytes, threads: 1 });
  }
  return all;
}

/** Runs `l` on the threads its size deserves. Callers checked `space()` in supports(). */
export function launch(ctx: WasmContext, l: Launch): void {
  for (const piece of pieces(ctx, l.shape, l.inputs, l.output)) {
    run(ctx, l, piece);
  }
}

function run(ctx: WasmContext, l: Launch, p: Piece): void {
  const [d0, d1, d2, d3] = p.space.shape as [number, number, number, number];
  const rows = d0 * d1 * d2;
  const operands = p.pointers.flatMap((pointer, k) => [pointer, ...p.space.strides[k]!]);
  ctx.pool.parallel(l.exportName, (t) => {
    const range = t < p.threads ? rowRange(rows, p.threads, t) : null;
    return range === null ? null : [...l.lead, ...operands, p.output, d1, d2, d3, ...range];
  });
}
