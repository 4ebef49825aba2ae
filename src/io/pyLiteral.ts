/**
 * A strict parser for the Python literal subset that numpy writes in a .npy header: a dict with
 * string keys whose values are strings, True/False/None, numbers, tuples and lists.
 *
 * numpy itself reads the header with `ast.literal_eval`; a JavaScript port must never eval, and
 * a hand-written grammar this small is easy to check by eye. Numbers are kept as their source
 * text so the caller decides what is a valid dim (and can say `2.5` or `-1` in its message).
 */

export type PyLiteral =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'tuple'; readonly items: readonly PyLiteral[] }
  | { readonly kind: 'list'; readonly items: readonly PyLiteral[] };

export type PyDictResult =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, PyLiteral> }
  /** `at` is a character index into the text. */
  | { readonly ok: false; readonly problem: string; readonly at: number };

/** Nesting deeper than this is not a header numpy wrote; the limit keeps recursion bounded. */
const MAX_DEPTH = 32;

/**
 * Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` into its entries.
 * Never throws: a syntax problem comes back as `{ ok: false, problem, at }`.
 * @example parsePyDict("{'shape': (5,)}") // { ok: true, entries: Map { 'shape' => tuple [5] } }
 */
export function parsePyDict(text: string): PyDictResult {
  const parser = new Parser(text);
  try {
    const entries = parser.dict();
    return { ok: true, entries };
  } catch (error) {
    if (error instanceof SyntaxFault) {
      return { ok: false, problem: error.message, at: error.at };
    }
    throw error;
  }
}

/** How a literal reads in an error message (short, Python-like). */
export function describeLiteral(value: PyLiteral): string {
  switch (value.kind) {
    case 'str':
      return `'${value.value}'`;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'number':
      return value.text;
    case 'tuple':
      return value.items.length === 1 ? `(${describeLiteral(value.items[0]!)},)` : `(${value.items.map(describeLiteral).join(', ')})`;
    case 'list':
      return `[${value.items.map(describeLiteral).join(', ')}]`;
  }
}

class SyntaxFault extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

const NUMBER = /-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

class Parser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  dict(): Map<string, PyLiteral> {
    const entries = new Map<string, PyLiteral>();
    this.skipSpace();
    this.expect('{', 'a dict literal starting with {');
    this.skipSpace();
    while (this.peek() !== '}') {
      const keyAt = this.pos;
      if (this.peek() !== "'" && this.peek() !== '"') {
        this.fault('expected a quoted key');
      }
      const key = this.string();
      if (entries.has(key)) {
        throw new SyntaxFault(`duplicate key '${key}'`, keyAt);
      }
      this.skipSpace();
      this.expect(':', "':' after a key");
      this.skipSpace();
      entries.set(key, this.value(1));
      this.skipSpace();
      if (!this.separator('}')) {
        break;
      }
    }
    this.expect('}', "',' or '}'");
    this.skipSpace();
    if (this.pos !== this.text.length) {
      this.fault('unexpected text after the dict');
    }
    return entries;
  }

  private value(depth: number): PyLiteral {
    if (depth > MAX_DEPTH) {
      this.fault(`nesting deeper than ${MAX_DEPTH}`);
    }
    const c = this.peek();
    if (c === "'" || c === '"') {
      return { kind: 'str', value: this.string() };
    }
    if (c === '(' || c === '[') {
      return this.sequence(c, depth);
    }
    const number = this.match(NUMBER);
    if (number !== undefined) {
      return { kind: 'number', text: number };
    }
    const at = this.pos;
    const word = this.match(WORD);
    if (word === 'True' || word === 'False') {
      return { kind: 'bool', value: word === 'True' };
    }
    if (word === 'None') {
      return { kind: 'none' };
    }
    // Anything else (names, calls, sets, nested dicts) is outside the literal subset.
    throw new SyntaxFault(word === undefined ? 'expected a value' : `'${word}' is not a literal`, at);
  }

  /** `(a, b)`, `(a,)`, `()` and `[a, b]`; a trailing comma is allowed, as in Python. */
  private sequence(open: '(' | '[', depth: number): PyLiteral {
    const close = open === '(' ? ')' : ']';
    const start = this.pos;
    this.pos++;
    this.skipSpace();
    const items: PyLiteral[] = [];
    let trailingComma = false;
    while (this.peek() !== close) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      trailingComma = this.separator(close);
      if (!trailingComma) {
        break;
      }
    }
    this.expect(close, `',' or '${close}'`);
    // `(5)` is just 5 in Python, never a shape; numpy writes `(5,)`.
    if (open === '(' && items.length === 1 && !trailingComma) {
      throw new SyntaxFault('a one-element tuple needs a trailing comma, as in (5,)', start);
    }
    return open === '(' ? { kind: 'tuple', items } : { kind: 'list', items };
  }

  /** Consumes a `,` (and the space after it); false when the closing bracket comes instead. */
  private separator(close: string): boolean {
    if (this.peek() === ',') {
      this.pos++;
      this.skipSpace();
      return true;
    }
    if (this.peek() !== close) {
      this.fault(`expected ',' or '${close}'`);
    }
    return false;
  }

  /** A quoted string without escapes: numpy's keys and descrs never need them. */
  private string(): string {
    const quote = this.peek();
    const start = this.pos;
    this.pos++;
    const end = this.text.indexOf(quote, this.pos);
    const body = end < 0 ? this.text.slice(this.pos) : this.text.slice(this.pos, end);
    if (end < 0 || body.includes('\n')) {
      throw new SyntaxFault('unterminated string', start);
    }
    if (body.includes('\\')) {
      throw new SyntaxFault('escape sequences in strings are not supported', start);
    }
    this.pos = end + 1;
    return body;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (m === null) {
      return undefined;
    }
    this.pos += m[0].length;
    return m[0];
  }

  private expect(char: string, what: string): void {
    if (this.peek() !== char) {
      this.fault(`expected ${what}`);
    }
    this.pos++;
  }

  private peek(): string {
    return this.text.charAt(this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text.charAt(this.pos))) {
      this.pos++;
    }
  }

  private fault(problem: string): never {
    const found = this.pos >= this.text.length ? 'the end of the header' : JSON.stringify(this.text.slice(this.pos, this.pos + 12));
    throw new SyntaxFault(`${problem}, found ${found}`, this.pos);
  }
}
