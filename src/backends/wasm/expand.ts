import { viewCopyWasm } from './view.js';

export const expandWasm = viewCopyWasm;
