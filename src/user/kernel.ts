/**
 * How a user declares a kernel of their own: `map`, `reduce`, `rows` and `pairwise`, each taking
 * a plain TypeScript function written for ONE element (or one row). That function is the
 * reference: hotpath runs it as JavaScript on `require: 'ref'`, for `verify` and in `hotpath
 * check`. The compiler (compile.ts) reads the same function from its source file and generates
 * the four-lane SIMD loop and the thread split around it.
 *
 * This module imports nothing from the runtime, so a kernel file stays light:
 * `import { map, type f32 } from 'hotpath/kernel'`.
 *
 * @example
 * export const huber = reduce({
 *   name: 'huber', inputs: ['pred', 'target'], params: { delta: 1 }, combine: 'sum',
 *   element(pred: f32, target: f32, delta: f32): f32 {
 *     const r = pred - target;
 *     const a = Math.abs(r);
 *     return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
 *   },
 * });
 */
import { fail } from '../errors.js';
import { elementOfLanes, type V128 } from './lanes.js';

/** A float32 lane: a plain number in the reference, one of four SIMD lanes when compiled. */
export type f32 = number;
/** An int32 value (loop counters, row lengths). */
export type i32 = number;
/** One row of a `rows` kernel: a Float32Array view in the reference, a pointer when compiled. */
export type Row = Float32Array;

/**
 * How a reduce kernel combines its element values (the same for any thread count). argmin and
 * argmax give the flat index (C order of the broadcast inputs) of the first smallest / largest
 * value, the first NaN when there is one (as numpy), and that value.
 */
export type Combine = 'sum' | 'min' | 'max' | 'argmin' | 'argmax';

/** Whether a combine gives an index and its value (argmin, argmax) rather than one value. */
export function isArg(combine: Combine | undefined): combine is 'argmin' | 'argmax' {
  return combine === 'argmin' || combine === 'argmax';
}

/**
 * Whether `value`, met after the best so far (`best`, or none yet), takes its place in argmin
 * (argmax when `largest`): numpy's rule, the first NaN wins, else the first smallest (largest).
 * The reference walks elements with it, the wasm host walks the chunks' partials.
 */
export function argTakes(value: number, best: number, hasBest: boolean, largest: boolean): boolean {
  if (!hasBest) {
    return true;
  }
  if (Number.isNaN(best)) {
    return false;
  }
  return Number.isNaN(value) || (largest ? value > best : value < best);
}

/** The tolerance of a kernel that declares none: 8 float32 ulps of max(|reference|, 1). */
export const DEFAULT_TOLERANCE = { ulp: 8, floor: 1 } as const;

/** How far the compiled kernel may be from the reference: relative error in float32 ulps. */
export interface UserTolerance {
  /** Allowed error in units of float32 epsilon times max(|reference|, floor). */
  readonly ulp: number;
  /** The magnitude below which errors count as absolute (default 1). */
  readonly floor?: number;
}

interface Common {
  /** The kernel's id in stats, explain() and errors; a JavaScript identifier. */
  readonly name: string;
  /** Scalar parameters with their defaults, in the order the body takes them after the inputs. */
  readonly params?: Readonly<Record<string, number>>;
  readonly tolerance?: UserTolerance;
  /**
   * The values each input is meant for, [low, high] by input name (pairwise: 'x' and 'y'):
   * `hotpath check` draws its finite values there (NaN and infinities are still tried). The
   * tolerance is claimed inside the domain; e.g. angles in radians for trigonometry, where
   * float32 arguments of millions have lost their fractional part.
   */
  readonly domain?: Readonly<Record<string, readonly [number, number]>>;
}

/** A body in explicit SIMD: four elements per call as v128 values (lanes.ts), params splat. */
export type LanesBody = (...values: V128[]) => V128;

export interface MapDecl extends Common {
  /** Input names, in the order the body takes them; tensors broadcast like numpy (at most 4). */
  readonly inputs: readonly string[];
  /** One output element from one element of each input, then the params. */
  readonly element: (...values: number[]) => number;
  /** The explicit-SIMD body the element function was made from, when the kernel declared one. */
  readonly lanes?: LanesBody;
}

export interface ReduceDecl extends MapDecl {
  readonly combine: Combine;
}

/**
 * What map() and reduce() take: the body either as `element` (scalar, vectorised by hotpath) or
 * as `lanes` (explicit f32x4 code, for experts; see lanes.ts), not both.
 */
export type ElementInput<D extends MapDecl> = Omit<D, 'element' | 'lanes'> & ({ readonly element: MapDecl['element']; readonly lanes?: undefined } | { readonly lanes: LanesBody; readonly element?: undefined });

export interface RowsDecl extends Common {
  /** Input names; each input is [rows, n] (the same shape); the output too. */
  readonly inputs: readonly string[];
  /** (row of each input..., out row, n, params...): writes out[0..n). */
  readonly row: (...args: never[]) => void;
}

export interface PairwiseDecl extends Common {
  /** One term for a pair of coordinates: (a, b, params...), combined over the dimension. */
  readonly term: (...values: number[]) => number;
  /** How the terms of one pair combine (default 'sum'). */
  readonly combine?: 'sum' | 'max';
  /** The distance from the combined value: (acc, params...); default the value itself. */
  readonly finish?: (...values: number[]) => number;
}

export type KernelKind = 'map' | 'reduce' | 'rows' | 'pairwise';

/** Where a declaration is in the user's source: the compiler reads the body there. */
export interface SourceSite {
  /** Absolute path of the file. */
  readonly file: string;
  /** 1-based line and column of the declaring call. */
  readonly line: number;
  readonly column: number;
}

/** A declared user kernel: pass it to `runtime.load()`, then to `runtime.run()`. */
export interface UserKernel<D = MapDecl | ReduceDecl | RowsDecl | PairwiseDecl> {
  readonly kind: KernelKind;
  readonly name: string;
  readonly decl: D;
  /** Parameter names in body order and their defaults. */
  readonly params: readonly (readonly [string, number])[];
  /** The declaring call's place, or undefined when it could not be found from the stack. */
  readonly site: SourceSite | undefined;
}

/** Element-wise over broadcast inputs: out[i] = element(a[i], b[i], ..., params). Throws ARGUMENT. */
export function map(input: ElementInput<MapDecl>): UserKernel<MapDecl> {
  checkCommon('map', input);
  checkInputs('map', input, 4);
  const decl = withElement(input);
  return made('map', decl);
}

/** element() over broadcast inputs, combined into one float32 scalar. Throws ARGUMENT. */
export function reduce(input: ElementInput<ReduceDecl>): UserKernel<ReduceDecl> {
  checkCommon('reduce', input);
  checkInputs('reduce', input, 4);
  const decl = withElement(input);
  if (!['sum', 'min', 'max', 'argmin', 'argmax'].includes(decl.combine)) {
    fail({ code: 'ARGUMENT', kernel: decl.name, problem: 'invalid combine', expected: "'sum', 'min', 'max', 'argmin' or 'argmax'", received: String(decl.combine) });
  }
  return made('reduce', decl);
}

/** One output row from the same row of each [rows, n] input. Throws ARGUMENT. */
export function rows(decl: RowsDecl): UserKernel<RowsDecl> {
  checkCommon('rows', decl);
  checkInputs('rows', decl, 4);
  checkFunction(decl.name, 'row', decl.row);
  return made('rows', decl);
}

/** [n, d] x [m, d] -> [n, m]: finish(combine over k of term(x[i, k], y[j, k])). Throws ARGUMENT. */
export function pairwise(decl: PairwiseDecl): UserKernel<PairwiseDecl> {
  checkCommon('pairwise', decl);
  checkFunction(decl.name, 'term', decl.term);
  if (decl.finish !== undefined) {
    checkFunction(decl.name, 'finish', decl.finish);
  }
  if (decl.combine !== undefined && decl.combine !== 'sum' && decl.combine !== 'max') {
    fail({ code: 'ARGUMENT', kernel: decl.name, problem: 'invalid combine', expected: "'sum' or 'max'", received: String(decl.combine) });
  }
  return made('pairwise', decl);
}

/** The declaration with its scalar element function (made from `lanes` when that is the body). */
function withElement<D extends MapDecl>(input: ElementInput<D>): D {
  const { element, lanes } = input as { element?: unknown; lanes?: unknown };
  if (lanes !== undefined) {
    if (element !== undefined) {
      fail({ code: 'ARGUMENT', kernel: input.name, problem: "both 'element' and 'lanes' are given", expected: 'one body: element (scalar) or lanes (explicit f32x4)', received: 'both' });
    }
    checkFunction(input.name, 'lanes', lanes);
    return { ...input, element: elementOfLanes(lanes as LanesBody) } as unknown as D;
  }
  checkFunction(input.name, 'element', element);
  return input as unknown as D;
}

function made<D extends Common>(kind: KernelKind, decl: D): UserKernel<D> {
  return Object.freeze({ kind, name: decl.name, decl, params: Object.entries(decl.params ?? {}), site: callerSite() });
}

function checkCommon(kind: KernelKind, decl: Common): void {
  if (decl === null || typeof decl !== 'object') {
    fail({ code: 'ARGUMENT', kernel: kind, problem: 'invalid kernel declaration', expected: 'an object with name, inputs and the body', received: decl === null ? 'null' : typeof decl });
  }
  if (typeof decl.name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(decl.name)) {
    fail({ code: 'ARGUMENT', kernel: kind, problem: 'invalid kernel name', expected: 'a JavaScript identifier, e.g. "huber"', received: JSON.stringify(decl.name) ?? String(decl.name) });
  }
  const params = decl.params ?? {};
  if (params === null || typeof params !== 'object') {
    fail({ code: 'ARGUMENT', kernel: decl.name, problem: 'invalid params', expected: 'an object of numbers, e.g. { delta: 1 }', received: String(params) });
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'number') {
      fail({ code: 'ARGUMENT', kernel: decl.name, problem: `param '${key}' has no numeric default`, expected: 'a number', received: typeof value });
    }
  }
  for (const [key, range] of Object.entries(decl.domain ?? {})) {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1])) {
      fail({ code: 'ARGUMENT', kernel: decl.name, problem: `invalid domain of '${key}'`, expected: '[low, high], finite, low < high', received: JSON.stringify(range) ?? String(range) });
    }
  }
  const tol = decl.tolerance;
  if (tol !== undefined && (tol === null || typeof tol !== 'object' || !(tol.ulp >= 0) || (tol.floor !== undefined && !(tol.floor > 0)))) {
    fail({ code: 'ARGUMENT', kernel: decl.name, problem: 'invalid tolerance', expected: '{ ulp: number >= 0, floor?: number > 0 }', received: JSON.stringify(tol) ?? String(tol) });
  }
}

function checkInputs(kind: KernelKind, decl: { name: string; inputs: readonly string[] }, most: number): void {
  const inputs = decl.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > most || !inputs.every((n) => typeof n === 'string' && /^[A-Za-z_$][\w$]*$/.test(n))) {
    fail({ code: 'ARGUMENT', kernel: decl.name, problem: `invalid inputs of a ${kind} kernel`, expected: `1 to ${most} input names (identifiers)`, received: JSON.stringify(inputs) ?? String(inputs) });
  }
}

function checkFunction(name: string, field: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    fail({ code: 'ARGUMENT', kernel: name, problem: `'${field}' is not a function`, expected: `${field}(...) written for one element`, received: typeof fn });
  }
}

/**
 * The user's call site, from the stack: frame 0 is this function, 1 made(), 2 map()/reduce()/...,
 * 3 the caller. Under tsx and with source maps the frame names the .ts file.
 */
function callerSite(): SourceSite | undefined {
  const line = new Error().stack?.split('\n')[4] ?? '';
  const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
  if (match === null) {
    return undefined;
  }
  const file = match[1]!.startsWith('file://') ? decodeURIComponent(new URL(match[1]!).pathname) : match[1]!;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}
