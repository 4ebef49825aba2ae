/**
 * The one implicit copy the runtime makes: when a preferred backend declines a call only
 * because of its inputs' layout, the inputs are copied to row-major and the call goes to that
 * backend. The copy is counted in stats (copies), never silent.
 */
import type { Backend } from '../backends/backend.js';
import type { AnyKernelDef, Inputs, Plan } from '../kernels/kernel.js';
import { rowStrides } from '../tensor/layout.js';
import { Tensor } from '../tensor/tensor.js';
import type { DispatchPolicy, PassedOver } from './dispatch.js';

export interface Conversion {
  readonly backend: Backend;
  /** Backends ahead of the chosen one that declined, with reasons (the converted one excluded). */
  readonly passed: readonly PassedOver[];
  readonly inputs: Inputs;
  readonly plan: Plan<unknown>;
  /** Why the copy was made, for stats. */
  readonly reason: string;
  /** Tensors made for the call; release them after it. */
  readonly temporaries: readonly Tensor[];
}

/**
 * Makes the row-major stand-in of one input: a real copy for a call about to run (the runtime
 * dispatches it as a kernel, so the wasm backend's copy runs it when present), or
 * `rowMajorShadow` for explain(), which must not copy anything.
 */
export type RowMajorMaker = (t: Tensor) => Tensor;

/**
 * A view with the row-major copy's shape, strides and dtype over the same storage, for infer()
 * and supports() to look at (they read no elements); nothing is copied. Release it after.
 */
export function rowMajorShadow(t: Tensor): Tensor {
  return new Tensor(t.storage, { shape: t.shape, strides: rowStrides(t.shape), offset: 0 }, { isBase: false });
}

/**
 * Tries the first backend in `passed` that declined for layout: copies every input that is not
 * row-major with offset 0, re-plans, and asks again. undefined when there is no such backend or
 * it still declines.
 */
export function convertLayouts(def: AnyKernelDef, attrs: object, inputs: Inputs, policy: DispatchPolicy, passed: readonly PassedOver[], rowMajor: RowMajorMaker): Conversion | undefined {
  const index = passed.findIndex((p) => p.contiguous === true);
  if (index < 0) {
    return undefined;
  }
  const backend = policy.backends.find((b) => b.name === passed[index]!.backend);
  if (backend === undefined) {
    return undefined;
  }
  const temporaries: Tensor[] = [];
  let result: Conversion | undefined;
  try {
    const converted = inputs.map((t) => {
      if (t === undefined || (t.layout === 'row' && t.offset === 0)) {
        return t;
      }
      const copy = rowMajor(t);
      temporaries.push(copy);
      return copy;
    });
    const plan = def.infer(converted, attrs);
    if (temporaries.length > 0 && backend.supports(def, plan, converted) === true) {
      result = { backend, passed: passed.slice(0, index), inputs: converted, plan, reason: passed[index]!.reason, temporaries };
    }
  } finally {
    if (result === undefined) {
      temporaries.forEach((t) => t.release());
    }
  }
  return result;
}
