/**
 * The user kernels one runtime has loaded: each one's definition (defineUser), compiled for the
 * wasm backend when the runtime has it. Owned by one runtime; another runtime knows nothing of
 * them.
 */
import { fail, HotpathError } from '../errors.js';
import { isKernelName } from '../kernels/index.js';
import type { AnyKernelDef } from '../kernels/kernel.js';
import type { CompiledKernel } from '../user/abi.js';
import { defineNearest, defineUser, type WasmEntry } from '../user/define.js';
import type { UserKernel } from '../user/kernel.js';
import { describeValue, optionsOf } from './args.js';

/**
 * What turns a user kernel into a wasm module. Internal: the runtime uses hotpath's compiler;
 * tests inject their own through the runtime option `userCompiler`.
 */
export interface UserCompiler {
  /** @throws COMPILE with the user's file:line:col when the kernel cannot be compiled */
  compile(kernel: UserKernel): Promise<CompiledKernel>;
  /** Stops what the compiler started (a compile worker); the runtime's close() calls it. */
  close?(): Promise<void>;
}

export interface LoadKernelOptions {
  /**
   * 'ref': a kernel that does not compile still loads, on ref only, and every call of it is
   * counted as a fallback in stats() with the compile error's first line. Default: load()
   * throws the COMPILE error.
   */
  readonly fallback?: 'ref';
}

interface Entry {
  readonly kernel: UserKernel;
  readonly source: string;
  readonly def: AnyKernelDef;
  /** pairwise: `<name>.nearest` (define.ts defineNearest), loaded with the kernel. */
  readonly nearest?: AnyKernelDef;
}

const KINDS = ['map', 'reduce', 'rows', 'pairwise'];
const BODIES: Readonly<Record<string, readonly string[]>> = { map: ['element'], reduce: ['element'], rows: ['row'], pairwise: ['term', 'finish'] };

export class UserKernels {
  private readonly loaded = new Map<string, Entry>();
  /** undefined: the runtime has no wasm backend, so nothing is compiled. */
  private readonly compiler: UserCompiler | undefined;
  /** Readies a new definition on every backend (backend.prepare). */
  private readonly prepare: (def: AnyKernelDef) => void;

  constructor(compiler: UserCompiler | undefined, prepare: (def: AnyKernelDef) => void) {
    this.compiler = compiler;
    this.prepare = prepare;
  }

  /**
   * Registers kernels (compiled first when there is a compiler; all or none are registered).
   * @throws ARGUMENT for a value that is not a user kernel, bad options or a name taken by a
   *   built-in or by another kernel of different source; COMPILE unless `fallback: 'ref'`
   */
  async load(kernels: unknown, options: LoadKernelOptions | undefined): Promise<void> {
    const list = Array.isArray(kernels) ? (kernels as unknown[]) : [kernels];
    list.forEach((k, i) => checkKernel(k, Array.isArray(kernels) ? `kernels[${i}]` : 'kernel'));
    const fallback = fallbackOf(options);
    const fresh: Entry[] = [];
    for (const kernel of list as UserKernel[]) {
      const source = sourceOf(kernel);
      if (this.claim(kernel, source) || fresh.some((e) => e.source === source)) {
        continue;
      }
      const clash = fresh.find((e) => e.kernel.name === kernel.name);
      if (clash !== undefined) {
        nameTaken(kernel.name, 'another kernel in this load() call');
      }
      const def = this.ready(kernel, await this.wasmEntry(kernel, fallback), fallback);
      const nearest = kernel.kind === 'pairwise' ? (defineNearest(kernel, def.implementations?.['wasm'] as WasmEntry | undefined) as unknown as AnyKernelDef) : undefined;
      fresh.push({ kernel, source, def, ...(nearest === undefined ? {} : { nearest }) });
    }
    for (const entry of fresh) {
      // A concurrent load() of the same name may have finished while this one compiled.
      if (!this.claim(entry.kernel, entry.source)) {
        this.loaded.set(entry.kernel.name, entry);
        if (entry.nearest !== undefined) {
          this.loaded.set(entry.nearest.name, { ...entry, def: entry.nearest });
        }
      }
    }
  }

  /**
   * The definition of a loaded kernel, given as the kernel or by name; undefined for a name no
   * kernel was loaded under.
   * @throws ARGUMENT for a kernel that is not loaded (or another kernel of that name is)
   */
  definition(kernel: UserKernel | string): AnyKernelDef | undefined {
    if (typeof kernel === 'string') {
      return this.loaded.get(kernel)?.def;
    }
    const entry = this.loaded.get(kernel.name);
    if (entry === undefined) {
      return fail({ code: 'ARGUMENT', kernel: kernel.name, problem: `kernel '${kernel.name}' is not loaded in this runtime`, expected: 'a kernel loaded with runtime.load()', received: `${kernel.kind} kernel '${kernel.name}'`, hint: `await hp.load(${kernel.name}) first` });
    }
    if (entry.kernel !== kernel && entry.source !== sourceOf(kernel)) {
      return fail({ code: 'ARGUMENT', kernel: kernel.name, problem: `another kernel named '${kernel.name}' is loaded in this runtime`, expected: 'the kernel that was loaded under this name', received: `a ${kernel.kind} kernel of different source`, hint: 'give each kernel its own name' });
    }
    return entry.def;
  }

  /** Stops the compiler's worker, if it started one. */
  async close(): Promise<void> {
    await this.compiler?.close?.();
  }

  /** Names of the loaded kernels (for messages). */
  names(): string[] {
    return [...this.loaded.keys()];
  }

  /** true when this kernel (same source) is already loaded; throws ARGUMENT when its name is taken. */
  private claim(kernel: UserKernel, source: string): boolean {
    if (isKernelName(kernel.name)) {
      nameTaken(kernel.name, `the built-in kernel '${kernel.name}'`);
    }
    const entry = this.loaded.get(kernel.name);
    if (entry === undefined) {
      return false;
    }
    if (entry.source !== source) {
      nameTaken(kernel.name, 'another loaded kernel of different source');
    }
    return true;
  }

  /** The definition, readied on the backends; a backend's refusal is handled as a compile error. */
  private ready(kernel: UserKernel, wasm: WasmEntry | undefined, fallback: boolean): AnyKernelDef {
    const def = defineUser(kernel, wasm);
    try {
      this.prepare(def);
      return def;
    } catch (caught) {
      const error = asCompileError(kernel, caught);
      if (!fallback) {
        throw error;
      }
      const again = defineUser(kernel, { unavailable: `compile failed: ${error.message.split('\n')[0]!}` });
      this.prepare(again);
      return again;
    }
  }

  private async wasmEntry(kernel: UserKernel, fallback: boolean): Promise<WasmEntry | undefined> {
    if (this.compiler === undefined) {
      return undefined;
    }
    try {
      return { compiled: await this.compiler.compile(kernel) };
    } catch (caught) {
      const error = asCompileError(kernel, caught);
      if (!fallback) {
        throw error;
      }
      return { unavailable: `compile failed: ${error.message.split('\n')[0]!}` };
    }
  }
}

/** A coded error as it is; anything else (a compiler bug) as COMPILE with it as the cause. */
function asCompileError(kernel: UserKernel, caught: unknown): HotpathError {
  return caught instanceof HotpathError ? caught : new HotpathError({ code: 'COMPILE', kernel: kernel.name, problem: 'the compiler failed', expected: 'a compiled module', received: caught instanceof Error ? caught.message : String(caught), cause: caught });
}

/** Everything that defines what a kernel computes: equal sources are the same kernel. */
export function sourceOf(k: UserKernel): string {
  const decl = k.decl as unknown as Record<string, unknown>;
  const bodies = (BODIES[k.kind] ?? []).map((field) => String(decl[field]));
  return JSON.stringify({ kind: k.kind, inputs: decl['inputs'], params: k.params, combine: decl['combine'], tolerance: decl['tolerance'], bodies });
}

/** Param values of one call of a user kernel, by name (the declared defaults fill the rest). */
export type UserParams = Readonly<Record<string, number>>;

/** Whether `k` has the form map(), reduce(), rows() and pairwise() give. */
export function isUserKernel(k: unknown): k is UserKernel {
  const c = k as Partial<UserKernel> | null;
  return c !== null && typeof c === 'object' && KINDS.includes(c.kind as string) && typeof c.name === 'string' && c.decl !== null && typeof c.decl === 'object' && Array.isArray(c.params);
}

/** The name errors give a call's kernel: the id, or the user kernel's name. */
export function labelOf(kernel: unknown): string {
  return isUserKernel(kernel) ? kernel.name : String(kernel);
}

function checkKernel(k: unknown, what: string): void {
  if (!isUserKernel(k)) {
    fail({ code: 'ARGUMENT', kernel: 'runtime.load', problem: `${what} is not a user kernel`, expected: 'a kernel made by map(), reduce(), rows() or pairwise() from hotpath/kernel, or an array of them (a path string loads a .npy file)', received: describeValue(k) });
  }
}

function fallbackOf(options: LoadKernelOptions | undefined): boolean {
  const o = optionsOf(options, 'runtime.load');
  for (const key of Object.keys(o)) {
    if (key !== 'fallback') {
      fail({ code: 'ARGUMENT', kernel: 'runtime.load', problem: `unknown option '${key}'`, expected: "fallback: 'ref'", received: key });
    }
  }
  if (o.fallback !== undefined && o.fallback !== 'ref') {
    fail({ code: 'ARGUMENT', kernel: 'runtime.load', problem: 'invalid fallback', expected: "'ref' or nothing", received: describeValue(o.fallback) });
  }
  return o.fallback === 'ref';
}

function nameTaken(name: string, by: string): never {
  return fail({ code: 'ARGUMENT', kernel: 'runtime.load', problem: `the kernel name '${name}' is taken`, expected: 'a name no other kernel of this runtime has', received: `'${name}', already ${by}`, hint: 'rename the kernel (its `name` field)' });
}
