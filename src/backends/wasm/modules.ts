/**
 * The modules a pool runs besides its built-in one (user kernels' modules), checked before any
 * thread instantiates them: with the binary reader (sections.ts), every declared export has
 * exactly its declared types; the only imports are the shared heap (env.memory), env.abort and
 * immutable i32/f64 globals under `env` whose values the spec gives; the module defines no
 * memory of its own; and its active data segments, which every instantiation on every thread
 * writes again, lie inside the window of the heap reserved for it.
 */
import { fail } from '../../errors.js';
import { readModule, type ModuleInfo, type WasmImport } from './sections.js';
import { checkArguments, checkExports, uncallable, type Signature } from './signatures.js';

/** What Pool.addModule takes. */
export interface ModuleSpec {
  /** Names the module's exports in the pool: `${id}.${name}`. Letters, digits, _ and $; no dot. */
  readonly id: string;
  /** The module's binary: what its exports and imports are checked on. */
  readonly bytes: Uint8Array;
  /** The module compiled from `bytes`, when the caller has it already; else compiled here. */
  readonly module?: WebAssembly.Module;
  /** The exports the pool may call, with their signatures. */
  readonly exports: readonly Signature[];
  /** Values of the module's immutable global imports under `env` (i32 or f64), by name. */
  readonly imports?: Readonly<Record<string, number>>;
  /** An export (one of `exports`) every instance runs once right after instantiation, on every thread. */
  readonly init?: { readonly name: string; readonly args: readonly number[] };
  /** Heap bytes reserved for the module: its active data segments must lie inside. */
  readonly dataWindow?: { readonly byteOffset: number; readonly bytes: number };
}

/** A module the pool runs: the built-in one has id ''. */
export interface PoolModule {
  readonly id: string;
  readonly module: WebAssembly.Module;
  readonly signatures: readonly Signature[];
  readonly imports: Readonly<Record<string, number>>;
  readonly init: { readonly name: string; readonly args: readonly number[] } | null;
}

/**
 * Checks a spec against its module's bytes.
 * @throws ARGUMENT naming what is wrong (an id, an import, an export, a data segment)
 * @throws FORMAT when `bytes` are not a well-formed wasm binary
 */
export function checkSpec(spec: ModuleSpec, taken: (id: string) => boolean): PoolModule {
  const { id } = spec;
  if (typeof id !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(id) || taken(id)) {
    refuse(String(id), 'an invalid or taken module id', 'a new id of letters, digits, _ and $ (no dot)', JSON.stringify(id));
  }
  if (!(spec.bytes instanceof Uint8Array)) {
    refuse(id, 'no module bytes', 'bytes: the Uint8Array the module was compiled from', typeof spec.bytes);
  }
  if (spec.module !== undefined && !(spec.module instanceof WebAssembly.Module)) {
    refuse(id, 'a module that is not a WebAssembly.Module', 'module: new WebAssembly.Module(bytes), or none', typeof spec.module);
  }
  const info = readModule(spec.bytes, `module ${id}`);
  const imports = spec.imports ?? {};
  for (const entry of info.imports) {
    checkImport(id, entry, imports);
  }
  checkMemoryAndData(id, info, spec.dataWindow);
  const problems = [...spec.exports.map(uncallable).filter((p) => p !== null), ...checkExports(info.functions, spec.exports)];
  if (problems.length > 0) {
    refuse(id, 'exports that differ from their declaration', 'every declared export with its declared types', problems.join('; '));
  }
  const init = spec.init ?? null;
  if (init !== null) {
    const declared = spec.exports.find((s) => s.name === init.name);
    if (declared === undefined) {
      refuse(id, 'an init export that is not declared', `one of ${spec.exports.map((s) => s.name).join(', ')}`, String(init.name));
    }
    checkArguments(declared, init.args);
  }
  const module = spec.module ?? new WebAssembly.Module(spec.bytes);
  if (spec.module !== undefined) {
    sameModule(id, module, info);
  }
  return { id, module, signatures: spec.exports, imports, init };
}

function refuse(id: string, problem: string, expected: string, received: string): never {
  return fail({ code: 'ARGUMENT', kernel: `pool.addModule(${id})`, problem, expected, received, hint: 'a user kernel module imports only env.memory, env.abort and declared constants; rebuild it' });
}

function checkImport(id: string, entry: WasmImport, values: Readonly<Record<string, number>>): void {
  const what = `import ${entry.module}.${entry.name} (${entry.kind})`;
  const allowed = 'env.memory (shared memory), env.abort (function) or an immutable i32/f64 global under env given in imports';
  if (entry.module !== 'env') {
    refuse(id, `a forbidden ${what}`, allowed, `${entry.module}.${entry.name}`);
  }
  if (entry.name === 'memory' && entry.kind === 'memory') {
    if (entry.memory?.shared !== true) {
      refuse(id, `a ${what} that is not shared`, 'a shared memory import (--sharedMemory)', 'an unshared memory');
    }
    return;
  }
  if (entry.name === 'abort' && entry.kind === 'func') {
    return;
  }
  const global = entry.global;
  if (entry.kind !== 'global' || global === undefined || global.mutable || (global.type !== 'i32' && global.type !== 'f64')) {
    refuse(id, `a forbidden ${what}`, allowed, global === undefined ? entry.kind : `${global.mutable ? 'a mutable' : 'an immutable'} ${global.type} global`);
  }
  const value = Object.hasOwn(values, entry.name) ? values[entry.name] : undefined;
  const fits = typeof value === 'number' && (global.type === 'f64' || (Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff));
  if (!fits) {
    refuse(id, `no valid value for ${what}`, `imports.${entry.name}: ${global.type === 'i32' ? 'an integer in [-2^31, 2^31)' : 'a number'}`, String(value));
  }
}

function checkMemoryAndData(id: string, info: ModuleInfo, window: ModuleSpec['dataWindow']): void {
  if (info.memories > 0) {
    refuse(id, 'a module that defines its own memory', 'env.memory imported (--importMemory), the shared heap', `${info.memories} memory of its own`);
  }
  for (const [i, segment] of info.data.entries()) {
    if (segment.mode === 'passive') {
      continue;
    }
    const start = segment.offset;
    const inside = window !== undefined && start !== null && start >= window.byteOffset && start + segment.bytes <= window.byteOffset + window.bytes;
    if (!inside) {
      const expected = window === undefined ? 'no active data segment without a dataWindow (each thread writes them into the heap at every start)' : `inside the window [${window.byteOffset}, ${window.byteOffset + window.bytes})`;
      refuse(id, `data segment ${i} outside its window`, expected, start === null ? `${segment.bytes} bytes at a computed offset` : `${segment.bytes} bytes at [${start}, ${start + segment.bytes})`);
    }
  }
}

/** A caller-compiled module must be the one `bytes` describe (same imports and exports). */
function sameModule(id: string, module: WebAssembly.Module, info: ModuleInfo): void {
  const list = (entries: readonly { module?: string; name: string; kind: string }[]): string =>
    entries.map((e) => `${e.module === undefined ? '' : `${e.module}.`}${e.name}:${e.kind === 'func' ? 'function' : e.kind}`).join(' ');
  const compiled = `${list(WebAssembly.Module.imports(module))} | ${list(WebAssembly.Module.exports(module))}`;
  const read = `${list(info.imports)} | ${list(info.exports)}`;
  if (compiled !== read) {
    refuse(id, 'a module that is not the one its bytes describe', read, compiled);
  }
}
