/**
 * Which code a profile sample belongs to. The owner of a sample is the innermost frame of a
 * script file (node's internals, builtins and wasm are skipped, so their time counts for the
 * function that called them); it belongs to hotpath when that file is in hotpath's package. The
 * samples where hotpath's threads wait on Atomics.wait (the pool workers between jobs, the
 * caller while workers finish) are waits, not CPU: V8 samples a blocked thread as running the
 * function that blocked.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FlatNode } from './cpuprofile.js';

/** Where a sample's time went. */
export type Category = 'idle' | 'wait' | 'gc' | 'program' | 'node' | 'hotpath' | 'user';

/** The categories that count as CPU time. */
export const CPU_CATEGORIES: ReadonlySet<Category> = new Set(['gc', 'program', 'node', 'hotpath', 'user']);

/**
 * The wasm pool's manager and workers run evaluated scripts, not files (src/backends/wasm/
 * manager.ts, worker.ts); their loop functions are named `manage` and `work`.
 */
const POOL_WORKER_URL = '[worker eval]';
const POOL_LOOP = 'work';
const POOL_FUNCTIONS = new Set([POOL_LOOP, 'manage']);
/** The caller's wait for the pool's workers (src/backends/wasm/epoch.ts). */
const WAIT_FILE = /[\\/]backends[\\/]wasm[\\/]epoch\.[cm]?[jt]s$/;
const WAIT_FUNCTION = 'sleep';

/** Whether a thread's nodes are those of a hotpath pool thread (its manager or a worker). */
export function isPoolThread(nodes: readonly FlatNode[]): boolean {
  return nodes.some((n) => n.frame.url === POOL_WORKER_URL && POOL_FUNCTIONS.has(n.frame.functionName));
}

/** A file of an installed hotpath package. */
const INSTALLED = /[\\/]node_modules[\\/]hotpath[\\/](?:dist|src)[\\/]/;

/** A node's category and owner (index of the owning frame's node, -1 for none). */
export interface NodeClass {
  readonly category: Category;
  readonly owner: number;
}

/** Whether `url` is a script file (or evaluated script), not node internals, a builtin or wasm. */
export function isScript(url: string): boolean {
  return url !== '' && !url.startsWith('node:') && !url.startsWith('wasm://');
}

/** A script url as a path (file: URLs converted; other urls as they are). */
export function pathOfUrl(url: string): string {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

/**
 * Classifies every node of one thread's profile.
 * @example classify(samples.nodes, '/app/node_modules/hotpath')[i].category // 'user'
 */
export function classify(nodes: readonly FlatNode[], hotpathRoot: string): NodeClass[] {
  const poolThread = isPoolThread(nodes);
  // hotpath's code: its built and source folders (not its tests, fixtures or node_modules), and
  // any installed copy of hotpath (the program may load another one than this command's).
  const prefixes = ['dist', 'src'].map((d) => path.join(hotpathRoot, d) + path.sep);
  const inHotpath = (url: string): boolean => {
    if (poolThread && url.startsWith(POOL_WORKER_URL)) {
      return true;
    }
    const p = pathOfUrl(url);
    return prefixes.some((prefix) => p.startsWith(prefix)) || INSTALLED.test(p);
  };
  const owners = new Int32Array(nodes.length).fill(-2);
  const ownerOf = (i: number): number => {
    const chain: number[] = [];
    let j = i;
    let found = -1;
    while (j !== -1) {
      if (owners[j] !== -2) {
        found = owners[j]!;
        break;
      }
      chain.push(j);
      if (isScript(nodes[j]!.frame.url)) {
        found = j;
        break;
      }
      j = nodes[j]!.parent;
    }
    for (const k of chain) {
      owners[k] = found;
    }
    return found;
  };
  return nodes.map((n, i): NodeClass => {
    const owner = ownerOf(i);
    if (n.kind === 'idle' || n.kind === 'gc' || n.kind === 'program') {
      return { category: n.kind, owner: -1 };
    }
    if (owner === -1) {
      return { category: 'node', owner };
    }
    const o = nodes[owner]!.frame;
    if (!inHotpath(o.url)) {
      return { category: 'user', owner };
    }
    const waits = owner === i && ((o.functionName === WAIT_FUNCTION && WAIT_FILE.test(pathOfUrl(o.url))) || (poolThread && o.url === POOL_WORKER_URL && o.functionName === POOL_LOOP));
    return { category: waits ? 'wait' : 'hotpath', owner };
  });
}
