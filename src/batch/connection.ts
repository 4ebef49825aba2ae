/**
 * Where a batch run's queue lives: a Redis URL (redis://[user:pass@]host:port[/db]) and a queue
 * name. Coordinators and workers on any number of machines that name the same Redis and queue
 * share the work. Every Redis client here retries forever at the ioredis level
 * (`maxRetriesPerRequest: null`, which BullMQ requires of workers); the coordinator bounds the
 * wait itself (see coordinator.ts: `redisTimeoutMs`), so a lost Redis stops a run with a clear
 * error instead of hanging it.
 */
import { fail } from '../errors.js';

/** Queue name used when none is given (coordinator and workers must agree). */
export const DEFAULT_QUEUE = 'hotpath';

export interface BatchConnection {
  /** redis://host:port (also rediss:// for TLS). */
  readonly redis: string;
  /** BullMQ queue name (default 'hotpath'); no ':' (BullMQ's key separator). */
  readonly queue?: string;
}

/** What ioredis takes: host/port/db/credentials from the URL. */
export interface RedisOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
  readonly maxRetriesPerRequest: null;
  /** ms between reconnection attempts, capped: ioredis's default backoff reaches 2 s. */
  readonly retryStrategy: (times: number) => number;
}

/**
 * Parses a Redis URL into client options.
 * @example redisOptions('redis://127.0.0.1:6379/0') // { host: '127.0.0.1', port: 6379, db: 0, ... }
 * @throws ARGUMENT for anything but a redis:// or rediss:// URL with a valid port and db
 */
export function redisOptions(url: string, where = 'batch'): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid Redis URL', expected: 'redis://HOST:PORT (e.g. redis://127.0.0.1:6379)', received: JSON.stringify(url), hint: 'pass --redis URL or set REDIS_URL' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid Redis URL scheme', expected: 'redis:// or rediss://', received: JSON.stringify(url) });
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isSafeInteger(db) || db < 0) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid Redis database number in the URL path', expected: 'redis://HOST:PORT/N with N >= 0', received: JSON.stringify(url) });
  }
  return {
    host: parsed.hostname === '' ? '127.0.0.1' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(50 * times, 500),
  };
}

/** The queue name, checked. @throws ARGUMENT */
export function queueName(connection: BatchConnection, where = 'batch'): string {
  const name = connection.queue ?? DEFAULT_QUEUE;
  if (typeof name !== 'string' || name === '' || name.includes(':')) {
    fail({ code: 'ARGUMENT', kernel: where, problem: 'invalid queue name', expected: "a non-empty name without ':'", received: JSON.stringify(name) });
  }
  return name;
}

/** A Redis URL without its password, for messages. */
export function redisLabel(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
