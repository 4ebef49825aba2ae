// Starts worker.ts under tsx when hotpath runs from its TypeScript sources (tests,
// development); an installed package starts the compiled worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
