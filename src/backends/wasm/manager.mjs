// Starts manager.ts under tsx when hotpath runs from its TypeScript sources (tests,
// development); an installed package starts the compiled manager.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./manager.ts');
