/**
 * Runs the user's program under the profilers: `node --cpu-prof --cpu-prof-dir DIR --import
 * <preload> [--import tsx] <node options> app.js [args]`, with HOTPATH_PROFILE_DIR=DIR for the
 * preload. --cpu-prof is process-wide, so every worker thread writes its own profile too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fail } from '../errors.js';

/** The program to profile, taken apart. */
export interface ProgramCommand {
  /** The node binary (`node` becomes this process's own, so the same version runs). */
  readonly node: string;
  /** Options for node before the script (e.g. --max-old-space-size=4096). */
  readonly nodeOptions: readonly string[];
  readonly script: string;
  readonly args: readonly string[];
}

/** How the child ended, and when. */
export interface ProgramExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Wall time from spawn to exit, as this process saw it (ms). */
  readonly wallMs: number;
}

const SCRIPT = /\.(?:[cm]?js|[cm]?ts|tsx|jsx)$/;
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
/** Node options whose value is the next argument. */
const WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--conditions', '-C', '--env-file', '--input-type', '--stack-size', '--title']);

/** The folder of hotpath's package (both dist/ and src/ are inside it). */
export function hotpathRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Takes `node [node options] app.js [args]` (or just `app.js [args]`) apart.
 * @example parseCommand(['node', '--max-old-space-size=4096', 'app.js', '-n', '3'])
 * @throws ARGUMENT when there is no command or no script in it
 */
export function parseCommand(argv: readonly string[]): ProgramCommand {
  const [first, ...rest] = argv;
  if (first === undefined) {
    return fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'no program to profile', expected: 'hotpath profile -- node app.js [args]', received: 'nothing after --' });
  }
  if (SCRIPT.test(first) && !/(?:^|[\\/])node(?:\.exe)?$/.test(first)) {
    return { node: process.execPath, nodeOptions: [], script: first, args: rest };
  }
  if (!/(?:^|[\\/])node(?:\.exe)?$/.test(first)) {
    return fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'not a node command', expected: 'node [node options] app.js [args], or app.js [args]', received: argv.join(' '), hint: 'profile a TypeScript file as `hotpath profile -- node app.ts` (run through tsx when it is installed)' });
  }
  const nodeOptions: string[] = [];
  let i = 0;
  while (i < rest.length && rest[i]!.startsWith('-')) {
    const option = rest[i]!;
    if (option === '-e' || option === '--eval' || option === '-p' || option === '--print') {
      return fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'node -e / -p has no script to profile', expected: 'node [node options] app.js [args]', received: argv.join(' '), hint: 'put the code in a file' });
    }
    nodeOptions.push(option);
    if (WITH_VALUE.has(option) && i + 1 < rest.length) {
      nodeOptions.push(rest[i + 1]!);
      i += 1;
    }
    i += 1;
  }
  const script = rest[i];
  if (script === undefined) {
    return fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'no script in the command', expected: 'node [node options] app.js [args]', received: argv.join(' ') });
  }
  return { node: first === 'node' ? process.execPath : first, nodeOptions, script, args: rest.slice(i + 1) };
}

/**
 * The full argument list for the child: profiler flags, preload, tsx for TypeScript, then the
 * user's. @throws ARGUMENT for a .ts script when tsx is found nowhere and node cannot strip types
 */
export function childArguments(command: ProgramCommand, dir: string, cwd: string, intervalUs?: number): string[] {
  const preload = preloadPath();
  const loaders: string[] = [];
  const ownTsx = resolveTsx([hotpathRoot()]);
  if (preload.endsWith('.ts')) {
    // hotpath itself runs from source (under tsx): its preload needs tsx too.
    loaders.push('--import', pathToFileURL(ownTsx ?? 'tsx').href);
  }
  const script = path.resolve(cwd, command.script);
  const hasTsx = command.nodeOptions.some((o) => o === 'tsx' || o.includes('tsx/'));
  if (TYPESCRIPT.test(script) && !hasTsx && !preload.endsWith('.ts')) {
    const tsx = resolveTsx([path.dirname(script), cwd]) ?? ownTsx;
    if (tsx !== undefined) {
      loaders.push('--import', pathToFileURL(tsx).href);
    } else if (!stripsTypes()) {
      return fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'a TypeScript program needs tsx', expected: 'tsx installed where the program or the current folder can resolve it', received: command.script, hint: 'npm install --save-dev tsx' });
    }
  }
  const interval = intervalUs === undefined ? [] : ['--cpu-prof-interval', String(intervalUs)];
  return ['--cpu-prof', '--cpu-prof-dir', dir, ...interval, ...loaders, '--import', pathToFileURL(preload).href, ...command.nodeOptions, command.script, ...command.args];
}

/**
 * Runs the program to its end with stdin and stderr inherited; its stdout goes to `stdout`
 * ('inherit', or 'stderr' so that --json output stays alone on stdout).
 * @example await runProgram(parseCommand(['node', 'app.js']), dir, 'inherit')
 */
export function runProgram(command: ProgramCommand, dir: string, stdout: 'inherit' | 'stderr', cwd = process.cwd(), intervalUs?: number): Promise<ProgramExit> {
  const args = childArguments(command, dir, cwd, intervalUs);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command.node, args, { cwd, env: { ...process.env, HOTPATH_PROFILE_DIR: dir }, stdio: ['inherit', stdout === 'inherit' ? 'inherit' : 'pipe', 'inherit'] });
    child.stdout?.pipe(process.stderr, { end: false });
    // Ctrl-C reaches the program too: let it end and report what was written.
    const ignore = (): void => {};
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      process.off('SIGINT', ignore);
      reject(error);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve({ code, signal, wallMs: performance.now() - started });
    });
  });
}

function preloadPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const js = path.join(here, 'preload.js');
  return existsSync(js) ? js : path.join(here, 'preload.ts');
}

function resolveTsx(from: readonly string[]): string | undefined {
  for (const dir of from) {
    try {
      return createRequire(path.join(dir, 'noop.js')).resolve('tsx');
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Node 23.6+ runs .ts files by stripping their types. */
function stripsTypes(): boolean {
  return (process.features as { typescript?: unknown }).typescript !== undefined && (process.features as { typescript?: unknown }).typescript !== false;
}
