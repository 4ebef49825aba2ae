/**
 * User kernels on the wasm backend. The definition carries the compiled module (or why there is
 * none, e.g. its compile error when it was loaded with `fallback: 'ref'`); this glue runs it on
 * the backend's threads. Every argument list is built by name from the module's declared
 * signatures (abi.ts argumentsOf), never by position by hand.
 *
 * The kernel's `desc` block (params as float32, then the compiled constants as int32 bit
 * patterns) is written to a heap block for the call. map shares rows as the built-in
 * element-wise kernels do; reduce cuts the space into fixed chunks (a chunk's elements do not
 * depend on the thread count) whose float64 partials are combined here in index order; rows and
 * pairwise share their rows.
 */
import { argumentsOf, type CompiledKernel, type Signature } from '../../user/abi.js';
import type { UserPlan, WasmEntry } from '../../user/define.js';
import { argTakes, isArg, type Combine } from '../../user/kernel.js';
import type { Inputs, Plan } from '../../kernels/kernel.js';
import { sizeOf } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Support } from '../backend.js';
import { float32Only, layoutDecline, type WasmContext, type WasmImpl } from './context.js';
import { pieces, space } from './elementwise.js';
import { mergeDims, padTo, pointer, rowRange, type Merged } from './shape.js';
import { moduleOf, type UserModule } from './userModule.js';

/** Elements per reduce chunk of a 1-d space: [n] is run as [n / CHUNK, CHUNK] plus a tail chunk. */
export const CHUNK = 4096;

/** The wasm implementation of a user kernel from its `implementations.wasm` entry; undefined for none. */
export function userWasm(entry: unknown): WasmImpl<UserPlan> | undefined {
  if (entry === null || typeof entry !== 'object') {
    return undefined;
  }
  const e = entry as WasmEntry;
  if ('unavailable' in e) {
    return declined(e.unavailable);
  }
  return compiledWasm(e.compiled);
}

function declined(reason: string): WasmImpl<UserPlan> {
  return {
    supports: () => reason,
    run: () => {
      throw new Error(`internal: ${reason}`);
    },
  };
}

function compiledWasm(compiled: CompiledKernel): WasmImpl<UserPlan> {
  return {
    supports: (plan, inputs) => supports(compiled, plan, inputs),
    prepare: (ctx) => {
      moduleOf(ctx, compiled);
    },
    run(ctx, plan, inputs, outputs) {
      const out = outputs[0];
      const p = plan.params;
      const mod = moduleOf(ctx, compiled);
      const desc = writeDesc(ctx, compiled, p.params);
      try {
        const values = { desc };
        switch (p.kind) {
          case 'map':
            return runMap(ctx, mod, signature(compiled, 'run'), values, p, inputs, out!);
          case 'reduce':
            return runReduce(ctx, mod, signature(compiled, 'run'), values, p, inputs, outputs);
          case 'rows':
            return runRows(ctx, mod, signature(compiled, 'run'), values, p, inputs, out!);
          case 'pairwise':
            return p.nearest === true ? runNearest(ctx, mod, signature(compiled, 'assign'), values, p, inputs, outputs) : runPairwise(ctx, mod, signature(compiled, 'run'), values, p, inputs, out!);
        }
      } finally {
        ctx.release(desc);
      }
    },
  };
}

function supports(compiled: CompiledKernel, plan: Plan<UserPlan>, inputs: Inputs): Support {
  const p = plan.params;
  const dtypes = float32Only(inputs);
  if (dtypes !== true) {
    return dtypes;
  }
  if (p.kind !== compiled.kind || p.views.length !== compiled.inputs) {
    return `the compiled module of ${compiled.name} is a ${compiled.kind} kernel of ${compiled.inputs} inputs, not this call's ${p.kind} of ${p.views.length}`;
  }
  if (p.views.some((v) => v.strides.some((s) => s < 0))) {
    return layoutDecline(`wasm ${compiled.name} walks non-negative strides; this view has a negative one`);
  }
  switch (p.kind) {
    case 'map':
      return space(p.space, p.views.map((v) => v.strides)) === null ? layoutDecline(`wasm ${compiled.name} iterates at most 4 dims after merging; this view has more`) : true;
    case 'reduce':
      return padTo(mergeDims(p.space, p.views.map((v) => v.strides)), 4) === null ? layoutDecline(`wasm ${compiled.name} iterates at most 4 dims after merging; this view has more`) : true;
    case 'rows':
    case 'pairwise':
      // Rows are read as `d` adjacent floats: the last axis must be contiguous.
      return p.d <= 1 || p.views.every((v) => v.strides[1] === 1) ? true : layoutDecline(`wasm ${compiled.name} reads each row as adjacent elements; an input's last axis has stride ${p.views.find((v) => v.strides[1] !== 1)!.strides[1]}`);
  }
}

function signature(compiled: CompiledKernel, name: string): Signature {
  const found = compiled.exports.find((s) => s.name === name);
  if (found === undefined) {
    throw new Error(`internal: the compiled module of ${compiled.name} declares no '${name}' export`);
  }
  return found;
}

/** The desc block: params as float32, then the constants' int32 bit patterns. Release it after. */
function writeDesc(ctx: WasmContext, compiled: CompiledKernel, params: readonly number[]): number {
  const words = params.length + compiled.constants.length;
  const desc = ctx.temp(4 * words, `${compiled.name} params`);
  ctx.f32(desc, params.length).set(params);
  ctx.heapI32(desc + 4 * params.length, compiled.constants.length).set(compiled.constants);
  return desc;
}

/** Named values of one input of a strided space: p{k} and s{k}_0..3. */
function strided(k: number, at: number, strides: readonly number[]): Record<string, number> {
  return { [`p${k}`]: at, [`s${k}_0`]: strides[0]!, [`s${k}_1`]: strides[1]!, [`s${k}_2`]: strides[2]!, [`s${k}_3`]: strides[3]! };
}

function runMap(ctx: WasmContext, mod: UserModule, sig: Signature, values: Record<string, number>, p: UserPlan, inputs: Inputs, out: Tensor): void {
  if (sizeOf(p.space) === 0) {
    return;
  }
  const operands = (inputs as readonly Tensor[]).map((t, k) => ({ pointer: pointer(t, p.views[k]!), strides: p.views[k]!.strides, bytes: 4 }));
  for (const piece of pieces(ctx, p.space, operands, { pointer: out.storage.byteOffset, bytes: 4 })) {
    const [d0, d1, d2, d3] = piece.space.shape as [number, number, number, number];
    const named = { ...values, ...Object.assign({}, ...piece.pointers.map((at, k) => strided(k, at, piece.space.strides[k]!))), out: piece.output, d1, d2, d3 };
    mod.parallel('run', (t) => {
      const range = t < piece.threads ? rowRange(d0 * d1 * d2, piece.threads, t) : null;
      return range === null ? null : argumentsOf(sig, { ...named, rowStart: range[0], rowEnd: range[1] });
    });
  }
}

/** One launch of a reduce: a 4-d space cut into chunks of `chunkRows` rows, from `first` on in the partials. */
interface ReducePiece {
  readonly space: Merged;
  readonly pointers: readonly number[];
  readonly chunkRows: number;
  readonly threads: number;
}

function reducePieces(ctx: WasmContext, p: UserPlan, pointers: readonly number[]): ReducePiece[] {
  const n = sizeOf(p.space);
  const merged = mergeDims(p.space, p.views.map((v) => v.strides));
  const threads = ctx.threadsFor(n);
  if (merged.shape.length > 1) {
    const padded = padTo(merged, 4)!;
    return [{ space: padded, pointers, chunkRows: Math.max(1, Math.floor(CHUNK / padded.shape[3]!)), threads }];
  }
  // One run of n elements: [q, CHUNK] shared among the threads, then a tail chunk of the rest.
  // Chunks are cut by element count, never by thread count, so the sum is the same on any.
  const steps = merged.strides.map((s) => s[0] ?? 0);
  const q = Math.floor(n / CHUNK);
  const all: ReducePiece[] = [];
  if (q > 0) {
    all.push({ space: padTo({ shape: [q, CHUNK], strides: steps.map((s) => [s * CHUNK, s]) }, 4)!, pointers, chunkRows: 1, threads });
  }
  if (n > q * CHUNK) {
    all.push({ space: padTo({ shape: [n - q * CHUNK], strides: steps.map((s) => [s]) }, 4)!, pointers: pointers.map((at, k) => at + 4 * q * CHUNK * steps[k]!), chunkRows: 1, threads: 1 });
  }
  return all;
}

function runReduce(ctx: WasmContext, mod: UserModule, sig: Signature, values: Record<string, number>, p: UserPlan, inputs: Inputs, outputs: readonly Tensor[]): void {
  const pointers = (inputs as readonly Tensor[]).map((t, k) => pointer(t, p.views[k]!));
  const all = reducePieces(ctx, p, pointers);
  const chunksOf = (r: ReducePiece): number => Math.ceil((r.space.shape[0]! * r.space.shape[1]! * r.space.shape[2]!) / r.chunkRows);
  const count = all.reduce((c, r) => c + chunksOf(r), 0);
  // argmin / argmax keep a value and an index per chunk.
  const arg = isArg(p.combine);
  const slot = arg ? 16 : 8;
  const partials = ctx.temp(slot * count, 'reduce partials');
  try {
    let first = 0;
    // Where each chunk's indices start in the flat space: a launch's indices start at 0.
    const bases: number[] = [];
    let elements = 0;
    for (const r of all) {
      for (let c = 0; c < chunksOf(r); c++) {
        bases.push(elements);
      }
      elements += r.space.shape.reduce((a, b) => a * b, 1);
    }
    for (const r of all) {
      const [d0, d1, d2, d3] = r.space.shape as [number, number, number, number];
      const named = { ...values, ...Object.assign({}, ...r.pointers.map((at, k) => strided(k, at, r.space.strides[k]!))), partials: partials + slot * first, d1, d2, d3, chunkRows: r.chunkRows };
      mod.parallel('run', (t) => {
        const range = t < r.threads ? rowRange(d0 * d1 * d2, r.threads, t, r.chunkRows) : null;
        return range === null ? null : argumentsOf(sig, { ...named, rowStart: range[0], rowEnd: range[1] });
      });
      first += chunksOf(r);
    }
    if (arg) {
      const [index, value] = outputs as [Tensor, Tensor];
      const best = combinedArg(ctx.f64(partials, 2 * count), bases, p.combine === 'argmax');
      index.data('wasm')[index.offset] = best.index;
      value.data('wasm')[value.offset] = best.value;
    } else {
      const out = outputs[0]!;
      out.data('wasm')[out.offset] = combined(ctx.f64(partials, count), p.combine ?? 'sum');
    }
  } finally {
    ctx.release(partials);
  }
}

/**
 * argmin / argmax over the chunks' (value, index) pairs, in chunk order: the first NaN, else the
 * first smallest (largest); `bases[c]` is where chunk c's indices start in the flat space.
 */
export function combinedArg(partials: Float64Array, bases: readonly number[], largest: boolean): { index: number; value: number } {
  let value = Number.NaN;
  let index = -1;
  for (let c = 0; c < bases.length; c++) {
    const v = partials[2 * c]!;
    const at = partials[2 * c + 1]!;
    // A chunk without elements (index -1) has nothing to offer.
    if (at >= 0 && argTakes(v, value, index >= 0, largest)) {
      value = v;
      index = bases[c]! + at;
    }
  }
  return { index, value };
}

/** The partials combined in index order: a float64 sum, or min / max where NaN wins (Math.min). */
export function combined(partials: Float64Array, how: Combine): number {
  let acc = how === 'sum' ? 0 : how === 'min' ? Infinity : -Infinity;
  for (const v of partials) {
    acc = how === 'sum' ? acc + v : how === 'min' ? Math.min(acc, v) : Math.max(acc, v);
  }
  return acc;
}

function runRows(ctx: WasmContext, mod: UserModule, sig: Signature, values: Record<string, number>, p: UserPlan, inputs: Inputs, out: Tensor): void {
  const [rows, n] = p.shape as [number, number];
  if (rows === 0) {
    return;
  }
  const threads = ctx.threadsFor(rows * n);
  const named: Record<string, number> = { ...values, out: out.storage.byteOffset, ors: n, n };
  (inputs as readonly Tensor[]).forEach((t, k) => {
    named[`x${k}`] = pointer(t, p.views[k]!);
    named[`rs${k}`] = p.views[k]!.strides[0]!;
  });
  mod.parallel('run', (t) => {
    const range = t < threads ? rowRange(rows, threads, t) : null;
    return range === null ? null : argumentsOf(sig, { ...named, rowStart: range[0], rowEnd: range[1] });
  });
}

function runPairwise(ctx: WasmContext, mod: UserModule, sig: Signature, values: Record<string, number>, p: UserPlan, [x, y]: Inputs, out: Tensor): void {
  const [n, m] = p.shape as [number, number];
  if (n * m === 0) {
    return;
  }
  const [xv, yv] = p.views as [UserPlan['views'][0], UserPlan['views'][0]];
  const threads = ctx.threadsFor(n * m * Math.max(1, p.d));
  const named = { ...values, x: pointer(x!, xv), xrs: xv.strides[0]!, y: pointer(y!, yv), yrs: yv.strides[0]!, d: p.d, m, out: out.storage.byteOffset };
  mod.parallel('run', (t) => {
    const range = t < threads ? rowRange(n, threads, t) : null;
    return range === null ? null : argumentsOf(sig, { ...named, rowStart: range[0], rowEnd: range[1] });
  });
}

/** pairwise `.nearest`: the module's `assign` export, rows of x shared among the threads. */
function runNearest(ctx: WasmContext, mod: UserModule, sig: Signature, values: Record<string, number>, p: UserPlan, [x, y]: Inputs, [labels, best]: readonly Tensor[]): void {
  const [n, m] = p.shape as [number, number];
  if (n === 0) {
    return;
  }
  const [xv, yv] = p.views as [UserPlan['views'][0], UserPlan['views'][0]];
  const threads = ctx.threadsFor(n * m * Math.max(1, p.d));
  const named = { ...values, x: pointer(x!, xv), xrs: xv.strides[0]!, y: pointer(y!, yv), yrs: yv.strides[0]!, d: p.d, m, labels: labels!.storage.byteOffset, best: best!.storage.byteOffset };
  mod.parallel('assign', (t) => {
    const range = t < threads ? rowRange(n, threads, t) : null;
    return range === null ? null : argumentsOf(sig, { ...named, rowStart: range[0], rowEnd: range[1] });
  });
}
