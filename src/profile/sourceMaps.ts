/**
 * Line numbers of TypeScript run through tsx. V8's profiler reports positions in the code tsx
 * produced (one long line per file), not in the user's .ts file. In the profiled program (where
 * tsx has registered the maps) the preload collects the source maps of the TypeScript files that
 * were loaded, and the report maps each function's position back with node:module's SourceMap.
 */
import { readdirSync } from 'node:fs';
import { findSourceMap, SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
/** Bounds of the search for loaded TypeScript files around the main script. */
const MAX_ENTRIES = 5000;
const MAX_DEPTH = 6;

/**
 * In the profiled program: the source maps of the TypeScript files under the main script's
 * folder that were loaded, by script url (as the profile names it). Empty for a .js program.
 * @example collectSourceMaps(process.argv[1]) // { 'file:///app/app.ts': { version: 3, ... } }
 */
export function collectSourceMaps(mainScript: string | undefined): Record<string, SourceMapPayload> {
  const out: Record<string, SourceMapPayload> = {};
  if (mainScript === undefined || !TYPESCRIPT.test(mainScript)) {
    return out;
  }
  let budget = MAX_ENTRIES;
  const visit = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      budget -= 1;
      if (budget < 0) {
        return;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        visit(full, depth + 1);
      } else if (e.isFile() && TYPESCRIPT.test(e.name)) {
        const url = pathToFileURL(full).href;
        const map = findSourceMap(url) ?? findSourceMap(full);
        if (map !== undefined) {
          out[url] = map.payload;
        }
      }
    }
  };
  visit(path.dirname(path.resolve(mainScript)), 0);
  return out;
}

/**
 * Maps a 1-based (line, column) of `url` back to its source, when a map was collected for it.
 * @example const at = sourcePosition(maps, 'file:///app/app.ts', 1, 395) // { line: 18 }
 */
export function sourcePosition(maps: Readonly<Record<string, SourceMapPayload>>, url: string, line: number, column: number): { line: number } | undefined {
  const payload = maps[url];
  if (payload === undefined) {
    return undefined;
  }
  try {
    const entry = new SourceMap(payload).findEntry(line - 1, column - 1) as { originalLine?: number };
    return entry.originalLine === undefined ? undefined : { line: entry.originalLine + 1 };
  } catch {
    return undefined;
  }
}
