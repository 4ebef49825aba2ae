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

/** Runs `l` on the threads its size deserves. Callers checked `space()` in supports(). */
export function launch(ctx: WasmContext, l: Launch): void {
  const merged = mergeDims(l.shape, [...l.inputs.map((i) => i.strides), rowStrides(l.shape)]);
  const threads = ctx.threadsFor(sizeOf(l.shape));
  const split = merged.shape.length === 1 ? splitRow(merged.shape[0]!, threads) : null;
  if (split === null) {
    const padded = padTo(merged, 4);
    if (padded === null) {
      throw new Error(`internal: ${l.exportName} launched on a view of more than 4 merged dims`);
    }
    run(ctx, l, padded, l.inputs.map((i) => i.pointer), l.output.pointer, threads);
    return;
  }
  // [n] -> [blocks, block]: strides follow (a broadcast stride 0 stays 0).
  const steps = merged.strides.map((s) => s[0]!);
  const blocked: Merged = { shape: [split.blocks, split.block], strides: steps.map((s) => [s * split.block, s]) };
  run(ctx, l, padTo(blocked, 4)!, l.inputs.map((i) => i.pointer), l.output.pointer, threads);
  if (split.tail > 0) {
    const done = split.blocks * split.block;
    const tail: Merged = { shape: [split.tail], strides: steps.map((s) => [s]) };
    const pointers = l.inputs.map((i, k) => i.pointer + done * steps[k]! * i.bytes);
    run(ctx, l, padTo(tail, 4)!, pointers, l.output.pointer + done * l.output.bytes, 1);
  }
}

function run(ctx: WasmContext, l: Launch, s: Merged, pointers: readonly number[], output: number, threads: number): void {
  const [d0, d1, d2, d3] = s.shape as [number, number, number, number];
  const rows = d0 * d1 * d2;
  const operands = pointers.flatMap((p, k) => [p, ...s.strides[k]!]);
  ctx.pool.parallel(l.exportName, (t) => {
    const range = t < threads ? rowRange(rows, threads, t) : null;
    return range === null ? null : [...l.lead, ...operands, output, d1, d2, d3, ...range];
  });
}
