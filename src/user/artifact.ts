/**
 * The on-disk form of one compiled user kernel, shared by `hotpath build` output and the disk
 * cache: `<base>.wasm` (the module) and `<base>.json` (its manifest). Nothing read back is
 * trusted: the manifest is checked field by field against the calling convention (abi.ts), the
 * bytes against the manifest's sha256 and size, and the module is validated and its imports
 * checked, so a truncated, stale or hostile pair is reported, never run.
 *
 * Importing this module loads neither typescript nor assemblyscript (a cached load must stay
 * far under 50 ms).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signaturesOf, type CompiledKernel, type Signature } from './abi.js';
import type { KernelKind, UserKernel } from './kernel.js';
import { ensureRelaxedSimd } from './engine.js';

/** Bumped when the manifest's fields change meaning; other values are refused. */
export const MANIFEST_FORMAT = 1;

/** Larger files are refused before they are read (bytes): kernels are a few KiB. */
const MAX_MANIFEST_BYTES = 1 << 20;
const MAX_WASM_BYTES = 16 << 20;

const KINDS: readonly KernelKind[] = ['map', 'reduce', 'rows', 'pairwise'];

/** What `<base>.json` holds. */
export interface KernelManifest {
  readonly format: 'hotpath-kernel';
  readonly formatVersion: number;
  /** The hotpath version that compiled it. */
  readonly hotpath: string;
  readonly name: string;
  readonly kind: KernelKind;
  /** Number of tensor inputs (pairwise: 2). */
  readonly inputs: number;
  /** The declaration's input names (pairwise: none) and param names, in body order. */
  readonly inputNames: readonly string[];
  readonly params: readonly string[];
  readonly exports: readonly Signature[];
  readonly constants: readonly number[];
  readonly hash: string;
  readonly wasm: { readonly file: string; readonly bytes: number; readonly sha256: string };
  /** The kernel's source file (relative to the manifest's folder for build output) and its sha256. */
  readonly source: { readonly file: string; readonly sha256: string };
  /** The cache key the entry was stored under (cache entries only). */
  readonly key?: string;
}

/** A pair read back: `missing` (no manifest), `bad` (why it cannot be used) or the kernel. */
export type EntryRead =
  | { readonly status: 'missing' }
  | { readonly status: 'bad'; readonly problem: string }
  | { readonly status: 'ok'; readonly manifest: KernelManifest; readonly compiled: CompiledKernel };

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The manifest of `compiled`, with where its source is and what the source hashed to. */
export function manifestOf(compiled: CompiledKernel, kernel: UserKernel, base: string, version: string, source: { file: string; sha256: string }, key?: string): KernelManifest {
  return {
    format: 'hotpath-kernel',
    formatVersion: MANIFEST_FORMAT,
    hotpath: version,
    name: compiled.name,
    kind: compiled.kind,
    inputs: compiled.inputs,
    inputNames: inputNamesOf(kernel),
    params: kernel.params.map(([n]) => n),
    exports: compiled.exports,
    constants: compiled.constants,
    hash: compiled.hash,
    wasm: { file: `${path.basename(base)}.wasm`, bytes: compiled.wasm.length, sha256: sha256(compiled.wasm) },
    source,
    ...(key === undefined ? {} : { key }),
  };
}

/** The declaration's input names (pairwise kernels take x and y, not named in the declaration). */
export function inputNamesOf(kernel: UserKernel): string[] {
  const decl = kernel.decl as { inputs?: readonly string[] };
  return Array.isArray(decl.inputs) ? [...decl.inputs] : [];
}

/**
 * Writes `<base>.wasm` then `<base>.json`, each to a temporary name first and renamed into
 * place, so a reader never sees half a file (a reader that finds an old manifest with new bytes
 * sees the sha256 differ and refuses the pair). @throws what node:fs throws (callers code it)
 */
export function writeEntry(base: string, compiled: CompiledKernel, manifest: KernelManifest): void {
  mkdirSync(path.dirname(base), { recursive: true });
  atomicWrite(`${base}.wasm`, compiled.wasm);
  atomicWrite(`${base}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

function atomicWrite(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Reads and checks `<base>.json` and `<base>.wasm`; never throws. */
export function readEntry(base: string): EntryRead {
  const json = readLimited(`${base}.json`, MAX_MANIFEST_BYTES);
  if (json === 'missing') {
    return { status: 'missing' };
  }
  if (typeof json === 'string') {
    return { status: 'bad', problem: json };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch (error) {
    return { status: 'bad', problem: `${base}.json is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = manifestProblem(parsed);
  if (problem !== undefined) {
    return { status: 'bad', problem: `${base}.json: ${problem}` };
  }
  const manifest = parsed as KernelManifest;
  const wasm = readLimited(path.join(path.dirname(base), manifest.wasm.file), MAX_WASM_BYTES);
  if (typeof wasm === 'string') {
    return { status: 'bad', problem: wasm === 'missing' ? `${manifest.wasm.file} is missing next to ${base}.json` : wasm };
  }
  const bytesProblem = wasmProblem(wasm, manifest);
  if (bytesProblem !== undefined) {
    return { status: 'bad', problem: `${manifest.wasm.file}: ${bytesProblem}` };
  }
  const compiled: CompiledKernel = { name: manifest.name, kind: manifest.kind, inputs: manifest.inputs, wasm, exports: manifest.exports, constants: manifest.constants, hash: manifest.hash };
  return { status: 'ok', manifest, compiled };
}

/** Why `manifest` does not describe `kernel` (another declaration of the same name), or undefined. */
export function kernelMismatch(manifest: KernelManifest, kernel: UserKernel): string | undefined {
  const have = `${manifest.kind} ${manifest.name}(${[...manifest.inputNames, ...manifest.params].join(', ')})`;
  const want = `${kernel.kind} ${kernel.name}(${[...inputNamesOf(kernel), ...kernel.params.map(([n]) => n)].join(', ')})`;
  return have === want ? undefined : `it was built for ${have}, the kernel given is ${want}`;
}

/** The file's bytes; 'missing' when it does not exist; otherwise a sentence saying why not. */
function readLimited(file: string, most: number): Uint8Array | string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `cannot open ${file} (${(error as Error).message})`;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      return `${file} is not a file`;
    }
    if (stat.size > most) {
      return `${file} has ${stat.size} bytes, more than the ${most} a kernel's file may have`;
    }
    const bytes = new Uint8Array(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const got = readSync(fd, bytes, done, bytes.length - done, done);
      if (got === 0) {
        return `${file} shrank while it was read`;
      }
      done += got;
    }
    return bytes;
  } catch (error) {
    return `cannot read ${file} (${(error as Error).message})`;
  } finally {
    closeSync(fd);
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const HEX = /^[0-9a-f]+$/;

function isNames(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((n) => typeof n === 'string' && IDENT.test(n));
}

/** Why `v` is not a manifest this version can use, or undefined. */
export function manifestProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return 'the manifest is not an object';
  }
  const m = v as Record<string, unknown>;
  if (m['format'] !== 'hotpath-kernel' || m['formatVersion'] !== MANIFEST_FORMAT) {
    return `not a hotpath kernel manifest of format ${MANIFEST_FORMAT} (format ${JSON.stringify(m['format'])}, formatVersion ${JSON.stringify(m['formatVersion'])})`;
  }
  if (typeof m['hotpath'] !== 'string' || typeof m['name'] !== 'string' || !IDENT.test(m['name'])) {
    return 'hotpath (version) and name (an identifier) must be strings';
  }
  const kind = m['kind'] as KernelKind;
  if (!KINDS.includes(kind)) {
    return `kind ${JSON.stringify(m['kind'])} is not one of ${KINDS.join(', ')}`;
  }
  const inputs = m['inputs'];
  if (typeof inputs !== 'number' || !Number.isInteger(inputs) || inputs < 1 || inputs > 4) {
    return `inputs ${JSON.stringify(inputs)} is not an integer from 1 to 4`;
  }
  if (!isNames(m['inputNames']) || !isNames(m['params'])) {
    return 'inputNames and params must be arrays of identifiers';
  }
  // The calling convention is declared once (abi.ts): a manifest must repeat it exactly.
  if (JSON.stringify(m['exports']) !== JSON.stringify(signaturesOf(kind, inputs))) {
    return `exports differ from the calling convention of a ${kind} kernel with ${inputs} inputs (built by another hotpath version?)`;
  }
  const constants = m['constants'];
  if (!Array.isArray(constants) || constants.length > 4096 || !constants.every((c) => Number.isInteger(c) && (c as number) >= -(2 ** 31) && (c as number) < 2 ** 31)) {
    return 'constants must be at most 4096 int32 values';
  }
  if (typeof m['hash'] !== 'string' || !HEX.test(m['hash'])) {
    return 'hash must be a hex string';
  }
  const wasm = m['wasm'] as Record<string, unknown> | null;
  if (wasm === null || typeof wasm !== 'object' || typeof wasm['file'] !== 'string' || !/^[\w$.-]+\.wasm$/.test(wasm['file']) || !Number.isInteger(wasm['bytes']) || typeof wasm['sha256'] !== 'string' || !HEX.test(wasm['sha256'])) {
    return 'wasm must be { file: a .wasm name in the same folder, bytes, sha256 }';
  }
  const source = m['source'] as Record<string, unknown> | null;
  if (source === null || typeof source !== 'object' || typeof source['file'] !== 'string' || typeof source['sha256'] !== 'string' || !HEX.test(source['sha256'])) {
    return 'source must be { file, sha256 }';
  }
  if (m['key'] !== undefined && typeof m['key'] !== 'string') {
    return 'key must be a string';
  }
  return undefined;
}

/** Why `wasm` is not the module `manifest` describes, or not one a user kernel may be. */
function wasmProblem(wasm: Uint8Array, manifest: KernelManifest): string | undefined {
  if (wasm.length !== manifest.wasm.bytes || sha256(wasm) !== manifest.wasm.sha256) {
    return `${wasm.length} bytes that do not match the manifest's size ${manifest.wasm.bytes} and sha256 (truncated or replaced)`;
  }
  ensureRelaxedSimd();
  if (!WebAssembly.validate(wasm)) {
    return 'not a valid WebAssembly module';
  }
  const module = new WebAssembly.Module(wasm);
  // Module.imports/exports are in every Node this package supports; @types/node 20 lacks them.
  const reflect = WebAssembly.Module as unknown as {
    imports(m: WebAssembly.Module): { module: string; name: string; kind: string }[];
    exports(m: WebAssembly.Module): { name: string; kind: string }[];
  };
  const imports = reflect.imports(module).map((i) => `${i.module}.${i.name}`);
  if (imports.some((i) => i !== 'env.memory')) {
    return `imports ${imports.join(', ')}; a user kernel imports env.memory only`;
  }
  const functions = new Set(reflect.exports(module).filter((e) => e.kind === 'function').map((e) => e.name));
  const absent = manifest.exports.map((s) => s.name).filter((n) => !functions.has(n));
  if (absent.length > 0) {
    return `does not export ${absent.join(', ')}`;
  }
  return undefined;
}
