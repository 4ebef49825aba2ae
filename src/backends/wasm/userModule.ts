/**
 * A user kernel's compiled module on one wasm backend: added to the backend's pool once (cached
 * by content hash in its WasmContext), so every thread runs it on the shared heap. The pool
 * checks it before anything runs (declared exports with exactly their types, only env.memory
 * and env.abort imported, no memory or data of its own).
 */
import { HotpathError } from '../../errors.js';
import type { CompiledKernel } from '../../user/abi.js';
import type { WasmContext } from './context.js';

/** What running a compiled kernel needs: its exports, called once per thread share. */
export interface UserModule {
  /** Runs export `name` with `argsOf(t)` on each thread t that gets a share (null: none). */
  parallel(name: string, argsOf: (thread: number) => readonly number[] | null): void;
}

/**
 * The module of `compiled` on this backend's pool, added on first use (load() does it, so a
 * refused module shows there).
 * @throws COMPILE when the pool refuses or cannot start the module (the pool's error is the cause)
 */
export function moduleOf(ctx: WasmContext, compiled: CompiledKernel): UserModule {
  const cached = ctx.userModules.get(compiled.hash);
  if (cached !== undefined) {
    return cached;
  }
  // Pool ids are identifiers without dots; the count keeps two versions of one name apart.
  const id = `${compiled.name}_${ctx.userModules.size}`;
  try {
    ctx.pool.addModule({ id, bytes: compiled.wasm, exports: compiled.exports });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HotpathError({ code: 'COMPILE', kernel: compiled.name, problem: 'the wasm pool refused the compiled module', expected: 'a module whose exports match its declared signatures and that imports only env.memory and env.abort', received: message, hint: 'rebuild it (delete its cache entry or rerun hotpath build); report it if it persists', cause: error });
  }
  const made: UserModule = {
    parallel: (name, argsOf) => ctx.pool.parallel(`${id}.${name}`, argsOf),
  };
  ctx.userModules.set(compiled.hash, made);
  return made;
}
