import { viewCopyRef } from './view.js';

export const unsqueezeRef = viewCopyRef('unsqueeze');
