/**
 * What a kernel declaration holds: inputs with their dtypes, attribute defaults, `infer()` (all
 * validation, shapes out, a plan every backend runs from), `cost()` and the declared tolerance.
 * Backends implement a kernel from its plan; they never validate again.
 */
import { fail } from '../errors.js';
import { type DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';

export interface InputSpec {
  readonly name: string;
  readonly dtypes: readonly DType[];
  readonly optional?: boolean;
  /** Last input only: it may repeat (concat's inputs); at least one is required. */
  readonly variadic?: boolean;
}

export interface OutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The validated form of a call. `params` is kernel-specific data; no tensors are kept in it. */
export interface Plan<P> {
  readonly outputs: readonly OutputSpec[];
  readonly params: P;
}

/** Work estimate, used by dispatch and stats. */
export interface Cost {
  readonly flops: number;
  readonly bytes: number;
}

/**
 * How far a backend's answer may be from the reference (or the reference from a fixture):
 * - `exact`: bit-equal (NaN equals NaN).
 * - `ulp`: |a - e| <= ulp * eps * max(|e|, floor); eps is the dtype's machine epsilon.
 * - `accumulated`: sums of many terms (GEMM, reductions), the BLAS-style bound
 *   |a - e| <= factor * eps * depth * m, where m is the reference run on |inputs| and depth the
 *   number of terms per output (from `depth(plan)`).
 * - `spectral`: max |a - e| <= factor * eps * log2(2 + n) * max |e| over the whole output.
 * - `relative`: |a - e| <= factor * eps * depth * max(|e|, floor): sums of same-signed terms
 *   (distances), whose error is relative to the result itself.
 * Each non-exact bound also allows an absolute multiple of the dtype's smallest normal number,
 * so subnormal results that a backend flushes to zero are not failures (see tolerance.ts).
 */
export type Tolerance =
  | { readonly kind: 'exact' }
  | { readonly kind: 'ulp'; readonly ulp: number; readonly floor: number }
  | { readonly kind: 'accumulated'; readonly factor: number }
  | { readonly kind: 'spectral'; readonly factor: number }
  | { readonly kind: 'relative'; readonly factor: number; readonly floor: number };

export type Inputs = readonly (Tensor | undefined)[];

export interface KernelDef<A extends object, P> {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly string[];
  readonly defaults: Readonly<A>;
  readonly tolerance: Tolerance;
  /** The tolerance of one call when it depends on the attributes (e.g. the metric); else `tolerance`. */
  toleranceFor?(plan: Plan<P>): Tolerance;
  /** Validates inputs and attributes (merged with defaults) and returns the plan. */
  infer(inputs: Inputs, attrs: A): Plan<P>;
  cost(plan: Plan<P>): Cost;
  /** Terms summed per output element (`accumulated`) or transform length (`spectral`). */
  depth?(plan: Plan<P>): number;
  /** Attributes for the magnitude run of an `accumulated` check (e.g. |alpha|, |beta|). */
  magnitudeAttrs?(attrs: A): A;
  /**
   * Outputs that are hints rather than answers (e.g. hamerly's bounds): backends may differ
   * there, so verify, the conformance runner and the property tests do not compare them.
   */
  readonly hints?: readonly number[];
  /**
   * For an `accumulated` tolerance whose magnitude the reference run on |inputs| does not give
   * (a user reduce: its terms are any function of the inputs): each output's magnitude,
   * row-major, computed by the kernel itself (e.g. the sum of |term|).
   */
  magnitude?(plan: Plan<P>, inputs: Inputs): Float64Array[];
  /**
   * Implementations that travel with the definition, by backend name (user kernels: `ref` is
   * the user's function, `wasm` its compiled module). Backends look here after their built-in
   * table; each checks the shape of its own entry.
   */
  readonly implementations?: { readonly [backend: string]: unknown };
}

/** Any kernel definition, for tables and dispatch where the concrete types do not matter. */
export type AnyKernelDef = KernelDef<object, unknown>;

export interface KernelSpec<A extends object, P> extends Omit<KernelDef<A, P>, 'infer'> {
  /** Kernel-specific validation; the shared checks (arity, liveness, dtypes) run before it. */
  infer(inputs: Inputs, attrs: A): Plan<P>;
}

/**
 * Declares a kernel. The returned `infer` first checks arity, lifetimes and dtypes against
 * `inputs`, rejects unknown attribute names, then runs the kernel's own validation.
 */
/** Whether output `index` is an answer to compare across backends (not a hint). */
export function compared(def: { readonly hints?: readonly number[] }, index: number): boolean {
  return def.hints?.includes(index) !== true;
}

/** The tolerance a planned call is held to: the kernel's per-call one, else its declared one. */
export function toleranceOf<P>(def: KernelDef<object, P>, plan: Plan<P>): Tolerance {
  return def.toleranceFor?.(plan) ?? def.tolerance;
}

export function defineKernel<A extends object, P>(spec: KernelSpec<A, P>): KernelDef<A, P> {
  return {
    ...spec,
    infer(inputs: Inputs, attrs: A): Plan<P> {
      checkInputs(spec, inputs);
      checkAttrNames(spec.name, spec.defaults, attrs);
      return spec.infer(inputs, attrs);
    },
  };
}

function checkInputs(spec: { name: string; inputs: readonly InputSpec[] }, inputs: Inputs): void {
  if (!Array.isArray(inputs)) {
    fail({ code: 'ARGUMENT', kernel: spec.name, problem: 'inputs must be an array', expected: 'an array of tensors', received: typeof inputs });
  }
  const required = spec.inputs.filter((i) => !i.optional).length;
  const variadic = spec.inputs[spec.inputs.length - 1]?.variadic === true;
  if (inputs.length < required || (inputs.length > spec.inputs.length && !variadic)) {
    fail({
      code: 'ARGUMENT',
      kernel: spec.name,
      problem: 'wrong number of inputs',
      expected: variadic ? `at least ${required}` : required === spec.inputs.length ? `${required}` : `${required} to ${spec.inputs.length}`,
      received: `${inputs.length}`,
    });
  }
  // A variadic last input is checked once per tensor given for it.
  const specs = variadic ? inputs.map((_, i) => spec.inputs[Math.min(i, spec.inputs.length - 1)]!) : spec.inputs;
  specs.forEach((input, i) => {
    const t = inputs[i];
    if (t === undefined) {
      if (!input.optional) {
        fail({ code: 'ARGUMENT', kernel: spec.name, problem: `input '${input.name}' is missing`, expected: 'a tensor', received: 'undefined' });
      }
      return;
    }
    if (t === null || typeof t !== 'object' || typeof (t as { check?: unknown }).check !== 'function') {
      fail({ code: 'ARGUMENT', kernel: spec.name, problem: `input '${input.name}' is not a tensor`, expected: 'a Tensor made by a runtime', received: t === null ? 'null' : typeof t });
    }
    t.check(spec.name);
    if (!input.dtypes.includes(t.dtype)) {
      fail({
        code: 'DTYPE',
        kernel: spec.name,
        problem: `input '${input.name}' has an unsupported dtype`,
        expected: input.dtypes.join(' | '),
        received: `${t.dtype} (${t.describe()})`,
      });
    }
  });
}

function checkAttrNames(kernel: string, defaults: object, attrs: object): void {
  for (const key of Object.keys(attrs)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      fail({
        code: 'ARGUMENT',
        kernel,
        problem: `unknown attribute '${key}'`,
        expected: Object.keys(defaults).length === 0 ? 'no attributes' : `one of ${Object.keys(defaults).join(', ')}`,
        received: key,
      });
    }
  }
}

/** Throws DTYPE unless all given tensors share one dtype. */
export function sameDType(kernel: string, tensors: readonly (Tensor | undefined)[]): DType {
  const present = tensors.filter((t): t is Tensor => t !== undefined);
  const first = present[0]!;
  for (const t of present) {
    if (t.dtype !== first.dtype) {
      fail({ code: 'DTYPE', kernel, problem: 'inputs have different dtypes', expected: `all ${first.dtype}`, received: present.map((p) => p.describe()).join(', ') });
    }
  }
  return first.dtype;
}

/** Throws ARGUMENT unless `value` is an integer within [min, max]. */
export function intAttr(kernel: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail({ code: 'ARGUMENT', kernel, problem: `invalid ${name}`, expected: `an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? 'inf' : max}]`, received: String(value) });
  }
  return value;
}

/** Throws ARGUMENT unless `value` is a finite number. */
export function finiteAttr(kernel: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail({ code: 'ARGUMENT', kernel, problem: `invalid ${name}`, expected: 'a finite number', received: String(value) });
  }
  return value;
}

/** Throws ARGUMENT unless `value` is a boolean. */
export function boolAttr(kernel: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    return fail({ code: 'ARGUMENT', kernel, problem: `invalid ${name}`, expected: 'true or false', received: String(value) });
  }
  return value;
}

export const FLOATS: readonly DType[] = ['float32', 'float64'];
export const SIGNED: readonly DType[] = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64'];
export const NUMERIC: readonly DType[] = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
export const INTEGERS: readonly DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
/** numpy's bool (one byte, 0/1): the comparisons' output, and/or/not's operands, where's condition. */
export const BOOL: readonly DType[] = ['bool'];
/** Every dtype: the kernels that only move or convert elements (cast, where, equal). */
export const ANY: readonly DType[] = [...NUMERIC, 'bool'];
