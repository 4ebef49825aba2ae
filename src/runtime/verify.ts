/**
 * verify mode: runs the reference beside the chosen backend and throws MISMATCH when an output
 * disagrees beyond the kernel's declared tolerance.
 */
import type { Backend } from '../backends/backend.js';
import { fail } from '../errors.js';
import { compared, toleranceOf, type AnyKernelDef, type Inputs, type Plan } from '../kernels/kernel.js';
import { compare, describeWorst } from '../kernels/tolerance.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RuntimeCore } from './core.js';

export function verifyCall(rt: RuntimeCore, def: AnyKernelDef, attrs: object, plan: Plan<unknown>, inputs: Inputs, outputs: readonly Tensor[], ref: Backend): void {
  const expected = plan.outputs.map((o) => rt.empty(o.shape, o.dtype));
  try {
    ref.run(def, plan, inputs, expected);
    const magnitudes = toleranceOf(def, plan).kind === 'accumulated' ? magnitudeOf(rt, def, attrs, inputs, ref) : undefined;
    outputs.forEach((out, i) => {
      if (!compared(def, i)) {
        return;
      }
      const result = compare({
        tolerance: toleranceOf(def, plan),
        dtype: out.dtype,
        actual: out.toArray(),
        expected: expected[i]!.toArray(),
        ...(magnitudes === undefined ? {} : { magnitude: magnitudes[i]! }),
        depth: def.depth?.(plan) ?? 1,
      });
      if (!result.ok) {
        fail({
          code: 'MISMATCH',
          kernel: def.name,
          problem: `verify: output ${i} disagrees with the reference beyond the declared tolerance (${toleranceOf(def, plan).kind})`,
          expected: `the ref result within tolerance`,
          received: describeWorst(result),
          hint: 'report this with the inputs; pin `require: "ref"` meanwhile',
        });
      }
    });
  } finally {
    expected.forEach((t) => t.release());
  }
}

/**
 * For `accumulated` tolerances: the reference run on |inputs| (with the kernel's magnitude
 * attributes), as absolute values, one row-major array per output. Sum of |terms| per output.
 */
export function magnitudeOf(rt: RuntimeCore, def: AnyKernelDef, attrs: object, inputs: Inputs, ref: Backend): TypedArray[] {
  if (def.magnitude !== undefined) {
    return def.magnitude(def.infer(inputs, attrs), inputs);
  }
  return rt.scope(() => {
    const absInputs = inputs.map((t) => (t === undefined ? undefined : absCopy(rt, t)));
    const magAttrs = def.magnitudeAttrs?.(attrs) ?? attrs;
    const plan = def.infer(absInputs, magAttrs);
    const outs = plan.outputs.map((o) => rt.empty(o.shape, o.dtype));
    ref.run(def, plan, absInputs, outs);
    return outs.map((o) => {
      const values = o.toArray();
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        values[i] = typeof v === 'bigint' ? v : Math.abs(v);
      }
      return values;
    });
  });
}

/** A row-major copy with every element replaced by its absolute value. */
function absCopy(rt: RuntimeCore, t: Tensor): Tensor {
  const values = t.toArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    values[i] = typeof v === 'bigint' ? (v < 0n ? -v : v) : Math.abs(v);
  }
  const out = rt.empty(t.shape, t.dtype);
  out.data('verify').set(values as never);
  return out;
}
