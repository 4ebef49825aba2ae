/**
 * compileKernel(kernel): the user's source file -> lane graphs -> AssemblyScript -> a wasm module
 * that imports only the shared memory, checked after the build (no data segments, no memory
 * growth, nothing imported but env.memory) so it can never write outside the tensors it is
 * given. The AssemblyScript compiler is loaded on first use (about 1.5 s); later compiles take a
 * few hundred milliseconds.
 */
import { createHash } from 'node:crypto';
import type ts from 'typescript';
import { readFileSync } from 'node:fs';
import { fail } from '../errors.js';
import type { CompiledKernel } from './abi.js';
import { compileFail } from './diagnostics.js';
import { findKernels, pickKernel, spanOf, type FoundKernel } from './frontend.js';
import { Builder } from './ir.js';
import type { PairwiseDecl, ReduceDecl, UserKernel } from './kernel.js';
import { lowerFunction, type LowerContext } from './lower.js';
import { ensureRelaxedSimd } from './engine.js';
import { rowsModule } from './rows.js';
import { mapModule, pairwiseModule, reduceModule, type Generated, type Graph } from './templates.js';

/** Flags of every user module: the heap's memory (imported, shared, 4 GiB), no runtime, no asserts. */
export const ASC_OPTIONS = {
  runtime: 'stub',
  noAssert: true,
  enable: ['simd', 'threads', 'relaxed-simd'],
  importMemory: true,
  sharedMemory: true,
  initialMemory: 17,
  maximumMemory: 65536,
  noExportMemory: true,
  optimizeLevel: 3,
  shrinkLevel: 0,
  use: ['abort='],
} as const;

/** The source text a kernel was declared in. @throws IO when the file cannot be read */
export function sourceOf(kernel: UserKernel): { file: string; text: string } {
  const file = kernel.site?.file;
  if (file === undefined) {
    return fail({ code: 'COMPILE', kernel: kernel.name, problem: 'cannot find the file that declares the kernel', expected: 'a declaration in a .ts or .js file (its call site is read from the stack)', received: 'no file in the stack', hint: 'declare kernels at the top level of a module file' });
  }
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    return fail({ code: 'IO', kernel: kernel.name, problem: `cannot read the kernel's source '${file}'`, expected: 'the file that declares the kernel', received: error instanceof Error ? error.message : String(error), hint: 'deploy with `hotpath build` output, or ship the source next to the compiled code' });
  }
}

/** The AssemblyScript module of one declaration (no compiler involved: fast, testable). */
export function generate(found: FoundKernel, kernel: UserKernel): Generated {
  const body = (role: string): ts.FunctionLikeDeclaration =>
    found.functions.get(role) ??
    compileFail({ kernel: found.name, file: found.file, text: found.text, span: spanOf(found.call), problem: `the declaration has no '${role}' function the compiler can read`, hint: `write ${role} as a method or a function expression inside the declaration` });
  const graph = (role: string, args: (b: Builder) => ReturnType<Builder['arg']>[]): Graph => {
    // An element body may be written as explicit SIMD (lanes.ts): the same graph, other rules.
    const explicit = role === 'element' && found.functions.has('lanes');
    const fn = body(explicit ? 'lanes' : role);
    const b = new Builder();
    const ctx: LowerContext = { kernel: found.name, file: found.file, text: found.text, b, explicit };
    return { nodes: b.nodes, result: lowerFunction(ctx, fn, args(b), explicit ? 'lanes' : role).result };
  };
  const params = found.params.length;
  const inputs = found.inputs.length;
  const sequence = (n: number) => (b: Builder) => Array.from({ length: n }, (_, i) => b.arg(i));
  switch (found.kind) {
    case 'map':
      return mapModule(graph('element', sequence(inputs + params)), inputs, params);
    case 'reduce':
      return reduceModule(graph('element', sequence(inputs + params)), inputs, params, (kernel.decl as ReduceDecl).combine);
    case 'pairwise': {
      const decl = kernel.decl as PairwiseDecl;
      const finish = decl.finish === undefined ? null : graph('finish', sequence(1 + params));
      return pairwiseModule(graph('term', sequence(2 + params)), finish, params, decl.combine ?? 'sum');
    }
    case 'rows':
      return rowsModule(found, body('row'));
  }
}

/** Reads, checks and generates a kernel's module source. @throws COMPILE, IO */
export function generateKernel(kernel: UserKernel): Generated & { found: FoundKernel } {
  const { file, text } = sourceOf(kernel);
  const found = pickKernel(findKernels(file, text), kernel.name, file, text, kernel.site?.line);
  if (found.kind !== kernel.kind) {
    compileFail({ kernel: kernel.name, file, text, span: spanOf(found.call), problem: `the file declares '${kernel.name}' with ${found.kind}(), the kernel given was made by ${kernel.kind}()`, hint: 'give each kernel its own name' });
  }
  const want = [...('inputs' in kernel.decl ? kernel.decl.inputs : []), ...kernel.params.map(([n]) => n)];
  const have = [...found.inputs, ...found.params];
  if (want.join(',') !== have.join(',')) {
    compileFail({ kernel: kernel.name, file, text, span: spanOf(found.call), problem: `the file's declaration (${have.join(', ')}) differs from the kernel given (${want.join(', ')})`, hint: 'the source file changed after it was loaded, or inputs/params are not literals; restart, and write them as literals' });
  }
  return { ...generate(found, kernel), found };
}

type Asc = typeof import('assemblyscript/asc');

/** The compiler, imported once per process (its import alone takes about 1.5 s). */
let ascModule: Promise<Asc> | undefined;

function loadAsc(): Promise<Asc> {
  ascModule ??= import('assemblyscript/asc');
  return ascModule;
}

/**
 * Compiles a declared kernel to a checked wasm module.
 * @example const compiled = await compileKernel(huber); compiled.exports[0].name // 'run'
 * @throws COMPILE with file:line:col for unsupported code, IO when the source cannot be read
 */
export async function compileKernel(kernel: UserKernel): Promise<CompiledKernel> {
  const generated = generateKernel(kernel);
  const asc = (await loadAsc()).default;
  const result = await asc.compileString({ 'kernel.ts': generated.source }, { ...ASC_OPTIONS, enable: [...ASC_OPTIONS.enable], use: [...ASC_OPTIONS.use], textFile: 'kernel.wat' });
  if (result.error !== null || result.binary === null) {
    // Generated code that does not compile is our bug, not the user's: say so with the output.
    return fail({ code: 'COMPILE', kernel: kernel.name, problem: 'the generated AssemblyScript did not compile (a hotpath bug)', expected: 'a module', received: `${result.error?.message ?? 'no binary'}: ${result.stderr.toString().slice(0, 2000)}`, hint: 'report it with the kernel source; load with { fallback: "ref" } meanwhile' });
  }
  checkModule(kernel.name, result.binary, result.text ?? '');
  const hash = createHash('sha256').update(generated.source).update(JSON.stringify(generated.constants)).digest('hex').slice(0, 32);
  return {
    name: kernel.name,
    kind: kernel.kind,
    inputs: kernel.kind === 'pairwise' ? 2 : generated.found.inputs.length,
    wasm: result.binary,
    exports: generated.exports,
    constants: generated.constants,
    hash,
  };
}

/** What a user module may not do, checked on the built binary. @throws COMPILE */
export function checkModule(name: string, wasm: Uint8Array, text: string): void {
  ensureRelaxedSimd();
  const module = new WebAssembly.Module(wasm);
  // Module.imports is in every Node this package supports; @types/node 20 does not declare it.
  const reflect = WebAssembly.Module as unknown as { imports(m: WebAssembly.Module): { module: string; name: string }[] };
  const imports = reflect.imports(module).map((i) => `${i.module}.${i.name}`);
  const extra = imports.filter((i) => i !== 'env.memory');
  const problems: string[] = [];
  if (extra.length > 0) {
    problems.push(`imports ${extra.join(', ')}`);
  }
  if (/\(data\b/.test(text)) {
    problems.push('has data segments (they would be written into the shared heap)');
  }
  if (/memory\.grow/.test(text)) {
    problems.push('grows memory');
  }
  if (problems.length > 0) {
    fail({ code: 'COMPILE', kernel: name, problem: 'the built module breaks the rules of user modules (a hotpath bug)', expected: 'imports env.memory only, no data segments, no memory growth', received: problems.join('; '), hint: 'report it with the kernel source' });
  }
}
