// Builds the optional native addon (native/src/*.c -> native/build/hotpath.node) with the
// system's C compiler ($CC, else cc) against Node-API's headers from the node-api-headers
// package: Node-API is ABI-stable, so one build loads on Node 20, 22 and 24, and nothing is
// downloaded (node-gyp would fetch Node's full headers from nodejs.org).
//
// Files named <name>_<isa>.c get that instruction set's flags and are compiled only where the
// architecture has it (see native/src/hotpath.h); every other file gets the baseline flags.
// Writes native/build/status.json: { built, reason?, compiler, isas, flags } for doctor.
//
//   node scripts/build-native.mjs            build; exit 1 when a present compiler fails
//   node scripts/build-native.mjs --optional never fail (npm install): a failure is recorded
//                                            in status.json and doctor shows it
//   --force                                  rebuild even when sources and flags are unchanged
//   --out DIR                                write hotpath.node and status.json there instead
//   --arch arm64|x64                         target another architecture with a cross compiler
//                                            (CC=aarch64-linux-gnu-gcc: the tests compile the
//                                            NEON path this way on an x86-64 machine)
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'native/src');
/** The value after `flag` on the command line, if given. */
function option(flag) {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : undefined;
}
// --arch arm64|x64: the target architecture, for a cross compiler in $CC (default: this Node's).
const arch = option('--arch') ?? process.arch;
const outAt = process.argv.indexOf('--out');
// --out DIR: build elsewhere (the tests build into a temp folder with CC pointing nowhere).
const out = outAt > 0 ? path.resolve(process.argv[outAt + 1]) : path.join(root, 'native/build');
const optional = process.argv.includes('--optional');
const force = process.argv.includes('--force');
const cc = process.env.CC || 'cc';

const COMMON = ['-std=gnu11', '-O3', '-fPIC', '-fvisibility=hidden', '-pthread', '-Wall', '-Wextra', '-Werror=implicit-function-declaration', '-fno-math-errno'];
/** Flags and lane width per path; `arch` is where the path exists. */
const ISAS = {
  avx512: { arch: 'x64', flags: ['-mavx512f', '-mavx2', '-mfma', '-mf16c'], vecBytes: 64 },
  avx2: { arch: 'x64', flags: ['-mavx2', '-mfma', '-mf16c'], vecBytes: 32 },
  neon: { arch: 'arm64', flags: [], vecBytes: 16 },
  // The portable path: no vector instructions beyond what GCC makes of 8-byte vectors.
  scalar: { arch: 'any', flags: ['-fno-tree-vectorize'], vecBytes: 8 },
};

function record(status) {
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'status.json'), `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
}

function skip(reason) {
  record({ built: false, reason });
  console.log(`hotpath native: not built: ${reason}`);
  process.exit(0);
}

if (process.platform !== 'linux' || !['x64', 'arm64'].includes(arch)) {
  skip(`no native build for ${process.platform}-${arch} (linux x64 and arm64 only)`);
}
let compiler;
try {
  compiler = execFileSync(cc, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
} catch {
  skip(`no C compiler: '${cc}' was not found or did not run (install gcc, e.g. apt-get install gcc, then npm run build:native)`);
}
let headers;
try {
  headers = path.join(path.dirname(fileURLToPath(import.meta.resolve('node-api-headers/package.json'))), 'include');
} catch {
  skip("the node-api-headers package is missing (run npm install)");
}

const files = readdirSync(src).filter((f) => f.endsWith('.c')).sort();
const units = [];
for (const file of files) {
  const isa = Object.keys(ISAS).find((name) => file.endsWith(`_${name}.c`));
  if (isa !== undefined) {
    const spec = ISAS[isa];
    if (spec.arch !== 'any' && spec.arch !== arch) {
      continue;
    }
    units.push({ file, flags: [...spec.flags, `-DHP_ISA_SUFFIX=${isa}`, `-DHP_VEC_BYTES=${spec.vecBytes}`] });
  } else {
    units.push({ file, flags: [] });
  }
}
const isas = Object.keys(ISAS).filter((name) => ISAS[name].arch === 'any' || ISAS[name].arch === arch);

// The sources alone, hashed as src/backends/native/addon.ts does at load to spot a stale build.
const sourcesHash = createHash('sha256');
for (const f of readdirSync(src).sort()) {
  sourcesHash.update(`${f}\0`);
  sourcesHash.update(readFileSync(path.join(src, f)));
}
const sources = sourcesHash.digest('hex');
// What the build depends on: the sources and how they are compiled.
const stamp = createHash('sha256').update(JSON.stringify({ compiler, COMMON, units, arch, sources })).digest('hex');
const target = path.join(out, 'hotpath.node');
const stampFile = path.join(out, 'stamp');
if (!force && existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(path.join(out, 'status.json'))) {
  console.log('hotpath native: up to date');
  process.exit(0);
}

const objDir = path.join(out, 'obj');
rmSync(objDir, { recursive: true, force: true });
mkdirSync(objDir, { recursive: true });
const started = Date.now();
try {
  const queue = [...units];
  const workers = Array.from({ length: Math.max(1, os.availableParallelism()) }, async () => {
    for (let u = queue.shift(); u !== undefined; u = queue.shift()) {
      const obj = path.join(objDir, u.file.replace(/\.c$/, '.o'));
      const { stderr } = await run(cc, [...COMMON, ...u.flags, '-I', headers, '-I', src, '-c', path.join(src, u.file), '-o', obj], { maxBuffer: 1 << 24 });
      if (stderr.trim() !== '') {
        process.stderr.write(stderr);
      }
    }
  });
  await Promise.all(workers);
  const objects = units.map((u) => path.join(objDir, u.file.replace(/\.c$/, '.o')));
  await run(cc, ['-shared', '-pthread', '-o', target, ...objects, '-lm']);
} catch (error) {
  rmSync(target, { force: true });
  rmSync(stampFile, { force: true });
  const detail = String(error.stderr || error.message).trim().split('\n').slice(0, 20).join('\n');
  record({ built: false, reason: `the C compiler failed: ${detail.split('\n')[0]}`, compiler });
  console.error(`hotpath native: build failed with ${compiler}:\n${detail}`);
  process.exit(optional ? 0 : 1);
}
writeFileSync(stampFile, stamp);
record({ built: true, compiler, isas, flags: COMMON.join(' '), sources });
console.log(`hotpath native: built ${path.relative(process.cwd(), target)} (${units.length} files, paths ${isas.join(', ')}) with ${compiler} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
