/**
 * What `hotpath bench` measures: a kernel by id (any built-in, through `hp.run(id, inputs,
 * attrs)`, or `kmeans` through `hp.kmeans`) on the arrays of the `--data` files, with attributes
 * from the command line. Also the data's identity (sha256 of the bytes, shapes, dtypes) that a
 * later comparison must match, and the attribute parsing (`--attr name=value`).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';
import { isZip } from '../io/zip.js';
import { isKernelName, type AttrsOf, type KernelName } from '../kernels/index.js';
import type { KMeansOptions } from '../kmeans/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Tensor } from '../tensor/tensor.js';
import type { UserKernel } from '../user/kernel.js';
import type { AttrValue, DataRecord } from './format.js';
import type { Work } from './measure.js';

/** Kernels measured through their own entry point rather than hp.run. */
const COMPOSITES = ['kmeans'] as const;

/** Bytes hashed per read, so a large file is hashed without holding it twice. */
const HASH_CHUNK_BYTES = 16 * 1024 * 1024;

export interface LoadedData {
  /** The kernel's inputs, in --data order (an .npz's arrays in archive order). */
  readonly inputs: Tensor[];
  readonly records: DataRecord[];
}

/**
 * The user kernel named `id` among `userKernels` (from `--kernels FILE`), or undefined for a
 * built-in; a user kernel wins over a built-in of the same name, as in the user's own program.
 * @throws ARGUMENT naming the kernels there are, when `id` is none of them
 */
export function checkKernel(id: string, userKernels: readonly UserKernel[] = []): UserKernel | undefined {
  const user = userKernels.find((k) => k.name === id);
  if (user === undefined && !isKernelName(id) && !(COMPOSITES as readonly string[]).includes(id)) {
    const names = userKernels.map((k) => k.name);
    fail({
      code: 'ARGUMENT',
      kernel: 'bench',
      problem: `unknown kernel '${id}'`,
      expected: `a built-in kernel id (e.g. pairwiseDistances, matmul, softmax), kmeans${names.length === 0 ? '' : `, or a kernel of --kernels: ${names.join(', ')}`}`,
      received: id,
      hint: names.length === 0 ? 'kernel ids are camelCase, as in hp.run(id, ...); for your own kernel give its file with --kernels FILE' : 'the name is the kernel\'s `name` field',
    });
  }
  return user;
}

/**
 * Parses `name=value` pairs: the value as JSON when it is JSON (numbers, true, [0, 1]), else
 * as a string (metric=cosine). Keys are sorted, so the same attributes always save the same.
 * @example parseAttrs(['metric=cosine', 'k=4'])   // { k: 4, metric: 'cosine' }
 * @throws ARGUMENT for a pair without '=', a bad name, or a name given twice
 */
export function parseAttrs(pairs: readonly string[]): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      fail({ code: 'ARGUMENT', kernel: 'bench', problem: 'invalid --attr', expected: 'name=value, e.g. --attr metric=cosine or --attr axis=1', received: pair });
    }
    if (Object.prototype.hasOwnProperty.call(attrs, name)) {
      fail({ code: 'ARGUMENT', kernel: 'bench', problem: `attribute '${name}' given twice`, expected: 'each attribute once', received: pair });
    }
    Object.defineProperty(attrs, name, { value: valueOf(pair.slice(eq + 1)), enumerable: true, writable: true, configurable: true });
  }
  const sorted: Record<string, AttrValue> = {};
  for (const name of Object.keys(attrs).sort()) {
    Object.defineProperty(sorted, name, { value: attrs[name], enumerable: true, writable: true, configurable: true });
  }
  return sorted;
}

function valueOf(text: string): AttrValue {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || ['number', 'boolean', 'string'].includes(typeof value) || Array.isArray(value)) {
      return value as AttrValue;
    }
  } catch {
    // Not JSON: a bare word such as cosine.
  }
  return text;
}

/**
 * Loads every --data file with the runtime's loaders (.npz recognised by its bytes) and hashes it.
 * @throws IO (missing or unreadable file), FORMAT (not a valid .npy / .npz), MEMORY
 */
export function loadData(hp: Runtime, files: readonly string[]): LoadedData {
  const inputs: Tensor[] = [];
  const records: DataRecord[] = [];
  try {
    for (const file of files) {
      const arrays: [string, Tensor][] = isZip(file) ? Object.entries(hp.loadNpz(file)) : [[file, hp.load(file, { name: file })]];
      inputs.push(...arrays.map(([, t]) => t));
      if (arrays.length === 0) {
        fail({ code: 'ARGUMENT', kernel: 'bench', problem: `'${file}' holds no arrays`, expected: 'an .npz with the kernel inputs', received: 'an empty archive' });
      }
      records.push({ file, sha256: sha256Of(file), arrays: arrays.map(([name, t]) => ({ name, shape: [...t.shape], dtype: t.dtype })) });
    }
  } catch (error) {
    inputs.forEach((t) => t.release());
    throw error;
  }
  return { inputs, records };
}

/** Hex sha256 of a file's bytes, read in chunks. @throws IO */
export function sha256Of(file: string): string {
  const hash = createHash('sha256');
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const chunk = new Uint8Array(HASH_CHUNK_BYTES);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, n));
    }
  } catch (error) {
    return fail({ code: 'IO', kernel: 'bench', problem: `cannot read '${file}'`, received: error instanceof Error ? error.message : String(error), cause: error });
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
  return hash.digest('hex');
}

/**
 * One call of the kernel on the inputs, releasing its outputs (the work that measure() times).
 * The first call runs here, so a bad input or attribute fails before any timing.
 * @throws the kernel's own validation errors (SHAPE, DTYPE, ARGUMENT, ...)
 */
export function workOf(hp: Runtime, kernel: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, AttrValue>>, user?: UserKernel): Work {
  const work: Work =
    user !== undefined
      ? () => {
          // The params are what the user typed; the kernel's declaration checks each (ARGUMENT).
          hp.run(user, [...inputs], attrs as Record<string, number>).forEach((t) => t.release());
        }
      : kernel === 'kmeans'
      ? () => {
          if (inputs.length !== 1) {
            fail({ code: 'ARGUMENT', kernel: 'kmeans', problem: 'k-means takes one array of points', expected: 'one --data file holding points [n, d]', received: `${inputs.length} arrays` });
          }
          // seed: 0 by default in kmeans, so every call does the same iterations. The options
          // are what the user typed; settingsOf() in kmeans checks each (ARGUMENT).
          const result = hp.kmeans(inputs[0]!, attrs as unknown as KMeansOptions);
          result.labels.release();
          result.centroids.release();
        }
      : () => {
          runBuiltIn(hp, kernel, inputs, attrs).forEach((t) => t.release());
        };
  work();
  return work;
}

/**
 * hp.run for a kernel id from the command line. The attributes are whatever the user typed, so
 * their type is only claimed here; the kernel's infer() checks every one (ARGUMENT, SHAPE, ...).
 */
function runBuiltIn(hp: Runtime, kernel: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, AttrValue>>): Tensor[] {
  checkKernel(kernel);
  return hp.run(kernel as KernelName, [...inputs], attrs as AttrsOf<KernelName>);
}

/** The backends the runtime's calls ran on so far, e.g. 'wasm' (from its stats). */
export function backendsUsed(hp: Runtime): string {
  const used = new Set<string>();
  for (const entry of Object.values(hp.stats().kernels)) {
    Object.keys(entry?.backends ?? {}).forEach((b) => used.add(b));
  }
  return [...used].sort().join(',');
}

/**
 * How the calls so far ran in parallel (from the runtime's stats): the most threads any call
 * used (the calling thread included) and how many calls ran on more than one thread (each a
 * fork-join of the backend's pool). Read right after workOf()'s first call, these describe one
 * call of the work, which the probe then mimics.
 */
export function parallelismOf(hp: Runtime): { threads: number; forkJoins: number } {
  let threads = 1;
  let forkJoins = 0;
  for (const entry of Object.values(hp.stats().kernels)) {
    for (const [count, calls] of Object.entries(entry?.threads ?? {})) {
      threads = Math.max(threads, Number(count));
      forkJoins += Number(count) > 1 ? calls : 0;
    }
  }
  return { threads, forkJoins };
}
