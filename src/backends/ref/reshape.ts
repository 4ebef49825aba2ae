import { viewCopyRef } from './view.js';

export const reshapeRef = viewCopyRef('reshape');
