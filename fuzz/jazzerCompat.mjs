// Makes @jazzer.js's prebuilt fuzzer addon load on an older glibc/libstdc++, when it has to.
//
// @jazzer.js/fuzzer 4.0.0 ships fuzzer-linux-x64.node built against glibc 2.38 and GCC 13's
// libstdc++. Debian 12 (this project's machines) has glibc 2.36 and GCC 12, so the addon fails
// to load with "version `GLIBC_2.38' not found". Only three symbols need the newer versions:
// __isoc23_strtol and __isoc23_strtoul (C23 spellings of strtol/strtoul) and
// std::ios_base_library_init() (GCC 13's iostream start-up). So, only where the prebuilt addon
// does not load as it is:
//   1. copy it to node_modules/.cache/hotpath-fuzz/ and mark each version reference the system
//      lacks as weak (VER_FLG_WEAK in .gnu.version_r), found one at a time from the loader's
//      own error message, so the dynamic loader no longer refuses the file;
//   2. compile fuzz/compat/glibc.cc (those three functions, forwarding to the old ones) into a
//      shared library that the fuzz processes preload (LD_PRELOAD);
//   3. fuzz/compat/preload.cjs points jazzer's require() of the prebuilt at the copy.
// Where the prebuilt loads (a newer distribution), nothing is copied or compiled.
//
// prepareJazzer() returns the environment a fuzz process needs, or { error } saying why not.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CACHE = path.join(REPO, 'node_modules/.cache/hotpath-fuzz');
const SHT_GNU_VERNEED = 0x6ffffffe;
const VER_FLG_WEAK = 0x2;
/** Rounds of "load, read the missing version, weaken it": more than any real addon needs. */
const MAX_ROUNDS = 12;

function prebuiltAddon() {
  const require = createRequire(import.meta.url);
  const fuzzerDir = path.dirname(require.resolve('@jazzer.js/fuzzer/package.json'));
  return path.join(fuzzerDir, 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

/** Loads `addon` in a child process (with `env`); returns '' on success, else the error text. */
function tryLoad(addon, env) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

/** Sets VER_FLG_WEAK on the version reference named `version` in an ELF64 little-endian file; false when absent. */
function weakenVersion(bytes, version) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectionsAt = Number(view.getBigUint64(0x28, true));
  const sectionSize = view.getUint16(0x3a, true);
  const sections = view.getUint16(0x3c, true);
  const section = (i) => {
    const at = sectionsAt + i * sectionSize;
    return { type: view.getUint32(at + 4, true), offset: Number(view.getBigUint64(at + 0x18, true)), link: view.getUint32(at + 0x28, true), info: view.getUint32(at + 0x2c, true) };
  };
  const text = (at) => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return Buffer.from(bytes.subarray(at, end)).toString('latin1');
  };
  for (let i = 0; i < sections; i++) {
    const s = section(i);
    if (s.type !== SHT_GNU_VERNEED) continue;
    const strings = section(s.link).offset;
    // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
    let need = s.offset;
    for (let n = 0; n < s.info; n++) {
      let aux = need + view.getUint32(need + 8, true);
      for (let a = 0; a < view.getUint16(need + 2, true); a++) {
        if (text(strings + view.getUint32(aux + 8, true)) === version) {
          view.setUint16(aux + 4, view.getUint16(aux + 4, true) | VER_FLG_WEAK, true);
          return true;
        }
        aux += view.getUint32(aux + 12, true);
      }
      need += view.getUint32(need + 12, true);
    }
  }
  return false;
}

export function prepareJazzer() {
  let prebuilt;
  try {
    prebuilt = prebuiltAddon();
  } catch {
    return { error: '@jazzer.js/fuzzer is not installed (npm ci installs it as a devDependency)' };
  }
  const first = tryLoad(prebuilt, {});
  if (first === '') {
    return { env: {}, note: 'the prebuilt fuzzer addon loads as it is' };
  }
  if (process.platform !== 'linux' || !/version `[^']+' not found/.test(first)) {
    return { error: `the fuzzer addon does not load: ${first.split('\n').find((l) => l.includes('Error')) ?? first.trim()}` };
  }
  mkdirSync(CACHE, { recursive: true });
  const shim = path.join(CACHE, 'glibc-compat.so');
  const source = path.join(HERE, 'compat/glibc.cc');
  if (!existsSync(shim) || statSync(shim).mtimeMs < statSync(source).mtimeMs) {
    const cc = spawnSync('c++', ['-shared', '-fPIC', '-O2', '-o', shim, source], { encoding: 'utf8' });
    if (cc.status !== 0) {
      return { error: `cannot compile ${path.relative(REPO, source)} (needs a C++ compiler, e.g. apt-get install g++): ${cc.stderr || cc.error}` };
    }
  }
  const addon = path.join(CACHE, path.basename(prebuilt));
  const env = { LD_PRELOAD: shim, HOTPATH_JAZZER_ADDON: addon };
  if (existsSync(addon) && tryLoad(addon, env) === '') {
    return { env, note: `the prebuilt fuzzer addon needs a newer glibc; using a copy with weak version references (${path.relative(REPO, addon)})` };
  }
  const bytes = new Uint8Array(readFileSync(prebuilt));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    writeFileSync(addon, bytes);
    const error = tryLoad(addon, env);
    if (error === '') {
      return { env, note: `the prebuilt fuzzer addon needs a newer glibc; using a copy with weak version references (${path.relative(REPO, addon)})` };
    }
    const missing = /version `([^']+)' not found/.exec(error)?.[1];
    if (missing === undefined || !weakenVersion(bytes, missing)) {
      return { error: `the fuzzer addon does not load even with weakened version references: ${error.trim().split('\n')[0]}` };
    }
  }
  return { error: 'the fuzzer addon still needs newer libraries after weakening every reference found' };
}

// `node fuzz/jazzerCompat.mjs`: prepare and say what was done.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = prepareJazzer();
  console.log(result.error ?? result.note);
  process.exit(result.error === undefined ? 0 : 1);
}
