/**
 * The ONNX conformance runner: maps each node test onto a hotpath kernel call, runs it on one
 * backend of a runtime and compares every output the test holds with the kernel's declared
 * tolerance. A case the backend declines is counted as declined with its reason, never hidden.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRefBackend } from '../backends/ref/index.js';
import { fail, isHotpathError } from '../errors.js';
import { isKernelName, KERNELS, type AttrsOf, type KernelName } from '../kernels/index.js';
import { toleranceOf, type AnyKernelDef, type Inputs } from '../kernels/kernel.js';
import { compare, describeWorst, type Comparison } from '../kernels/tolerance.js';
import type { Runtime } from '../runtime/runtime.js';
import { magnitudeOf } from '../runtime/verify.js';
import type { TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { readOnnxCase, type OnnxCase } from './onnx.js';
import { mapCase, type KernelCall } from './opMap.js';

export type CaseStatus = 'pass' | 'fail' | 'declined';

export interface CaseResult {
  /** Test folder name, e.g. `test_gemm_alpha`. */
  readonly name: string;
  readonly op: string;
  /** Kernel id the op maps to; '-' when there is none. */
  readonly kernel: string;
  readonly backend: string;
  readonly status: CaseStatus;
  /** For a value mismatch: the worst element (`describeWorst`). */
  readonly worst?: string;
  /** Largest error / bound over all compared outputs. */
  readonly ratio?: number;
  /** Why a case failed (other than values) or was declined. */
  readonly reason?: string;
}

export interface ConformanceOptions {
  /** The backend every call runs on, e.g. 'ref'. */
  readonly backend: string;
}

export interface ConformanceSummary {
  readonly passed: number;
  readonly failed: number;
  readonly declined: number;
}

/**
 * Runs every node test folder in `dir` (or `dir` itself when it holds model.onnx), sorted by name.
 * A folder that cannot be read is a failed case, not an abort.
 * @example const results = runConformanceDir(hp, 'conformance/onnx-node', { backend: 'ref' });
 * @throws ARGUMENT when `dir` is not a folder, FORMAT when it holds no tests
 */
export function runConformanceDir(runtime: Runtime, dir: string, options: ConformanceOptions): CaseResult[] {
  return findConformanceTests(dir).map((testDir) => {
    let c: OnnxCase;
    try {
      c = readOnnxCase(testDir);
    } catch (error) {
      return { name: path.basename(testDir), op: '?', kernel: '-', backend: options.backend, status: 'fail', reason: messageOf(error) };
    }
    return runConformanceCase(runtime, c, options);
  });
}

/**
 * Test folders (those holding model.onnx) directly inside `dir`, sorted by name.
 * @throws ARGUMENT when `dir` is not a folder, FORMAT when it holds no tests
 */
export function findConformanceTests(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail({ code: 'ARGUMENT', kernel: 'conformance', problem: 'test directory not found', expected: 'a folder of ONNX node tests (each with model.onnx)', received: existsSync(dir) ? `a file: ${dir}` : `no such folder: ${dir}` });
  }
  if (existsSync(path.join(dir, 'model.onnx'))) {
    return [dir];
  }
  const found = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'model.onnx')))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
  if (found.length === 0) {
    fail({ code: 'FORMAT', kernel: 'conformance', problem: 'no ONNX node tests found', expected: 'sub-folders holding model.onnx and test_data_set_0/', received: `none in ${dir}`, hint: 'point at a folder like conformance/onnx-node' });
  }
  return found;
}

/**
 * Runs one ONNX case on `options.backend`. Never throws for a bad case: mapping and kernel
 * errors are failures, dispatch refusals and missing kernels are declines.
 */
export function runConformanceCase(runtime: Runtime, c: OnnxCase, options: ConformanceOptions): CaseResult {
  const base = { name: c.name, op: c.op, kernel: '-', backend: options.backend };
  let mapped: ReturnType<typeof mapCase>;
  try {
    mapped = mapCase(c);
  } catch (error) {
    return { ...base, status: 'fail', reason: messageOf(error) };
  }
  if ('declined' in mapped) {
    return { ...base, kernel: mapped.kernel, status: 'declined', reason: mapped.declined };
  }
  const id = mapped.call.kernel;
  if (!isKernelName(id)) {
    return { ...base, kernel: id, status: 'declined', reason: `kernel ${id} is not implemented` };
  }
  try {
    return runtime.scope(() => runCall(runtime, c, id, mapped.call, { ...base, kernel: id }));
  } catch (error) {
    return { ...base, kernel: id, status: 'fail', reason: messageOf(error) };
  }
}

/** Counts per status. */
export function summarize(results: readonly CaseResult[]): ConformanceSummary {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    declined: results.filter((r) => r.status === 'declined').length,
  };
}

type Base = Pick<CaseResult, 'name' | 'op' | 'kernel' | 'backend'>;

/** Runs inside a scope: every tensor made here is released when it returns or throws. */
function runCall(runtime: Runtime, c: OnnxCase, id: KernelName, call: KernelCall, base: Base): CaseResult {
  const def = KERNELS[id] as unknown as AnyKernelDef;
  const inputs: Inputs = call.inputs.map((t) => (t === undefined ? undefined : runtime.tensor(t.data, t.dims, { dtype: t.dtype })));
  // The call's attributes come from a fixture, so their types are only known at run time;
  // the kernel's infer() validates every one of them.
  const attrs = call.attrs as AttrsOf<KernelName>;
  const choice = runtime.explain(id, inputs, attrs, { backend: base.backend });
  if (choice.backend === undefined) {
    return { ...base, status: 'declined', reason: choice.passed.map((p) => `${p.backend}: ${p.reason}`).join('; ') || `backend '${base.backend}' is not available in this runtime` };
  }
  let outputs = runtime.run(id, inputs, attrs, { backend: base.backend });
  for (const next of call.fold ?? []) {
    // A variadic op (Max, Min): fold the next operand into the result so far.
    outputs = runtime.run(id, [outputs[0], runtime.tensor(next.data, next.dims, { dtype: next.dtype })], attrs, { backend: base.backend });
  }
  const merged = { ...def.defaults, ...call.attrs };
  const plan = def.infer(inputs, merged);
  const depth = def.depth?.(plan) ?? 1;
  const magnitudes = toleranceOf(def, plan).kind === 'accumulated' ? magnitudeOf(runtime, def, merged, inputs, createRefBackend()) : undefined;
  let ratio = 0;
  const positions = [...c.outputs.keys()].sort((x, y) => x - y);
  for (const position of positions) {
    const expected = c.outputs.get(position)!;
    const actual = outputs[position];
    const label = `output ${position} ('${expected.name}')`;
    if (actual === undefined) {
      return { ...base, status: 'fail', reason: `${label}: the kernel gives ${outputs.length} outputs, the test expects output ${position}` };
    }
    const problem = shapeOrDTypeProblem(actual, expected.dims, expected.dtype);
    if (problem !== undefined) {
      return { ...base, status: 'fail', reason: `${label}: ${problem}` };
    }
    const result: Comparison = compare({
      tolerance: toleranceOf(def, plan),
      dtype: actual.dtype,
      actual: actual.toArray(),
      expected: expected.data,
      ...(magnitudes?.[position] === undefined ? {} : { magnitude: magnitudes[position] as TypedArray }),
      depth,
    });
    if (!result.ok) {
      return { ...base, status: 'fail', worst: `${label} ${describeWorst(result)}`, ratio: result.ratio, reason: `${label} differs beyond the declared ${toleranceOf(def, plan).kind} tolerance` };
    }
    ratio = Math.max(ratio, result.ratio);
  }
  return { ...base, status: 'pass', ratio };
}

function shapeOrDTypeProblem(actual: Tensor, dims: readonly number[], dtype: string): string | undefined {
  const sameShape = actual.shape.length === dims.length && actual.shape.every((d, i) => d === dims[i]);
  if (!sameShape) {
    return `shape ${formatShape(actual.shape)}, expected ${formatShape(dims)}`;
  }
  if (actual.dtype !== dtype) {
    return `dtype ${actual.dtype}, expected ${dtype}`;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (isHotpathError(error)) {
    return `[${error.code}] ${error.message}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
