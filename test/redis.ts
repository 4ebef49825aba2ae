/**
 * A private redis-server for tests: Debian's /usr/bin/redis-server on a free port with a
 * temporary data dir (removed by stop()). restart() stops it (SIGTERM: Redis saves its data
 * first, as a service restart does) and starts it again on the same port and dir. Tests that
 * only need some server use HOTPATH_REDIS_URL when .ci/run exported one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { startWorker, type BatchWorker } from '../src/batch/worker.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

export function haveRedis(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /**
   * SIGTERM (Redis saves), wait for exit, start again on the same port and data; with
   * `{ keepData: false }`, SIGKILL and no data file: it comes back empty, as a server without
   * persistence does.
   */
  restart(downMs?: number, options?: { keepData: boolean }): Promise<void>;
  /** Stops the server and leaves it stopped (the data dir stays until stop()). */
  halt(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

async function untilAnswers(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await answers(port)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

/** Starts a private redis-server. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-redis-'));
  let server: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    // save 3600 1: a SIGTERM shutdown writes the data, so restart() keeps the queue.
    server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '3600 1', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    await untilAnswers(port);
  };
  const halt = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const s = server;
    server = undefined;
    if (s === undefined || s.exitCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      s.once('exit', () => resolve());
      s.kill(signal);
    });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async (downMs = 300, options = { keepData: true }) => {
      await halt(options.keepData ? 'SIGTERM' : 'SIGKILL');
      if (!options.keepData) {
        rmSync(path.join(dir, 'dump.rdb'), { force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    halt: async () => halt(),
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file that only needs some Redis and a worker: HOTPATH_REDIS_URL (from .ci/run) or
 * a private server, and an in-process batch worker (2 shards at once) on `queue`, set up in
 * before() and stopped in after(); `skip` says why there is no Redis.
 */
export function redisWithWorker(queue: string): { readonly skip: string | false; url(): string } {
  const skip = haveRedis() || process.env.HOTPATH_REDIS_URL !== undefined ? false : 'redis-server is not installed (apt-get install redis-server)';
  let own: TestRedis | undefined;
  let worker: BatchWorker | undefined;
  let url = '';
  before(async () => {
    if (skip !== false) {
      return;
    }
    if (process.env.HOTPATH_REDIS_URL === undefined) {
      own = await startRedis();
    }
    url = process.env.HOTPATH_REDIS_URL ?? own!.url;
    worker = await startWorker({ redis: url, queue, concurrency: 2, onError: () => {} });
  });
  after(async () => {
    await worker?.close();
    await own?.stop();
  });
  return { skip, url: () => url };
}
