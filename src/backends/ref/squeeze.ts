import { viewCopyRef } from './view.js';

export const squeezeRef = viewCopyRef('squeeze');
