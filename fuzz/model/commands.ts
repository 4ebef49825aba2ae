/**
 * The fast-check commands of the API fuzzer. Each command carries only random numbers; what they
 * pick (a handle, a context, a scope) is resolved against the model when the command runs, so
 * fast-check can drop commands while shrinking and the rest still mean something.
 */
import fc from 'fast-check';
import { kernel, KERNEL_NAMES } from './kernels.js';
import { misuse } from './misuse.js';
import { copy, create, read, release, view } from './ops.js';
import { closeAsync, openAsync, syncScope } from './scopes.js';
import type { MFrame, World } from './world.js';

/** How many async scopes may be open at once. */
const MAX_OPEN_SCOPES = 4;

type Cmd = fc.AsyncCommand<World, World, false>;

/** An operation that can also run inside a sync scope. */
type Op =
  | { readonly kind: 'create'; readonly seed: number }
  | { readonly kind: 'view'; readonly pick: number; readonly seed: number }
  | { readonly kind: 'copy'; readonly pick: number; readonly seed: number }
  | { readonly kind: 'misuse'; readonly pick: number; readonly seed: number }
  | { readonly kind: 'kernel'; readonly name: (typeof KERNEL_NAMES)[number]; readonly picks: readonly [number, number]; readonly seed: number }
  | { readonly kind: 'read'; readonly pick: number; readonly seed: number }
  | { readonly kind: 'release'; readonly pick: number; readonly dispose: boolean };

const seed = fc.nat({ max: 0xffffffff });
const pick = fc.nat({ max: 1 << 20 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), seed }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('view' as const), pick, seed }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), pick, seed }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('misuse' as const), pick, seed }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('kernel' as const), name: fc.constantFrom(...KERNEL_NAMES), picks: fc.tuple(pick, pick), seed }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), pick, seed }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick, dispose: fc.boolean() }) },
);

function needsHandles(op: Op): boolean {
  return op.kind !== 'create';
}

function runOp(w: World, frame: MFrame | undefined, op: Op): void {
  if (w.handles.length === 0 && needsHandles(op)) {
    return;
  }
  switch (op.kind) {
    case 'create':
      return create(w, frame, op.seed);
    case 'view':
      return view(w, frame, op.pick, op.seed);
    case 'copy':
      return copy(w, frame, op.pick, op.seed);
    case 'misuse':
      return misuse(w, op.pick, op.seed);
    case 'kernel':
      return kernel(w, frame, op.name, op.picks, op.seed);
    case 'read':
      return read(w, op.pick, op.seed);
    case 'release':
      return release(w, op.pick, op.dispose);
  }
}

function opText(op: Op): string {
  const { kind, ...rest } = op;
  return `${kind === 'kernel' ? op.name : kind}(${JSON.stringify(rest)})`;
}

/** One operation, run in a context (the top level or an open async scope). */
class OpCommand implements Cmd {
  constructor(
    private readonly ctx: number,
    private readonly op: Op,
  ) {}
  check(w: Readonly<World>): boolean {
    return !needsHandles(this.op) || w.handles.length > 0;
  }
  async run(w: World): Promise<void> {
    const ctx = w.context(this.ctx);
    await ctx.exec(() => runOp(w, ctx.frame, this.op));
    w.verify(this);
  }
  toString(): string {
    return `${opText(this.op)} in ctx ${this.ctx}`;
  }
}

class SyncScopeCommand implements Cmd {
  constructor(
    private readonly ctx: number,
    private readonly ops: readonly Op[],
    private readonly picks: readonly number[],
    private readonly shape: number,
    private readonly throws: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(w: World): Promise<void> {
    const ctx = w.context(this.ctx);
    await syncScope(w, ctx, this.ops.map((op) => (frame: MFrame) => runOp(w, frame, op)), this.picks, this.shape, this.throws);
    w.verify(this);
  }
  toString(): string {
    return `scope(sync ${this.throws ? 'throwing' : `returning ${this.picks.length}`}: ${this.ops.map(opText).join('; ')}) in ctx ${this.ctx}`;
  }
}

class OpenAsyncCommand implements Cmd {
  constructor(private readonly ctx: number) {}
  check(w: Readonly<World>): boolean {
    return w.scopes.length < MAX_OPEN_SCOPES;
  }
  async run(w: World): Promise<void> {
    await openAsync(w, w.context(this.ctx), w.scopes.length);
    w.verify(this);
  }
  toString(): string {
    return `scope(async) open in ctx ${this.ctx}`;
  }
}

class CloseAsyncCommand implements Cmd {
  constructor(
    private readonly pick: number,
    private readonly picks: readonly number[],
    private readonly shape: number,
    private readonly throws: boolean,
  ) {}
  check(w: Readonly<World>): boolean {
    return w.scopes.length > 0;
  }
  async run(w: World): Promise<void> {
    await closeAsync(w, this.pick, this.picks, this.shape, this.throws);
    w.verify(this);
  }
  toString(): string {
    return `scope(async) close #${this.pick} ${this.throws ? 'throwing' : `returning ${this.picks.length}`}`;
  }
}

const ctx = fc.nat({ max: 15 });
const kept = fc.array(pick, { maxLength: 3 });
const shape = fc.nat({ max: 2 });

/** Every command kind, weighted towards plain operations. */
export const COMMANDS: fc.Arbitrary<Cmd>[] = [
  fc.tuple(ctx, opArb).map(([c, op]) => new OpCommand(c, op)),
  fc.tuple(ctx, opArb).map(([c, op]) => new OpCommand(c, op)),
  fc.tuple(ctx, opArb).map(([c, op]) => new OpCommand(c, op)),
  fc.tuple(ctx, fc.array(opArb, { minLength: 1, maxLength: 4 }), kept, shape, fc.boolean()).map(([c, ops, p, s, t]) => new SyncScopeCommand(c, ops, p, s, t)),
  ctx.map((c) => new OpenAsyncCommand(c)),
  fc.tuple(pick, kept, shape, fc.boolean()).map(([p, k, s, t]) => new CloseAsyncCommand(p, k, s, t)),
];
