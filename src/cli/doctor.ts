/**
 * `hotpath doctor [--json]`: every backend with whether it is usable and, when not, why; plus
 * the Node and V8 versions, platform, CPU count, the wasm SIMD build chosen (relaxed or plain
 * SIMD128) with the reason, and the native addon: built or why not, the CPU features it reads and
 * the instruction-set paths it can run. Nothing falls back silently, so this is the first place to look when
 * a backend is not used or is slower on one Node version than on another.
 */
import os from 'node:os';
import { buildStatus, loadAddon } from '../backends/native/addon.js';
import { createRuntime } from '../runtime/runtime.js';
import type { BackendStatus } from '../runtime/core.js';

export interface DoctorOptions {
  readonly json: boolean;
}

/** The wasm backend's SIMD build; absent from the report when wasm is unavailable (see backends). */
export interface SimdChoice {
  /** 'relaxed-simd' (fused multiply-add) or 'simd128'. */
  readonly build: string;
  /** Why, naming the Node and V8 versions (e.g. relaxed SIMD behind a flag on Node 20). */
  readonly reason: string;
}

export interface DoctorReport {
  /** process.version, e.g. 'v22.23.3'. */
  readonly node: string;
  /** process.versions.v8: what decides which WebAssembly features validate. */
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly simd?: SimdChoice;
  readonly native: NativeReport;
  readonly backends: readonly BackendStatus[];
}

/** The native addon: whether it was built, the CPU features it sees and the paths it has. */
export interface NativeReport {
  /** The addon loaded on this Node. */
  readonly loaded: boolean;
  /** Why not (no compiler at install, build failure, ABI mismatch), when not loaded. */
  readonly reason?: string;
  /** The compiler that built it (native/build/status.json). */
  readonly compiler?: string;
  /** CPUID/XGETBV as the addon reads them, e.g. 'x86-64: avx512f avx2 fma f16c avx; OS saves zmm, ymm'. */
  readonly cpu?: string;
  /** Paths this CPU and OS run, widest first. */
  readonly supported?: readonly string[];
  /** Paths compiled into the addon. */
  readonly built?: readonly string[];
}

function nativeReport(): NativeReport {
  const loaded = loadAddon();
  const compiler = buildStatus()?.compiler;
  if (!('addon' in loaded)) {
    return { loaded: false, reason: loaded.reason, ...(compiler === undefined ? {} : { compiler }) };
  }
  return { loaded: true, ...(compiler === undefined ? {} : { compiler }), cpu: loaded.info.features, supported: loaded.info.supported, built: loaded.info.built };
}

/** Prints the report; returns the exit code (always 0: an unavailable backend is information). */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const runtime = await createRuntime();
  try {
    const backends = runtime.backends();
    const wasm = backends.find((b) => b.name === 'wasm' && b.available && b.simd !== undefined);
    const report: DoctorReport = {
      node: process.version,
      v8: process.versions.v8,
      platform: process.platform,
      arch: process.arch,
      cpus: os.availableParallelism(),
      ...(wasm === undefined ? {} : { simd: { build: wasm.simd!, reason: wasm.note ?? '' } }),
      native: nativeReport(),
      backends,
    };
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } finally {
    await runtime.close();
  }
}

function formatReport(report: DoctorReport): string {
  const header = ['backend', 'available', 'threads', 'simd', 'reason / note'];
  const rows = report.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.threads === undefined ? '-' : String(b.threads), b.simd ?? '-', b.reason ?? b.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [
    `hotpath doctor`,
    `node ${report.node} (V8 ${report.v8}), ${report.platform}/${report.arch}, ${report.cpus} CPUs`,
    report.simd === undefined ? 'wasm SIMD: none (wasm unavailable, see below)' : `wasm SIMD: ${report.simd.build} (${report.simd.reason})`,
    report.native.loaded
      ? `native addon: built by ${report.native.compiler ?? 'an unknown compiler'}; CPU ${report.native.cpu}; paths this CPU runs: ${report.native.supported!.join(', ')} (built: ${report.native.built!.join(', ')})`
      : `native addon: absent: ${report.native.reason}`,
    '',
    line(header),
    ...rows.map(line),
  ];
  return `${lines.join('\n')}\n`;
}
