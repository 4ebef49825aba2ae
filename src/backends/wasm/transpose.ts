import type { TransposeParams } from '../../kernels/transpose.js';
import { outputView } from '../../kernels/broadcast.js';
import type { Plan } from '../../kernels/kernel.js';
import type { UnaryParams } from '../../kernels/relu.js';
import type { WasmImpl } from './context.js';
import { unaryWasm } from './relu.js';

/** The permuted view of x copied row-major: the same strided 4-d copy as relu's loop. */
const copy = unaryWasm<UnaryParams>('transpose', 'transpose', () => []);

function asUnary(plan: Plan<TransposeParams>): Plan<UnaryParams> {
  const x = plan.params.x;
  return { outputs: plan.outputs, params: { shape: x.shape, x, y: outputView(x.shape) } };
}

export const transposeWasm: WasmImpl<TransposeParams> = {
  supports: (plan, inputs) => copy.supports(asUnary(plan), inputs),
  run: (ctx, plan, inputs, outputs) => copy.run(ctx, asUnary(plan), inputs, outputs),
};
