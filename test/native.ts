/**
 * The native addon in tests: which instruction-set paths this machine can test, and whether the
 * addon must be there. CI sets HOTPATH_EXPECT_NATIVE=1 after installing a compiler, so a broken
 * build fails the suite instead of skipping every native test.
 */
import { loadAddon, NATIVE_ISAS, type NativeIsa } from '../src/backends/native/addon.js';

const loaded = loadAddon();
const expected = process.env['HOTPATH_EXPECT_NATIVE'] === '1';
if (expected && !('addon' in loaded)) {
  throw new Error(`HOTPATH_EXPECT_NATIVE=1 but the native addon is unavailable: ${loaded.reason}`);
}

/** Why native tests are skipped here (no addon), or undefined when they run. */
export const nativeSkip: string | undefined = 'addon' in loaded ? undefined : `native addon unavailable: ${loaded.reason}`;

/** Every path both built and supported here, widest first (empty without the addon). */
export const nativePaths: readonly NativeIsa[] = 'addon' in loaded ? NATIVE_ISAS.filter((isa) => loaded.info.supported.includes(isa) && loaded.info.built.includes(isa)) : [];
