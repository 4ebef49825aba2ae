/**
 * The feature server under load, as the issue measures it: `hotpath serve` and `hotpath loadtest`
 * as two separate processes on one machine over loopback (built CLI: run `npm run build` first).
 * Not part of `npm run bench`'s suite (it takes a minute per run and needs free ports).
 *
 *   flock /tmp/hotpath-bench.lock npx tsx bench/serveLoad.ts [loadtest options...]
 *   e.g. --streams 64 --realtime --seconds 10   or   --realtime --ramp --seconds 5
 *
 * Prints the machine (cores, load), the server's command, the loadtest's output, and the
 * server's /metrics?format=json totals (its own view of latency and real-time factor).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const preset = process.env.PRESET ?? 'whisper-80';

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}, node ${process.version}`);
const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--preset', preset, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const [first] = (await once(server.stdout, 'data')) as [Buffer];
const { url } = JSON.parse(first.toString()) as { url: string };
console.log(`server: hotpath serve --preset ${preset} at ${url} (pid ${server.pid ?? '?'})`);
console.log(`loadtest: hotpath loadtest ${url.replace('http', 'ws')} ${args.join(' ')}`);
const load = spawn(process.execPath, [CLI, 'loadtest', url.replace('http', 'ws'), ...args], { stdio: 'inherit' });
const [code] = (await once(load, 'close')) as [number | null];
const metrics = (await (await fetch(`${url}/metrics?format=json`)).json()) as Record<string, unknown>;
const { streams: _open, ...totals } = metrics;
console.log(`server totals: ${JSON.stringify(totals)}`);
console.log(`load after: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
server.kill('SIGTERM');
await once(server, 'close');
process.exitCode = code ?? 2;
