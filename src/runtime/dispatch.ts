/**
 * choose(kernel, plan, inputs, backends): the backend that runs a call and why every other one
 * was passed over. Pure: it reads `supports()` answers and never falls back silently; the
 * runtime records every pass-over as a fallback in stats.
 */
import type { Backend, Support } from '../backends/backend.js';
import { fail } from '../errors.js';
import type { AnyKernelDef, Inputs, Plan } from '../kernels/kernel.js';

export interface PassedOver {
  readonly backend: string;
  readonly reason: string;
  /** The backend would run the call on row-major copies of the inputs. */
  readonly contiguous?: true;
}

export interface Choice {
  readonly backend: Backend;
  /** Backends ahead of the chosen one in priority order, with the reason each declined. */
  readonly passed: readonly PassedOver[];
}

export interface DispatchPolicy {
  /** Backends in priority order (first = preferred). */
  readonly backends: readonly Backend[];
  /** Backends that could not be created, with the reason; reported when nothing can run a call. */
  readonly unavailable: readonly PassedOver[];
  /** Only this backend may run calls; its refusal is an error, not a fallback. */
  readonly require?: string;
}

/** Like choose(), but with `backend` undefined instead of an error when nothing can run the call. */
export function rank(kernel: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs, policy: DispatchPolicy): { backend: Backend | undefined; passed: PassedOver[] } {
  const passed: PassedOver[] = [];
  for (const backend of policy.backends) {
    if (policy.require !== undefined && backend.name !== policy.require) {
      continue;
    }
    const answer = safeSupports(backend, kernel, plan, inputs);
    if (answer === true) {
      return { backend, passed };
    }
    passed.push(typeof answer === 'string' ? { backend: backend.name, reason: answer } : { backend: backend.name, reason: answer.reason, contiguous: true });
  }
  return { backend: undefined, passed };
}

export function choose(kernel: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs, policy: DispatchPolicy): Choice {
  const { backend, passed } = rank(kernel, plan, inputs, policy);
  if (backend !== undefined) {
    return { backend, passed };
  }
  const all = [...passed, ...policy.unavailable.filter((u) => policy.require === undefined || u.backend === policy.require)];
  const reasons = all.map((p) => `${p.backend}: ${p.reason}`).join('; ');
  return fail({
    code: 'BACKEND',
    kernel: kernel.name,
    problem: policy.require !== undefined ? `required backend '${policy.require}' cannot run this call` : 'no backend can run this call',
    expected: policy.require !== undefined ? `backend '${policy.require}' to support it` : 'at least one backend to support it',
    received: reasons === '' ? 'no backends configured' : reasons,
    hint: policy.require !== undefined ? 'drop `require` to allow other backends, or see `hotpath doctor`' : 'see `hotpath doctor`',
  });
}

function safeSupports(backend: Backend, kernel: AnyKernelDef, plan: Plan<unknown>, inputs: Inputs): Support {
  try {
    return backend.supports(kernel, plan, inputs);
  } catch (error) {
    return `supports() threw: ${error instanceof Error ? error.message : String(error)}`;
  }
}
