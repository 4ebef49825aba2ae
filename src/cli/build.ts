/**
 * `hotpath build FILE... [--out DIR] [--json]`: compiles every kernel the files export, ahead of
 * time, into DIR: per kernel `<name>.wasm` and `<name>.json` (its manifest: kind, inputs,
 * exports, constants, hash, the source file's sha256, the hotpath version). A deployment ships
 * DIR and loads with `compile: 'never'`: no compiler at run time.
 *
 * DIR defaults to `hotpath-build` in the package root of the first file (the nearest folder
 * with a package.json), which is where obtainKernel looks by default. All or nothing: when any
 * kernel does not compile, every diagnostic is printed, nothing is written, and the exit code is 2.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isHotpathError } from '../errors.js';
import { manifestOf, sha256, writeEntry } from '../user/artifact.js';
import { hotpathVersion, packageRootOf } from '../user/cache.js';
import { BUILD_DIR, createKernelLoader, type Obtained } from '../user/obtain.js';
import { importKernels, type ExportedKernel } from './kernelFiles.js';
import { formatTable } from './table.js';

export interface BuildCommandOptions {
  readonly out?: string;
  /** The compile cache (default: node_modules/.cache/hotpath/kernels of each kernel file's package). */
  readonly cacheDir?: string;
  readonly json?: boolean;
}

export interface BuiltKernel {
  readonly kernel: string;
  readonly kind: string;
  readonly inputs: number;
  readonly wasmBytes: number;
  /** Milliseconds to obtain the module (a compile, or a load from the cache). */
  readonly ms: number;
  readonly from: Obtained['source'];
  readonly file: string;
}

/** Builds; returns the exit code (0, or 2 when a kernel does not compile). @throws IO, ARGUMENT */
export async function buildCommand(files: readonly string[], options: BuildCommandOptions): Promise<number> {
  const found = await importKernels(files);
  const out = path.resolve(options.out ?? path.join(packageRootOf(found[0]!.file) ?? process.cwd(), BUILD_DIR));
  // Earlier artifacts are not read (they are what is being replaced); the cache is, since its
  // key covers the compiler. Compiles run in the loader's worker: under tsx it loads the
  // compiler natively, several times faster than through tsx's loader (compiler.ts).
  const loader = createKernelLoader({ artifacts: [], ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }) });
  const done: { found: ExportedKernel; obtained: Obtained }[] = [];
  const errors: string[] = [];
  try {
    for (const f of found) {
      try {
        done.push({ found: f, obtained: await loader.obtain(f.kernel) });
      } catch (error) {
        if (!isHotpathError(error)) {
          throw error;
        }
        errors.push(`error [${error.code}] ${error.message}`);
      }
    }
  } finally {
    await loader.close();
  }
  if (errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}\n${errors.length} of ${found.length} kernels did not compile; nothing was written to ${out}\n`);
    return 2;
  }
  const version = hotpathVersion();
  for (const { found: f, obtained } of done) {
    const base = path.join(out, f.kernel.name);
    const source = { file: path.relative(out, f.file), sha256: sha256(readFileSync(f.file)) };
    writeEntry(base, obtained.compiled, manifestOf(obtained.compiled, f.kernel, base, version, source));
  }
  const rows: BuiltKernel[] = done.map(({ found: f, obtained: o }) => ({ kernel: f.kernel.name, kind: f.kernel.kind, inputs: o.compiled.inputs, wasmBytes: o.compiled.wasm.length, ms: o.ms, from: o.source, file: path.relative(process.cwd(), f.file) }));
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify({ out, kernels: rows }, null, 2)}\n`);
  } else {
    const header = ['kernel', 'kind', 'inputs', 'wasm bytes', 'compile ms', 'from', 'file'];
    const table = formatTable(header, rows.map((r) => [r.kernel, r.kind, String(r.inputs), String(r.wasmBytes), r.ms.toFixed(0), r.from, r.file]));
    process.stdout.write(`hotpath build: ${rows.length} kernel${rows.length === 1 ? "" : "s"} from ${files.length} file${files.length === 1 ? "" : "s"} -> ${out}\n\n${table}`);
  }
  return 0;
}
