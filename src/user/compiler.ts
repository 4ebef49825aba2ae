/**
 * Who runs the compiler: a worker thread, so the ~1.5 s import of AssemblyScript and each
 * compile never block the caller's event loop. It gives the CompiledKernel or the coded error
 * that compileKernel gives.
 *
 * Under tsx the worker's module is a .ts file that plain Node cannot load: a tiny evaluated
 * bootstrap registers tsx in the worker first, found from this package the way it was found for
 * the caller. Built (dist/) the worker is plain JavaScript and needs nothing.
 */
import { Worker } from 'node:worker_threads';
import { HotpathError, type ErrorDetails } from '../errors.js';
import type { CompiledKernel } from './abi.js';
import type { KernelKind, SourceSite, UserKernel } from './kernel.js';

/** Turns a user kernel into a checked module. The runtime's UserCompiler has this shape. */
export interface KernelCompiler {
  /** @throws COMPILE with the user's file:line:col, IO when the source cannot be read */
  compile(kernel: UserKernel): Promise<CompiledKernel>;
  /** Stops a worker, if one was started. Idempotent. */
  close(): Promise<void>;
}

/** A kernel as data: what crosses to the worker. */
export interface KernelSkeleton {
  readonly kind: KernelKind;
  readonly name: string;
  readonly params: readonly (readonly [string, number])[];
  readonly site: SourceSite | undefined;
  /** The declaration's fields that are data (inputs, params, combine, tolerance...). */
  readonly decl: Readonly<Record<string, unknown>>;
  /** The declaration's fields that are functions (the worker puts stubs there). */
  readonly functions: readonly string[];
}

export interface WorkerRequest {
  readonly id: number;
  readonly kernel: KernelSkeleton;
}

export type WorkerReply = { readonly id: number; readonly ok: true; readonly compiled: CompiledKernel } | { readonly id: number; readonly ok: false; readonly error: ErrorDetails };

export function skeletonOf(kernel: UserKernel): KernelSkeleton {
  const decl: Record<string, unknown> = {};
  const functions: string[] = [];
  for (const [field, value] of Object.entries(kernel.decl as unknown as Record<string, unknown>)) {
    if (typeof value === 'function') {
      functions.push(field);
    } else if (value !== undefined) {
      // Data only (the declaration API accepts nothing else in these fields).
      decl[field] = JSON.parse(JSON.stringify(value)) as unknown;
    }
  }
  return { kind: kernel.kind, name: kernel.name, params: kernel.params, site: kernel.site, decl, functions };
}

/**
 * The worker's bootstrap. For a .ts worker (hotpath run from its sources) it registers tsx, but
 * loads the compiler's dependencies natively first: through tsx's loader, esbuild would
 * transform assemblyscript's megabytes of JavaScript (measured: 12-14 s instead of 0.75 s for
 * the import of assemblyscript/asc). Later imports of the same URLs come from the module cache.
 */
const BOOTSTRAP = `"use strict";
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx !== undefined) {
    for (const url of workerData.preload) await import(url);
    (await import(workerData.tsx)).register();
  }
  await import(workerData.module);
})();`;

/**
 * Compiles in one worker thread, started on the first compile and kept (with AssemblyScript
 * loaded) until close(); it does not keep the process alive while idle.
 * @example const compiler = createWorkerCompiler(); const c = await compiler.compile(huber); await compiler.close();
 */
export function createWorkerCompiler(): KernelCompiler {
  const pending = new Map<number, { resolve(c: CompiledKernel): void; reject(e: Error): void; name: string }>();
  let worker: Worker | undefined;
  let next = 0;
  const failAll = (why: string): void => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new HotpathError({ code: 'COMPILE', kernel: p.name, problem: 'the compile worker stopped', expected: 'a compiled module', received: why, hint: 'compile in this thread with `hotpath build` to see the error' }));
    }
    worker = undefined;
  };
  const start = (): Worker => {
    const isTs = import.meta.url.endsWith('.ts');
    const module = new URL(`./compileWorker.${isTs ? 'ts' : 'js'}`, import.meta.url).href;
    const tsx = isTs ? resolved('tsx/esm/api') : undefined;
    const preload = isTs ? [resolved('typescript'), resolved('assemblyscript/asc')].filter((u) => u !== undefined) : [];
    // execArgv []: a worker would otherwise inherit `--import tsx` (Node 22+ runs it in workers).
    const w = new Worker(BOOTSTRAP, { eval: true, execArgv: [], workerData: { module, tsx, preload } });
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) {
        w.unref();
      }
      if (p !== undefined) {
        reply.ok ? p.resolve(reply.compiled) : p.reject(new HotpathError(reply.error));
      }
    });
    w.on('error', (error) => failAll(error.stack ?? error.message));
    w.on('exit', (code) => {
      if (worker === w) {
        failAll(`exit code ${code}`);
      }
    });
    return w;
  };
  return {
    compile(kernel) {
      const id = next++;
      const skeleton = skeletonOf(kernel);
      return new Promise<CompiledKernel>((resolve, reject) => {
        worker ??= start();
        pending.set(id, { resolve, reject, name: kernel.name });
        worker.ref();
        worker.postMessage({ id, kernel: skeleton } satisfies WorkerRequest);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w !== undefined) {
        await w.terminate();
        failAll('closed');
      }
    },
  };
}

/** `specifier` resolved from this module as a URL, or undefined when it cannot be found. */
function resolved(specifier: string): string | undefined {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}
