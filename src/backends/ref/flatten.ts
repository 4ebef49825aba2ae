import { viewCopyRef } from './view.js';

export const flattenRef = viewCopyRef('flatten');
