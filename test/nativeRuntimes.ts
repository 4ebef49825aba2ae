/**
 * The native runtimes the distance-family tests compare with ref: every path this machine runs
 * ('avx512', 'avx2', 'scalar'), each on 1 thread and on 2 threads with every call split
 * (parallelThreshold 0), native only (require: a decline throws instead of running elsewhere).
 */
import { createRuntime, type Runtime } from '../src/index.js';
import { nativePaths } from './native.js';

export interface NativeRuntime {
  readonly name: string;
  readonly hp: Runtime;
}

/** One runtime per path and thread count (none without the addon). */
export async function openNatives(): Promise<NativeRuntime[]> {
  const natives: NativeRuntime[] = [];
  for (const isa of nativePaths) {
    for (const threads of [1, 2]) {
      const hp = await createRuntime({ backends: ['native'], require: 'native', threads, parallelThreshold: 0, native: { isa } });
      natives.push({ name: `${isa}, ${threads} thread${threads > 1 ? 's' : ''}`, hp });
    }
  }
  return natives;
}

export async function closeNatives(natives: readonly NativeRuntime[]): Promise<void> {
  for (const { hp } of natives) {
    await hp.close();
  }
}
