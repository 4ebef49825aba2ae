/**
 * What the pool calls on the calling thread: each module's instance over the shared heap, and
 * one entry per declared export (its function here, its function index on the workers, its
 * signature), named `name` for the built-in module and `${id}.${name}` for an added one.
 */
import { fail } from '../../errors.js';
import type { PoolModule } from './modules.js';
import type { WorkerModule } from './protocol.js';
import { uncallable, type Signature } from './signatures.js';

export type Export = (...args: number[]) => number | void;

export interface Callable {
  readonly fn: Export;
  /** Index of the function on the workers: the modules' exports in order (WorkerModule.names). */
  readonly index: number;
  readonly signature: Signature;
}

/**
 * Instantiates a module on this thread and runs its init export. A wasm `abort` (an
 * AssemblyScript assertion or bounds check) throws instead of returning into code that goes on.
 * @throws BACKEND when it cannot be instantiated or its init throws
 */
export function instantiate(m: PoolModule, memory: WebAssembly.Memory): Readonly<Record<string, unknown>> {
  const where = m.id === '' ? 'the built-in wasm module' : `wasm module ${m.id}`;
  const abort = (_message: number, _file: number, line: number, column: number): never => {
    throw new Error(`${where}: abort at line ${line}:${column}`);
  };
  let step = 'instantiate it over the shared heap';
  try {
    const instance = new WebAssembly.Instance(m.module, { env: { ...m.imports, memory, abort } });
    if (m.init !== null) {
      step = `run its init export ${m.init.name}`;
      (instance.exports[m.init.name] as Export)(...m.init.args);
    }
    return instance.exports;
  } catch (error) {
    return fail({ code: 'BACKEND', kernel: m.id === '' ? 'wasm' : `pool.addModule(${m.id})`, problem: `could not ${step}`, expected: `${where} to start on every thread`, received: error instanceof Error ? error.message : String(error), hint: 'rebuild the module with --importMemory --sharedMemory --maximumMemory 65536' });
  }
}

/**
 * Every declared export of every module, by the name the pool calls it.
 * @throws Error for a signature the pool cannot call (see uncallable)
 */
export function callablesOf(modules: readonly PoolModule[], instances: ReadonlyMap<string, Readonly<Record<string, unknown>>>): Map<string, Callable> {
  const callables = new Map<string, Callable>();
  let index = 0;
  for (const m of modules) {
    for (const signature of m.signatures) {
      const name = m.id === '' ? signature.name : `${m.id}.${signature.name}`;
      callables.set(name, { fn: callableExport(instances.get(m.id) ?? {}, signature), index: index++, signature });
    }
  }
  return callables;
}

/** What every worker instantiates, in the order callablesOf numbers the exports. */
export function workerModules(modules: readonly PoolModule[]): WorkerModule[] {
  return modules.map((m) => ({ module: m.module, names: m.signatures.map((s) => s.name), imports: m.imports, init: m.init }));
}

function callableExport(exports: Readonly<Record<string, unknown>>, signature: Signature): Export {
  const fn = exports[signature.name];
  if (typeof fn !== 'function') {
    throw new Error(`internal: the wasm module has no function export ${signature.name}`);
  }
  const problem = uncallable(signature);
  if (problem !== null) {
    throw new Error(`internal: ${problem}`);
  }
  return fn as Export;
}
