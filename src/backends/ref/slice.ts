import { viewCopyRef } from './view.js';

export const sliceRef = viewCopyRef('slice');
