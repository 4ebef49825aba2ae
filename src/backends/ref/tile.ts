import { viewCopyRef } from './view.js';

export const tileRef = viewCopyRef('tile');
