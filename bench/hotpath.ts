/**
 * hotpath's own contenders: one runtime per configuration, made once for the whole run, and a
 * contender builder that creates the input tensors outside the timed region, releases each
 * output after its call, and reads from `stats()` which backend really ran the calls.
 */
import { createRuntime, type Runtime, type Tensor } from '../src/index.js';
import type { Contender, Prepared, Row } from './harness.js';

export interface HotpathRuntimes {
  /** wasm only, 1 thread: `require: 'wasm'`, so a declined call throws instead of falling back. */
  readonly wasm1: Runtime;
  /** wasm only, 2 threads; the named baseline of every ratio. */
  readonly wasm2: Runtime;
  /** The reference backend (plain loops over strides). */
  readonly ref: Runtime;
  /** Default dispatch over wasm then ref, 2 threads: what a user gets for kernels wasm lacks. */
  readonly auto: Runtime;
  /** native only (`require: 'native'`, its widest path), 1 and 2 threads; or why there is none (no addon built). */
  readonly native: { readonly t1: Runtime; readonly t2: Runtime } | { readonly reason: string };
  /** Native first, then wasm and ref for what it declines, 2 threads (workloads that are loops over kernels, as kmeans); or why there is no native backend here. */
  readonly nativeFirst: Runtime | { readonly reason: string };
}

export const WASM2 = 'hotpath wasm 2t';
export const WASM1 = 'hotpath wasm 1t';
export const REF = 'hotpath ref';
export const AUTO = 'hotpath default';
export const NATIVE2 = 'hotpath native 2t';
export const NATIVE1 = 'hotpath native 1t';

/** Native first (then wasm, ref), 2 threads, or why native is not available (no compiler at install, another CPU). */
async function nativeFirstRuntime(): Promise<HotpathRuntimes['nativeFirst']> {
  const hp = await createRuntime({ backends: ['native', 'wasm', 'ref'], threads: 2 });
  const native = hp.backends().find((b) => b.name === 'native');
  if (native?.available === true) {
    return hp;
  }
  await hp.close();
  return { reason: `native backend unavailable: ${native?.reason ?? 'not configured'}` };
}

export async function createRuntimes(): Promise<HotpathRuntimes> {
  return {
    wasm1: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 1 }),
    wasm2: await createRuntime({ backends: ['wasm'], require: 'wasm', threads: 2 }),
    ref: await createRuntime({ backends: ['ref'], require: 'ref' }),
    auto: await createRuntime({ backends: ['wasm', 'ref'], threads: 2 }),
    native: await nativeRuntimes(),
    nativeFirst: await nativeFirstRuntime(),
  };
}

/** The native backend alone on 1 and 2 threads, or the reason it is unavailable (the rows are then skipped with it). */
async function nativeRuntimes(): Promise<HotpathRuntimes['native']> {
  try {
    const t2 = await createRuntime({ backends: ['native'], require: 'native', threads: 2 });
    return { t1: await createRuntime({ backends: ['native'], require: 'native', threads: 1 }), t2 };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The native path in use ('avx512', ...), for contender notes; undefined without the addon. */
export function nativePath(r: HotpathRuntimes): string | undefined {
  return 't2' in r.native ? r.native.t2.backends().find((b) => b.name === 'native')?.simd : undefined;
}

export async function closeRuntimes(r: HotpathRuntimes): Promise<void> {
  const nativeFirst = 'reason' in r.nativeFirst ? [] : [r.nativeFirst];
  for (const hp of [r.wasm1, r.wasm2, r.ref, r.auto, ...('t2' in r.native ? [r.native.t1, r.native.t2] : []), ...nativeFirst]) {
    await hp.close();
  }
}

/** The wasm build hotpath loaded (relaxed-simd or simd128), for the machine line. */
export function wasmSimd(r: HotpathRuntimes): string | undefined {
  return r.wasm2.backends().find((b) => b.name === 'wasm')?.simd;
}

/** The contender `make` builds on the native-first runtime (2 threads), or a skipped row with the reason native is not here. */
export function nativeFirstContender(r: HotpathRuntimes, make: (hp: Runtime, note: string) => Contender): Contender {
  if ('reason' in r.nativeFirst) {
    const reason = r.nativeFirst.reason;
    return { name: NATIVE2, note: 'unavailable', skip: reason, setup: () => Promise.reject(new Error(reason)) };
  }
  return make(r.nativeFirst, `native ${nativePath(r) ?? '?'} first (wasm for what native declines), 2 threads`);
}

/** Issue 11's target for the native rows of the kmeans and distances workloads: at most this fraction of scikit-learn's time in the same run. */
export const NATIVE_VS_SKLEARN = 0.5;

/** The note for `row` (native's) against scikit-learn's row among `rows` (same run), or undefined when either did not run. */
export function vsSklearnNote(row: Row, rows: readonly Row[], sklearn: string): string | undefined {
  const peer = rows.find((r) => r.contender === sklearn && r.status === 'ok')?.medianMs;
  if (row.status !== 'ok' || row.medianMs === undefined || peer === undefined) {
    return undefined;
  }
  const ratio = row.medianMs / peer;
  return `${ratio.toFixed(2)}x ${sklearn}'s time (target <= ${NATIVE_VS_SKLEARN}x: ${ratio <= NATIVE_VS_SKLEARN ? 'met' : 'MISSED'})`;
}

/** An input for hotpath: float32 (or float64) values and the shape to give them. */
export interface HotpathInput {
  readonly values: Float32Array | Float64Array;
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
        output: (out) => out.toArray() as Float32Array | Float64Array,
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

/**
 * The native backend's contender on `threads` threads (NATIVE1 / NATIVE2), like hotpathContender;
 * without the addon a skipped row that says why.
 */
export function nativeContender(r: HotpathRuntimes, threads: 1 | 2, note: string, kernel: string, inputs: readonly HotpathInput[], call: (hp: Runtime, tensors: readonly Tensor[]) => Tensor, skip?: string): Contender {
  const name = threads === 2 ? NATIVE2 : NATIVE1;
  if (!('t2' in r.native)) {
    const reason = r.native.reason;
    return { name, note: 'unavailable', skip: reason, setup: () => Promise.reject(new Error(reason)) };
  }
  const path = nativePath(r) ?? '?';
  return hotpathContender(name, `native ${path} ${note}, ${threads} thread${threads === 2 ? 's' : ''}`, threads === 2 ? r.native.t2 : r.native.t1, kernel, inputs, call, skip);
}
