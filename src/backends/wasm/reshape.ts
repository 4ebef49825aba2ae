import { viewCopyWasm } from './view.js';

export const reshapeWasm = viewCopyWasm;
