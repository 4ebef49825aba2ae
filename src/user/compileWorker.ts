/**
 * The compile worker's body: it receives kernels as plain data (a KernelSkeleton: functions
 * cannot cross threads, and the compiler reads the bodies from the source file, not from the
 * function objects), compiles each with compileKernel and posts back the module or the error's
 * fields. Loading typescript and assemblyscript here keeps the main thread responsive during
 * the ~1.5 s import and each compile.
 */
import { parentPort } from 'node:worker_threads';
import { HotpathError } from '../errors.js';
import { compileKernel } from './compile.js';
import type { KernelSkeleton, WorkerReply, WorkerRequest } from './compiler.js';
import type { UserKernel } from './kernel.js';

/** A kernel the compiler can read: the declaration's data, and stubs for its functions. */
function revive(s: KernelSkeleton): UserKernel {
  const stub = (): never => {
    throw new Error(`internal: ${s.name}'s reference function was called in the compile worker`);
  };
  const decl: Record<string, unknown> = { ...s.decl };
  for (const field of s.functions) {
    decl[field] = stub;
  }
  return { kind: s.kind, name: s.name, params: s.params, site: s.site, decl } as unknown as UserKernel;
}

async function handle(request: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    const compiled = await compileKernel(revive(request.kernel));
    reply = { id: request.id, ok: true, compiled };
  } catch (error) {
    if (error instanceof HotpathError) {
      const { code, kernel, problem, expected, received, hint } = error;
      reply = { id: request.id, ok: false, error: { code, kernel, problem, expected, received, hint } };
    } else {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply = { id: request.id, ok: false, error: { code: 'COMPILE', kernel: request.kernel.name, problem: 'the compiler failed (a hotpath bug)', expected: 'a module or a coded error', received: text, hint: undefined } };
    }
  }
  parentPort!.postMessage(reply, reply.ok ? [reply.compiled.wasm.buffer as ArrayBuffer] : []);
}

parentPort!.on('message', (request: WorkerRequest) => void handle(request));
