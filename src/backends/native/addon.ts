/**
 * Finding and loading the native addon (native/build/hotpath.node, built by
 * scripts/build-native.mjs during install when a C compiler is present). Never throws: a
 * missing or unusable addon is a reason string, which the backend reports as unavailable.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The JavaScript <-> addon contract version; native/src/hotpath.h's HP_ABI. */
export const NATIVE_ABI = 1;

/** Instruction-set paths, widest first (native/src/hotpath.h). */
export const NATIVE_ISAS = ['avx512', 'avx2', 'neon', 'scalar'] as const;
export type NativeIsa = (typeof NATIVE_ISAS)[number];

export interface AddonInfo {
  readonly abi: number;
  /** CPU features and saved register state, e.g. 'x86-64: avx512f avx2 fma f16c avx; OS saves zmm, ymm'. */
  readonly features: string;
  /** Paths this CPU and OS can run. */
  readonly supported: readonly NativeIsa[];
  /** Paths compiled into this binary. */
  readonly built: readonly NativeIsa[];
  readonly compiler?: string;
}

/** An opaque context from create(): heap base, thread pool, path. */
export type AddonContext = object & { readonly __addonContext: unique symbol };

/** What the addon exports: the core below plus each kernel family's functions. */
export interface Addon {
  create(heap: Uint8Array, threads: number, isa: NativeIsa): AddonContext;
  close(ctx: AddonContext): void;
  info(): AddonInfo;
  /** Kernel functions: (ctx, heapBytes, ...numbers). */
  readonly [name: string]: unknown;
}

/** The addon and its information, or why there is none. */
export type Loaded = { readonly addon: Addon; readonly info: AddonInfo } | { readonly reason: string };

/** Where scripts/build-native.mjs writes hotpath.node and status.json. */
export const BUILD_DIR = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..'), 'native/build');

interface BuildStatus {
  readonly built: boolean;
  readonly reason?: string;
  readonly compiler?: string;
  /** sha256 of native/src when it was built (scripts/build-native.mjs). */
  readonly sources?: string;
}

/** sha256 of the addon's sources next to `dir` (native/src), or undefined where there are none (an installed package without them). */
function sourcesHash(dir: string): string | undefined {
  const src = path.join(dir, '..', 'src');
  try {
    const hash = createHash('sha256');
    for (const f of readdirSync(src).sort()) {
      hash.update(`${f}\0`);
      hash.update(readFileSync(path.join(src, f)));
    }
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

/** What the build recorded (status.json in `dir`), when it recorded anything. */
export function buildStatus(dir = BUILD_DIR): BuildStatus | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as BuildStatus;
  } catch {
    return undefined;
  }
}

/**
 * Loads the addon built into `dir` (require caches it per thread), or says why it cannot.
 * @example const loaded = loadAddon(); if ('addon' in loaded) loaded.info.supported
 */
export function loadAddon(dir = BUILD_DIR): Loaded {
  const binary = path.join(dir, 'hotpath.node');
  if (!existsSync(binary)) {
    const status = buildStatus(dir);
    const why = status === undefined ? 'the addon was never built (npm run build:native)' : status.built ? 'the addon file is missing (npm run build:native)' : `not built at install: ${status.reason ?? 'unknown reason'}`;
    return { reason: why };
  }
  // A build older than the sources beside it (a developer's checkout after a pull) would lack
  // newer kernels or run older code: refuse it with the fix rather than fail at a call.
  const recorded = buildStatus(dir)?.sources;
  const current = recorded === undefined ? undefined : sourcesHash(dir);
  if (recorded !== undefined && current !== undefined && recorded !== current) {
    return { reason: 'the addon is older than its sources in native/src (npm run build:native)' };
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(binary) as Addon;
  } catch (error) {
    return { reason: `the addon did not load: ${error instanceof Error ? error.message : String(error)} (rebuild with npm run build:native)` };
  }
  const info = addon.info();
  if (info.abi !== NATIVE_ABI) {
    return { reason: `the addon was built from other sources (ABI ${info.abi}, this hotpath expects ${NATIVE_ABI}); rebuild with npm run build:native` };
  }
  return { addon, info };
}
