import type { ViewParams } from '../../kernels/view.js';
import type { WasmImpl } from './context.js';
import { transposeWasm } from './transpose.js';

/**
 * The copy kernels that are views in the API (reshape, squeeze, ...): like transpose, a planned
 * view of x copied row-major, so they run transpose's strided byte copy on all threads.
 */
export const viewCopyWasm: WasmImpl<ViewParams> = transposeWasm;
