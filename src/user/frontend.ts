/**
 * Finds the kernel declarations of a source file (calls of map / reduce / rows / pairwise whose
 * argument is an object literal with a string `name`) and hands out their body functions, with
 * the file's text for error positions. Parsing uses the TypeScript compiler's own parser, so any
 * file tsc accepts is read the same way (JavaScript too).
 */
import ts from 'typescript';
import { compileFail, type Span } from './diagnostics.js';
import type { KernelKind } from './kernel.js';

export interface FoundKernel {
  readonly kind: KernelKind;
  readonly name: string;
  readonly file: string;
  readonly text: string;
  /** 1-based line of the declaring call (matches UserKernel.site.line). */
  readonly line: number;
  readonly inputs: readonly string[];
  readonly params: readonly string[];
  /** The body functions by property: element (or lanes), row, term, finish. */
  readonly functions: ReadonlyMap<string, ts.FunctionLikeDeclaration>;
  readonly call: ts.CallExpression;
}

const KINDS = new Set<string>(['map', 'reduce', 'rows', 'pairwise']);
const BODIES = new Set<string>(['element', 'lanes', 'row', 'term', 'finish']);

/** Every kernel declaration in `text`, in source order. */
export function findKernels(file: string, text: string): FoundKernel[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found: FoundKernel[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const kernel = declaration(file, text, source, node);
      if (kernel !== null) {
        found.push(kernel);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function calleeName(expr: ts.Expression): string | null {
  if (ts.isIdentifier(expr)) {
    return expr.text;
  }
  if (ts.isPropertyAccessExpression(expr)) {
    return expr.name.text;
  }
  return null;
}

function declaration(file: string, text: string, source: ts.SourceFile, call: ts.CallExpression): FoundKernel | null {
  const kind = calleeName(call.expression);
  const arg = call.arguments[0];
  if (kind === null || !KINDS.has(kind) || arg === undefined || !ts.isObjectLiteralExpression(arg)) {
    return null;
  }
  let name: string | null = null;
  const inputs: string[] = [];
  const params: string[] = [];
  const functions = new Map<string, ts.FunctionLikeDeclaration>();
  for (const prop of arg.properties) {
    const key = prop.name !== undefined && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : null;
    if (key === null) {
      continue;
    }
    if (ts.isMethodDeclaration(prop) && BODIES.has(key)) {
      functions.set(key, prop);
    } else if (ts.isPropertyAssignment(prop)) {
      const init = prop.initializer;
      if (key === 'name' && ts.isStringLiteralLike(init)) {
        name = init.text;
      } else if (key === 'inputs' && ts.isArrayLiteralExpression(init)) {
        inputs.push(...init.elements.filter(ts.isStringLiteralLike).map((e) => e.text));
      } else if (key === 'params' && ts.isObjectLiteralExpression(init)) {
        params.push(...init.properties.flatMap((p) => (p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [])));
      } else if (BODIES.has(key) && (ts.isFunctionExpression(init) || ts.isArrowFunction(init))) {
        functions.set(key, init);
      }
    }
  }
  if (name === null) {
    return null;
  }
  const line = source.getLineAndCharacterOfPosition(call.getStart(source)).line + 1;
  return { kind: kind as KernelKind, name, file, text, line, inputs, params, functions, call };
}

/** The span of a node, for compileFail. */
export function spanOf(node: ts.Node): Span {
  return { start: node.getStart(), end: node.getEnd() };
}

/**
 * The declaration of `name` in the file (the one on `line` when several share the name).
 * @throws COMPILE when the file has no such declaration
 */
export function pickKernel(found: readonly FoundKernel[], name: string, file: string, text: string, line?: number): FoundKernel {
  const named = found.filter((k) => k.name === name);
  const pick = named.find((k) => k.line === line) ?? (named.length === 1 ? named[0] : undefined);
  if (pick === undefined) {
    return compileFail({
      kernel: name,
      file,
      text,
      span: { start: 0, end: 1 },
      problem: named.length === 0 ? `no declaration named '${name}' in the file` : `${named.length} declarations named '${name}' in the file`,
      hint: "declare the kernel with a literal name, e.g. map({ name: 'huber', ... }), once per file",
    });
  }
  return pick;
}
