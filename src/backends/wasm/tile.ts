import { viewCopyWasm } from './view.js';

export const tileWasm = viewCopyWasm;
