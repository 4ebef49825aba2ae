/**
 * The kernels a user's files export, for `hotpath build` and `hotpath check`. Each file is
 * imported (it is the user's module: its top level runs); every exported value that map(),
 * reduce(), rows() or pairwise() made is a kernel. TypeScript files need tsx: under `tsx
 * src/cli/main.ts` it is already there; the built CLI (`node dist/cli/main.js`) registers the
 * tsx of the user's project (or hotpath's own) before the first .ts import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fail } from '../errors.js';
import type { UserKernel } from '../user/kernel.js';

export interface ExportedKernel {
  /** Absolute path of the file that exports it. */
  readonly file: string;
  /** The export's name (`default` for a default export). */
  readonly exportName: string;
  readonly kernel: UserKernel;
}

const KINDS = ['map', 'reduce', 'rows', 'pairwise'];

function isKernel(v: unknown): v is UserKernel {
  const k = v as Partial<UserKernel> | null;
  return k !== null && typeof k === 'object' && KINDS.includes(k.kind as string) && typeof k.name === 'string' && Array.isArray(k.params) && k.decl !== null && typeof k.decl === 'object';
}

/**
 * Imports `files` and lists their exported kernels, in file then export order; a kernel
 * exported twice (e.g. also as default) is listed once.
 * @throws IO when a file is missing or its import throws; ARGUMENT when a file exports no
 *   kernel or two kernels of different declarations share a name
 */
export async function importKernels(files: readonly string[]): Promise<ExportedKernel[]> {
  const found: ExportedKernel[] = [];
  let typescript = import.meta.url.endsWith('.ts');
  for (const given of files) {
    const file = path.resolve(given);
    if (!existsSync(file)) {
      fail({ code: 'IO', kernel: 'hotpath', problem: `cannot find '${given}'`, expected: 'a .ts or .js file that exports kernels', received: file });
    }
    if (/\.[mc]?ts$/.test(file) && !typescript) {
      await registerTsx(file);
      typescript = true;
    }
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      return fail({ code: 'IO', kernel: 'hotpath', problem: `importing '${given}' failed`, expected: 'a module that loads', received: error instanceof Error ? error.message.split('\n')[0]! : String(error), hint: `run it with \`tsx ${given}\` to see the full error` });
    }
    const before = found.length;
    for (const [exportName, value] of Object.entries(module)) {
      if (isKernel(value) && !found.some((f) => f.kernel === value)) {
        const clash = found.find((f) => f.kernel.name === value.name);
        if (clash !== undefined) {
          fail({ code: 'ARGUMENT', kernel: value.name, problem: 'two kernels have the same name', expected: 'one kernel per name (the name identifies its artifact, its stats and its errors)', received: `${clash.exportName} in ${clash.file} and ${exportName} in ${file}`, hint: 'rename one (its `name` field)' });
        }
        found.push({ file, exportName, kernel: value });
      }
    }
    if (found.length === before) {
      fail({ code: 'ARGUMENT', kernel: 'hotpath', problem: `'${given}' exports no kernel`, expected: 'exported values made by map(), reduce(), rows() or pairwise()', received: `exports: ${Object.keys(module).join(', ') || 'none'}`, hint: 'export each kernel: `export const huber = reduce({ ... })`' });
    }
  }
  return found;
}

/** Registers tsx in this process (the built CLI runs under plain Node). @throws IO */
async function registerTsx(file: string): Promise<void> {
  let api: string | undefined;
  for (const from of [file, import.meta.url]) {
    try {
      // require.resolve would give the CommonJS build of the API; the ESM one is named in exports.
      const manifest = createRequire(from).resolve('tsx/package.json');
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
      api = pathToFileURL(path.join(path.dirname(manifest), pkg.exports?.['./esm/api']?.import?.default ?? 'dist/esm/api/index.mjs')).href;
      break;
    } catch {
      // Not installed there; try the next place.
    }
  }
  if (api === undefined) {
    fail({ code: 'IO', kernel: 'hotpath', problem: `cannot load the TypeScript file '${file}'`, expected: 'tsx installed in the project (it runs TypeScript without a build step)', received: 'no tsx found', hint: 'npm install --save-dev tsx, or point the command at the compiled .js file' });
  }
  const tsx = (await import(api)) as { register(): unknown };
  tsx.register();
}
