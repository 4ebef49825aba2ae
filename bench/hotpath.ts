/**
 * hotpath's own contenders: one runtime per configuration, made once for the whole run, and a
 * contender builder that creates the input tensors outside the timed region, releases each
 * output after its call, and reads from `stats()` which backend really ran the calls.
 */
import { createRuntime, type Runtime, type Tensor } from '../src/index.js';
import type { Contender, Prepared } from './harness.js';

export interface HotpathRuntimes {
  /** wasm only, 1 thread: `require: 'wasm'`, so a declined call throws instead of falling back. */
  readonly wasm1: Runtime;
  /** wasm only, 2 threads; the named baseline of every ratio. */
  readonly wasm2: Runtime;
  /** The reference backend (plain loops over strides). */
  readonly ref: Runtime;
  /** Default dispatch over wasm then ref, 2 threads: what a user gets for kernels wasm lacks. */
  readonly auto: Runtime;
}

export const WASM2 = 'hotpath wasm 2t';
export const WASM1 = 'hotpath wasm 1t';
export const REF = 'hotpath ref';
export const AUTO = 'hotpath default';

export async function createRuntimes(): Promise<HotpathRuntimes> {
  return {
    wasm1: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 1 }),
    wasm2: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2 }),
    ref: await createRuntime({ backends: ['ref'], require: 'ref' }),
    auto: await createRuntime({ backends: ['wasm', 'ref'], threads: 2 }),
  };
}

export async function closeRuntimes(r: HotpathRuntimes): Promise<void> {
  for (const hp of [r.wasm1, r.wasm2, r.ref, r.auto]) {
    await hp.close();
  }
}

/** The wasm build hotpath loaded (relaxed-simd or simd128), for the machine line. */
export function wasmSimd(r: HotpathRuntimes): string | undefined {
  return r.wasm2.backends().find((b) => b.name === 'wasm')?.simd;
}

/** An input for hotpath: float32 values and the shape to give them. */
export interface HotpathInput {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * A hotpath contender: `inputs` become runtime tensors in setup (copied once, untimed), each
 * timed call runs `call`, and the result is released outside the timing. `kernel` names the
 * kernel in stats() (a built-in's id, or a loaded user kernel's name).
 */
export function hotpathContender(name: string, note: string, hp: Runtime, kernel: string, inputs: readonly HotpathInput[], call: (hp: Runtime, tensors: readonly Tensor[]) => Tensor, skip?: string): Contender {
  return {
    name,
    note,
    ...(skip === undefined ? {} : { skip }),
    setup(): Prepared<Tensor> {
      const before = { ...(hp.stats().kernels[kernel]?.backends ?? {}) };
      const tensors = inputs.map((input) => hp.tensor(input.values, input.shape));
      return {
        call: () => call(hp, tensors),
        output: (out) => out.toArray() as Float32Array,
        release: (out) => out.release(),
        ranOn: () => ranOn(hp, kernel, before),
        dispose: () => tensors.forEach((t) => t.release()),
      };
    },
  };
}

/** Backends that ran `kernel` since `before` (calls per backend), with fallback reasons. */
function ranOn(hp: Runtime, kernel: string, before: Readonly<Record<string, number>>): string {
  const stats = hp.stats().kernels[kernel];
  if (stats === undefined) {
    return 'nothing ran';
  }
  const used = Object.entries(stats.backends)
    .map(([backend, calls]) => [backend, calls - (before[backend] ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .map(([backend]) => backend);
  const fallbacks = Object.keys(stats.fallbacks);
  return `${used.join('+')}${fallbacks.length === 0 ? '' : ` (fallback: ${fallbacks.join('; ')})`}`;
}
