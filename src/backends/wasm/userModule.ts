/**
 * A user kernel's compiled module on one wasm backend: instantiated once per backend (cached by
 * content hash in its WasmContext) over the runtime's shared heap, its exports checked against
 * the signatures the compiler declared.
 *
 * Until the pool can host more than its own module (Pool.addModule), the thread shares of a
 * user kernel's call run one after another on the calling thread: the same rows and chunks as
 * a parallel run, so the results are the same, without the speed of the other cores.
 */
import { fail } from '../../errors.js';
import type { CompiledKernel } from '../../user/abi.js';
import type { WasmContext } from './context.js';

/** What running a compiled kernel needs: its exports, called once per thread share. */
export interface UserModule {
  /** Runs export `name` with `argsOf(t)` for each thread t that gets a share (null: none). */
  parallel(name: string, argsOf: (thread: number) => readonly number[] | null): void;
}

type Export = (...args: number[]) => unknown;

/**
 * The module of `compiled` on this backend, instantiated on first use.
 * @throws BACKEND when the module does not instantiate or lacks a declared export
 */
export function moduleOf(ctx: WasmContext, compiled: CompiledKernel): UserModule {
  const cached = ctx.userModules.get(compiled.hash);
  if (cached !== undefined) {
    return cached;
  }
  const made = instantiate(ctx, compiled);
  ctx.userModules.set(compiled.hash, made);
  return made;
}

function instantiate(ctx: WasmContext, compiled: CompiledKernel): UserModule {
  let exports: Record<string, unknown>;
  try {
    const module = new WebAssembly.Module(compiled.wasm as Uint8Array<ArrayBuffer>);
    const abort = (): never => {
      throw new Error(`${compiled.name}: the compiled kernel aborted`);
    };
    exports = new WebAssembly.Instance(module, { env: { memory: ctx.memory, abort } }).exports as Record<string, unknown>;
  } catch (error) {
    return fail({ code: 'BACKEND', kernel: compiled.name, problem: 'the compiled module does not instantiate on the wasm heap', expected: 'a module importing only env.memory (shared) and env.abort', received: error instanceof Error ? error.message : String(error), hint: 'load the kernel with { fallback: "ref" } meanwhile, and report this' });
  }
  const fns = new Map<string, Export>();
  for (const s of compiled.exports) {
    const fn = exports[s.name];
    // A wasm export's `length` is its parameter count: a module that disagrees with its
    // declared signature would read its arguments shifted, so it is refused.
    if (typeof fn !== 'function' || fn.length !== s.params.length) {
      fail({ code: 'BACKEND', kernel: compiled.name, problem: `the compiled module's export '${s.name}' does not match its declared signature`, expected: `${s.name} with ${s.params.length} parameters (${s.params.map((p) => p.name).join(', ')})`, received: typeof fn === 'function' ? `${fn.length} parameters` : 'no such export' });
    }
    fns.set(s.name, fn as Export);
  }
  return {
    parallel(name, argsOf) {
      const fn = fns.get(name);
      if (fn === undefined) {
        throw new Error(`internal: ${compiled.name} has no export '${name}'`);
      }
      for (let t = 0; t < ctx.pool.threads; t++) {
        const args = argsOf(t);
        if (args !== null) {
          fn(...args);
        }
      }
    },
  };
}
