/**
 * The one implicit copy the runtime makes: when a preferred backend declines a call only
 * because of its inputs' layout, the inputs are copied to row-major and the call goes to that
 * backend. The copy is counted in stats (copies), never silent.
 */
import type { Backend } from '../backends/backend.js';
import type { AnyKernelDef, Inputs, Plan } from '../kernels/kernel.js';
import type { Tensor } from '../tensor/tensor.js';
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
 * Tries the first backend in `passed` that declined for layout: copies every input that is not
 * row-major with offset 0, re-plans, and asks again. undefined when there is no such backend or
 * it still declines.
 */
export function convertLayouts(def: AnyKernelDef, attrs: object, inputs: Inputs, policy: DispatchPolicy, passed: readonly PassedOver[]): Conversion | undefined {
  const index = passed.findIndex((p) => p.contiguous === true);
  if (index < 0) {
    return undefined;
  }
  const backend = policy.backends.find((b) => b.name === passed[index]!.backend);
  if (backend === undefined) {
    return undefined;
  }
  const temporaries: Tensor[] = [];
  const converted = inputs.map((t) => {
    if (t === undefined || (t.layout === 'row' && t.offset === 0)) {
      return t;
    }
    const copy = t.clone();
    temporaries.push(copy);
    return copy;
  });
  const plan = def.infer(converted, attrs);
  if (temporaries.length === 0 || backend.supports(def, plan, converted) !== true) {
    temporaries.forEach((t) => t.release());
    return undefined;
  }
  return { backend, passed: passed.slice(0, index), inputs: converted, plan, reason: passed[index]!.reason, temporaries };
}
