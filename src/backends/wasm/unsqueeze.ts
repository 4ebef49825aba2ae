import { viewCopyWasm } from './view.js';

export const unsqueezeWasm = viewCopyWasm;
