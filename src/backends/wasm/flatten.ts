import { viewCopyWasm } from './view.js';

export const flattenWasm = viewCopyWasm;
