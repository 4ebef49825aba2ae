/**
 * The backend factories hotpath knows, in default priority order (fastest first). A new
 * backend is one more factory here; no other backend changes.
 */
import type { BackendFactory } from './backend.js';
import { nativeBackend } from './native/index.js';
import { refBackend } from './ref/index.js';
import { wasmBackend } from './wasm/index.js';

export const BACKEND_FACTORIES: readonly BackendFactory[] = [nativeBackend, wasmBackend, refBackend];
