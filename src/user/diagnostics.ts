/**
 * Compile errors a person can act on: the user's own `file:line:col`, the source line with a
 * caret under the offending code, what is wrong in plain words and what to do instead.
 */
import { fail } from '../errors.js';

/** A place in the user's file: 0-based offsets of the offending text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * `file:line:col` then the source line and a caret line marking the span (its first line).
 * @example located('k.ts', 'const x = y;\n', { start: 10, end: 11 }) // 'k.ts:1:11\n  const x = y;\n            ^'
 */
export function located(file: string, text: string, span: Span): string {
  const { line, column } = lineColumn(text, span.start);
  const lineStart = span.start - (column - 1);
  const lineEnd = text.indexOf('\n', lineStart);
  const source = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\t/g, ' ');
  const width = Math.max(1, Math.min(span.end, lineEnd < 0 ? text.length : lineEnd) - span.start);
  return `${file}:${line}:${column}\n  ${source}\n  ${' '.repeat(column - 1)}${'^'.repeat(width)}`;
}

export interface CompileProblem {
  readonly kernel: string;
  readonly file: string;
  readonly text: string;
  readonly span: Span;
  /** What is wrong, in the user's terms. */
  readonly problem: string;
  /** What to do instead. */
  readonly hint?: string;
}

/** Throws COMPILE with the place, the line and a caret. */
export function compileFail(p: CompileProblem): never {
  return fail({
    code: 'COMPILE',
    kernel: p.kernel,
    problem: `${p.problem} at ${located(p.file, p.text, p.span)}\n`,
    ...(p.hint === undefined ? {} : { hint: p.hint }),
  });
}
