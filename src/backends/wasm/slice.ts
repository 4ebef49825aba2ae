import { viewCopyWasm } from './view.js';

export const sliceWasm = viewCopyWasm;
