import { viewCopyWasm } from './view.js';

export const squeezeWasm = viewCopyWasm;
