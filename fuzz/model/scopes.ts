/**
 * Scopes for the API fuzzer. A sync scope runs a few operations inside `hp.scope(() => ...)`
 * and returns some handles (or throws). An async scope is opened by one command and closed by a
 * later one; in between, commands may run inside it: its body is a loop that awaits jobs and
 * runs each in the scope's own async context, so several async scopes are open and interleaved
 * at once (siblings and nested ones), which is what real concurrent `scope(async ...)` code does.
 */
import { checkError, fails, ModelViolation, OK, attempt } from './expect.js';
import type { Context, Handle, MFrame, World } from './world.js';

interface Job {
  readonly run: () => unknown;
  readonly done: (ok: boolean, value: unknown) => void;
  readonly last: boolean;
}

type Settled = { ok: boolean; value?: unknown; error?: unknown };

/** An open `hp.scope(async ...)`: a context commands can run in until close(). */
class AsyncScope implements Context {
  readonly name: string;
  readonly frame: MFrame;
  private readonly queue: Job[] = [];
  private wake: (() => void) | undefined;
  readonly settled: Promise<Settled>;

  constructor(w: World, name: string, frame: MFrame) {
    this.name = name;
    this.frame = frame;
    const body = async (): Promise<unknown> => {
      for (;;) {
        const job = await this.next();
        if (job.last) {
          // The scope's return value (or its error) is the job's own.
          return job.run();
        }
        try {
          job.done(true, job.run());
        } catch (error) {
          job.done(false, error);
        }
      }
    };
    // Attach handlers at once: a rejected scope must never be an unhandled rejection.
    this.settled = w.hp.scope(body).then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
  }

  private next(): Promise<Job> {
    const job = this.queue.shift();
    if (job !== undefined) {
      return Promise.resolve(job);
    }
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve(this.queue.shift()!);
      };
    });
  }

  private post(job: Job): void {
    this.queue.push(job);
    this.wake?.();
  }

  exec<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.post({ run: fn, last: false, done: (ok, value) => (ok ? resolve(value as T) : reject(value)) });
    });
  }

  /** Ends the body with `value()` as its return value (or its throw); resolves when the scope has settled. */
  close(value: () => unknown): Promise<Settled> {
    this.post({ run: value, last: true, done: () => undefined });
    return this.settled;
  }
}

function pickKept(w: World, picks: readonly number[], own: ReadonlySet<Handle>): Handle[] {
  // Mostly handles of this scope's own, sometimes any handle (outer, released, other scopes').
  const mine = [...own];
  if (w.handles.length === 0) {
    return [];
  }
  return picks.map((p, i) => (mine.length > 0 && i % 3 !== 2 ? mine[p % mine.length]! : w.handle(p)));
}

/** The shape a scope returns its tensors in: an array, an object, or one tensor. */
function wrap(kept: readonly Handle[], shape: number): unknown {
  const reals = kept.map((h) => h.real);
  if (shape === 0 && reals.length === 1) {
    return reals[0];
  }
  return shape === 1 ? { first: reals[0], rest: reals.slice(1) } : reals;
}

/** A nested frame of `parent` in the model. */
function frameIn(parent: MFrame | undefined): MFrame {
  return { parent, closed: false, handles: new Set() };
}

/**
 * hp.scope(() => { ...ops; return some handles }) run in `ctx`, or throwing a coded error at
 * the end (then everything it made is released and the error reaches the caller unchanged).
 */
export async function syncScope(w: World, ctx: Context, ops: readonly ((frame: MFrame) => void)[], picks: readonly number[], shape: number, throws: boolean): Promise<void> {
  await ctx.exec(() => {
    const frame = frameIn(ctx.frame);
    let kept: Handle[] = [];
    let result: unknown;
    try {
      result = w.hp.scope(() => {
        for (const op of ops) {
          op(frame);
        }
        if (throws) {
          w.hp.empty([-1]);
        }
        kept = pickKept(w, picks, frame.handles);
        return wrap(kept, shape);
      });
    } catch (error) {
      if (!throws) {
        throw error;
      }
      checkError(w.tally, 'scope(sync) throwing', fails('SHAPE'), error);
      w.closeFrame(frame, new Set());
      return;
    }
    if (throws) {
      throw new ModelViolation('scope(sync): the body threw, but scope() returned');
    }
    w.tally.count('scope(sync)', 'ok');
    checkReturned(result, kept, shape);
    w.closeFrame(frame, new Set(kept));
  });
}

function checkReturned(result: unknown, kept: readonly Handle[], shape: number): void {
  const want = wrap(kept, shape);
  const same = JSON.stringify(Object.keys(want as object)) === JSON.stringify(Object.keys(result as object));
  if (!same && result !== want) {
    throw new ModelViolation('scope: did not return its body\'s value unchanged');
  }
}

/** Opens hp.scope(async ...) inside `ctx` (nested in ctx's scope, or at the top). */
export async function openAsync(w: World, ctx: Context, serial: number): Promise<void> {
  const frame = frameIn(ctx.frame);
  const scope = await ctx.exec(() => attempt(w.tally, 'scope(async) open', OK, () => new AsyncScope(w, `async#${serial}`, frame)));
  w.scopes.push(scope!);
}

/** Ends an open async scope with some handles as its value, or with a coded throw. */
export async function closeAsync(w: World, pick: number, picks: readonly number[], shape: number, throws: boolean): Promise<void> {
  const index = pick % w.scopes.length;
  const scope = w.scopes[index]! as AsyncScope;
  w.scopes.splice(index, 1);
  // Counted: closing while a scope that is neither inside nor around this one is open.
  if (w.scopes.some((other) => !related(other.frame, scope.frame))) {
    w.tally.count('scope(async) overlapping', 'closed');
  }
  let kept: Handle[] = [];
  const settled = await scope.close(() => {
    if (throws) {
      w.hp.empty([-1]);
    }
    kept = pickKept(w, picks, scope.frame.handles);
    return wrap(kept, shape);
  });
  if (throws) {
    if (settled.ok) {
      throw new ModelViolation(`${scope.name}: the body threw, but the scope resolved`);
    }
    checkError(w.tally, 'scope(async) throwing', fails('SHAPE'), settled.error);
    w.closeFrame(scope.frame, new Set());
    return;
  }
  if (!settled.ok) {
    checkError(w.tally, 'scope(async) close', OK, settled.error);
  }
  w.tally.count('scope(async) close', 'ok');
  checkReturned(settled.value, kept, shape);
  w.closeFrame(scope.frame, new Set(kept));
}

function related(a: MFrame | undefined, b: MFrame): boolean {
  const chain = (f: MFrame | undefined): MFrame[] => (f === undefined ? [] : [f, ...chain(f.parent)]);
  return chain(a).includes(b) || (a !== undefined && chain(b).includes(a));
}

/** Closes every open scope (innermost last opened first) with nothing returned. */
export async function closeAll(w: World): Promise<void> {
  while (w.scopes.length > 0) {
    await closeAsync(w, w.scopes.length - 1, [], 2, false);
  }
}
