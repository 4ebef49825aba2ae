import { viewCopyRef } from './view.js';

export const expandRef = viewCopyRef('expand');
