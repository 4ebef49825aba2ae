/**
 * The disk cache of compiled user kernels, keyed by content: sha256 of the kernel's source file
 * text, its name, the hotpath version and a fingerprint of the compiler itself (the text of
 * every module in this folder, which includes compile.ts's ASC_OPTIONS, and the AssemblyScript
 * version). Editing the kernel's file, upgrading hotpath or AssemblyScript, or changing the
 * compiler in a checkout all miss the cache; nothing else does.
 *
 * The key is computed without importing typescript or assemblyscript (it only reads files), so
 * a cached load costs a few milliseconds. Entries are checked like any file read back
 * (artifact.ts); a bad one is reported to the caller, which recompiles and overwrites it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelMismatch, manifestOf, readEntry, sha256, writeEntry, type EntryRead } from './artifact.js';
import type { CompiledKernel } from './abi.js';
import type { UserKernel } from './kernel.js';

/** Where the compiler's own modules are (src/user under tsx, dist/user when built). */
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** hotpath's version, from the package.json above this module. @throws what node:fs throws */
export function hotpathVersion(): string {
  for (let dir = HERE; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'hotpath') {
        return pkg.version ?? '0.0.0';
      }
    }
    if (path.dirname(dir) === dir) {
      return '0.0.0';
    }
  }
}

/**
 * A hash of what turns a kernel into a module: the text of every module of the compiler (this
 * folder, sorted by name) and the AssemblyScript version. Reads files, imports nothing.
 */
export function compilerFingerprint(): string {
  const parts: string[] = [];
  for (const name of readdirSync(HERE).sort()) {
    if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) {
      parts.push(name, readFileSync(path.join(HERE, name), 'utf8'));
    }
  }
  try {
    const ascPackage = createRequire(import.meta.url).resolve('assemblyscript/package.json');
    parts.push('assemblyscript', (JSON.parse(readFileSync(ascPackage, 'utf8')) as { version?: string }).version ?? '?');
  } catch {
    parts.push('assemblyscript', 'absent');
  }
  return sha256(parts.join('\0'));
}

/** The cache key of `kernel` declared in a file of `text`. */
export function cacheKey(kernel: UserKernel, text: string, version: string, fingerprint: string): string {
  return sha256([text, kernel.kind, kernel.name, version, fingerprint].join('\0')).slice(0, 40);
}

/** The nearest folder at or above `file`'s folder that holds a package.json, or undefined. */
export function packageRootOf(file: string): string | undefined {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}

/**
 * Where compiled kernels are cached by default: `node_modules/.cache/hotpath/kernels` under the
 * package root of the kernel's file (where other tools keep their caches), else the system
 * temporary folder.
 */
export function defaultCacheDir(file: string | undefined): string {
  const root = file === undefined ? undefined : packageRootOf(file);
  return root === undefined ? path.join(os.tmpdir(), 'hotpath-kernels') : path.join(root, 'node_modules', '.cache', 'hotpath', 'kernels');
}

/** One kernel's place in a cache folder. */
export interface CacheSlot {
  readonly dir: string;
  readonly key: string;
  /** `<dir>/<name>-<key>`: the name first, so a person can find a kernel's entry. */
  readonly base: string;
}

export function cacheSlot(dir: string, kernel: UserKernel, key: string): CacheSlot {
  return { dir, key, base: path.join(dir, `${kernel.name}-${key}`) };
}

/** The cached module of `kernel`, 'missing', or why the entry cannot be used. Never throws. */
export function readCached(slot: CacheSlot, kernel: UserKernel): EntryRead {
  const read = readEntry(slot.base);
  if (read.status !== 'ok') {
    return read;
  }
  if (read.manifest.key !== slot.key) {
    return { status: 'bad', problem: `${slot.base}.json was stored under key ${String(read.manifest.key)}, not ${slot.key}` };
  }
  const mismatch = kernelMismatch(read.manifest, kernel);
  return mismatch === undefined ? read : { status: 'bad', problem: `${slot.base}.json: ${mismatch}` };
}

/** Stores `compiled` under `slot` (atomically). @throws what node:fs throws */
export function writeCached(slot: CacheSlot, kernel: UserKernel, compiled: CompiledKernel, source: { file: string; text: string }, version: string): void {
  writeEntry(slot.base, compiled, manifestOf(compiled, kernel, slot.base, version, { file: source.file, sha256: sha256(source.text) }, slot.key));
}
