/**
 * obtainKernel: a user kernel's compiled module from the cheapest place that has a valid one,
 * in order: (a) ahead-of-time artifacts written by `hotpath build` (what a deployment ships: no
 * compiler at run time), (b) the disk cache, (c) the compiler, in a worker thread, whose output
 * is then cached. Every place skipped and why is listed in `notes`, never hidden.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fail } from '../errors.js';
import type { CompiledKernel } from './abi.js';
import { kernelMismatch, readEntry, sha256 } from './artifact.js';
import { cacheKey, cacheSlot, compilerFingerprint, defaultCacheDir, hotpathVersion, packageRootOf, readCached, writeCached } from './cache.js';
import { createWorkerCompiler, type KernelCompiler } from './compiler.js';
import type { UserKernel } from './kernel.js';

/** The folder `hotpath build` writes to by default, under the package root of the first file. */
export const BUILD_DIR = 'hotpath-build';

export interface ObtainOptions {
  /** The cache folder (default: node_modules/.cache/hotpath/kernels of the kernel file's package). */
  readonly cacheDir?: string;
  /** Folders of `hotpath build` output, searched in order (default: `hotpath-build` in the kernel file's package root, when it exists). */
  readonly artifacts?: readonly string[];
  /** 'never' (deployments): fail instead of compiling when no artifact or cache entry fits. Default 'allow'. */
  readonly compile?: 'allow' | 'never';
  /** Who compiles (default: a worker started for the call and stopped after it). */
  readonly compiler?: KernelCompiler;
}

export interface Obtained {
  readonly compiled: CompiledKernel;
  readonly source: 'artifact' | 'cache' | 'compiled';
  /** Wall time of the whole call, in milliseconds. */
  readonly ms: number;
  /** Places that were looked at and not used, with the reason (a stale artifact, a bad cache entry). */
  readonly notes: readonly string[];
}

/** Obtains kernels with fixed options and one compile worker for all of them. */
export interface KernelLoader {
  obtain(kernel: UserKernel): Promise<Obtained>;
  /** The module only: the shape of the runtime's UserCompiler. */
  compile(kernel: UserKernel): Promise<CompiledKernel>;
  /** Stops the compile worker (when the loader started it). */
  close(): Promise<void>;
}

/**
 * A kernel's compiled module from artifacts, cache or the compiler (see the module comment).
 * @example const { compiled, source, ms } = await obtainKernel(huber); // source: 'cache' on a second run
 * @throws ARGUMENT for bad options or a value that is not a kernel; FORMAT for a corrupt artifact
 *   (a broken deployment is reported, not papered over); COMPILE for the kernel's compile errors,
 *   or with compile: 'never' when neither an artifact nor the cache has it; IO when the source
 *   cannot be read for compiling
 */
export async function obtainKernel(kernel: UserKernel, options: ObtainOptions = {}): Promise<Obtained> {
  const loader = createKernelLoader(options);
  try {
    return await loader.obtain(kernel);
  } finally {
    await loader.close();
  }
}

/** A loader for several kernels (the runtime's load(), `hotpath build`). @throws ARGUMENT */
export function createKernelLoader(options: ObtainOptions = {}): KernelLoader {
  checkOptions(options);
  const owned = options.compiler === undefined;
  let compiler = options.compiler;
  const env = { version: hotpathVersion(), fingerprint: undefined as string | undefined };
  const loader: KernelLoader = {
    async obtain(kernel) {
      const started = performance.now();
      checkKernel(kernel);
      const notes: string[] = [];
      const done = (compiled: CompiledKernel, source: Obtained['source']): Obtained => ({ compiled, source, ms: performance.now() - started, notes });
      const file = kernel.site?.file;
      const text = readText(file);
      const fromArtifact = findArtifact(kernel, options.artifacts ?? defaultArtifacts(file), file, text, env.version, notes);
      if (fromArtifact !== undefined) {
        return done(fromArtifact, 'artifact');
      }
      if (text === undefined || file === undefined) {
        notes.push(`cache: the kernel's source ${file ?? '(no file in the stack)'} cannot be read, so it has no cache key`);
      }
      env.fingerprint ??= compilerFingerprint();
      const slot = text === undefined ? undefined : cacheSlot(options.cacheDir ?? defaultCacheDir(file), kernel, cacheKey(kernel, text, env.version, env.fingerprint));
      if (slot !== undefined) {
        const cached = readCached(slot, kernel);
        if (cached.status === 'ok') {
          return done(cached.compiled, 'cache');
        }
        if (cached.status === 'bad') {
          notes.push(`cache: ignored and rewritten: ${cached.problem}`);
        }
      }
      if (options.compile === 'never') {
        return fail({ code: 'COMPILE', kernel: kernel.name, problem: 'no ahead-of-time build of the kernel was found and compiling is off (compile: "never")', expected: `a ${BUILD_DIR} folder with ${kernel.name}.wasm and ${kernel.name}.json, or a cache entry`, received: notes.length > 0 ? notes.join('; ') : 'none', hint: `run \`hotpath build ${file ?? '<the kernel file>'}\` and ship its output folder` });
      }
      compiler ??= createWorkerCompiler();
      const compiled = await compiler.compile(kernel);
      if (slot !== undefined && file !== undefined && text !== undefined) {
        // The compiler read the file again; store only what was compiled from the text keyed.
        if (readText(file) === text) {
          try {
            writeCached(slot, kernel, compiled, { file, text }, env.version);
          } catch (error) {
            notes.push(`cache: not written to ${slot.dir} (${error instanceof Error ? error.message : String(error)})`);
          }
        } else {
          notes.push(`cache: not written, ${file} changed while it was compiled`);
        }
      }
      return done(compiled, 'compiled');
    },
    async compile(kernel) {
      return (await loader.obtain(kernel)).compiled;
    },
    async close() {
      if (owned && compiler !== undefined) {
        await compiler.close();
        compiler = undefined;
      }
    },
  };
  return loader;
}

/** The artifact of `kernel` in the first folder that has one that fits; stale ones are noted. @throws FORMAT */
function findArtifact(kernel: UserKernel, dirs: readonly string[], file: string | undefined, text: string | undefined, version: string, notes: string[]): CompiledKernel | undefined {
  for (const dir of dirs) {
    const base = path.join(dir, kernel.name);
    const read = readEntry(base);
    if (read.status === 'missing') {
      continue;
    }
    if (read.status === 'bad') {
      return fail({ code: 'FORMAT', kernel: kernel.name, problem: 'the ahead-of-time build of the kernel is corrupt', expected: `${base}.json and .wasm as \`hotpath build\` wrote them`, received: read.problem, hint: `run \`hotpath build\` again and ship its output folder whole` });
    }
    const m = read.manifest;
    const mismatch = kernelMismatch(m, kernel);
    const sourceFile = path.resolve(dir, m.source.file);
    if (mismatch !== undefined) {
      notes.push(`artifact ${base}.json: stale, ${mismatch}`);
    } else if (m.hotpath !== version) {
      notes.push(`artifact ${base}.json: stale, built by hotpath ${m.hotpath}, this is ${version}`);
    } else if (file !== undefined && path.resolve(file) === sourceFile && text !== undefined && sha256(text) !== m.source.sha256) {
      // Only the same file can be compared: a deployment runs the built .js, not the .ts that was built.
      notes.push(`artifact ${base}.json: stale, ${file} changed after \`hotpath build\``);
    } else {
      return read.compiled;
    }
  }
  return undefined;
}

function defaultArtifacts(file: string | undefined): string[] {
  const root = file === undefined ? undefined : packageRootOf(file);
  const dir = root === undefined ? undefined : path.join(root, BUILD_DIR);
  return dir !== undefined && existsSync(dir) ? [dir] : [];
}

function readText(file: string | undefined): string | undefined {
  if (file === undefined) {
    return undefined;
  }
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function checkKernel(k: unknown): asserts k is UserKernel {
  const c = k as Partial<UserKernel> | null;
  if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || !['map', 'reduce', 'rows', 'pairwise'].includes(c.kind as string) || !Array.isArray(c.params) || c.decl === null || typeof c.decl !== 'object') {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'not a user kernel', expected: 'a kernel made by map(), reduce(), rows() or pairwise()', received: c === null ? 'null' : typeof c });
  }
}

function checkOptions(o: ObtainOptions): void {
  if (o === null || typeof o !== 'object') {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'invalid options', expected: '{ cacheDir?, artifacts?, compile?, compiler? }', received: String(o) });
  }
  const known = ['cacheDir', 'artifacts', 'compile', 'compiler'];
  const unknown = Object.keys(o).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: `unknown option '${unknown[0]}'`, expected: known.join(', '), received: unknown.join(', ') });
  }
  if (o.cacheDir !== undefined && (typeof o.cacheDir !== 'string' || o.cacheDir === '')) {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'invalid cacheDir', expected: 'a folder path', received: JSON.stringify(o.cacheDir) ?? String(o.cacheDir) });
  }
  if (o.artifacts !== undefined && (!Array.isArray(o.artifacts) || !o.artifacts.every((d) => typeof d === 'string' && d !== ''))) {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'invalid artifacts', expected: 'an array of folder paths', received: JSON.stringify(o.artifacts) ?? String(o.artifacts) });
  }
  if (o.compile !== undefined && o.compile !== 'allow' && o.compile !== 'never') {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'invalid compile', expected: "'allow' or 'never'", received: JSON.stringify(o.compile) ?? String(o.compile) });
  }
  if (o.compiler !== undefined && (o.compiler === null || typeof o.compiler !== 'object' || typeof o.compiler.compile !== 'function')) {
    fail({ code: 'ARGUMENT', kernel: 'obtainKernel', problem: 'invalid compiler', expected: '{ compile(kernel), close() }', received: String(o.compiler) });
  }
}
