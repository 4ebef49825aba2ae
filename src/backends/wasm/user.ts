/**
 * User kernels on the wasm backend: the definition carries a compiled module (or why there is
 * none, e.g. its compile error when it was loaded with `fallback: 'ref'`), and this glue runs
 * it on the pool with argument lists built from the module's declared signatures.
 */
import type { UserPlan, WasmEntry } from '../../user/define.js';
import type { WasmImpl } from './context.js';

/** The wasm implementation of a user kernel from its `implementations.wasm` entry; undefined for none. */
export function userWasm(entry: unknown): WasmImpl<UserPlan> | undefined {
  if (entry === null || typeof entry !== 'object') {
    return undefined;
  }
  const e = entry as WasmEntry;
  if ('unavailable' in e) {
    return declined(e.unavailable);
  }
  return declined(`running compiled user kernels needs Pool.addModule, not in this build yet (${e.compiled.name})`);
}

function declined(reason: string): WasmImpl<UserPlan> {
  return {
    supports: () => reason,
    run: () => {
      throw new Error(`internal: ${reason}`);
    },
  };
}
