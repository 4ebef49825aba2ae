/** What a queue holds now: jobs by state and the workers connected to it. */
import { Queue } from 'bullmq';
import { queueName, redisLabel, redisOptions, type BatchConnection } from './connection.js';
import { HotpathError } from '../errors.js';

export interface BatchStatus {
  readonly redis: string;
  readonly queue: string;
  readonly jobs: Readonly<Record<string, number>>;
  /** Connected workers (their BullMQ names; `hotpath-<pid>` unless named). */
  readonly workers: readonly string[];
}

/**
 * @example const s = await batchStatus({ redis: 'redis://127.0.0.1:6379' }); s.jobs.waiting
 * @throws ARGUMENT (bad URL or queue), IO (Redis does not answer within timeoutMs)
 */
export async function batchStatus(connection: BatchConnection, timeoutMs = 5000): Promise<BatchStatus> {
  const name = queueName(connection, 'batch status');
  const queue = new Queue(name, { connection: redisOptions(connection.redis, 'batch status') });
  queue.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HotpathError({ code: 'IO', kernel: 'batch status', problem: `Redis at ${redisLabel(connection.redis)} did not answer within ${timeoutMs} ms`, expected: 'a running redis-server', received: 'no answer', hint: 'check the URL (--redis or REDIS_URL) and that redis-server runs' })), timeoutMs);
  });
  try {
    const read = async (): Promise<BatchStatus> => {
      const jobs = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      // Client names are '<prefix>:<base64 queue>:w:<worker name>'.
      const workers = (await queue.getWorkers()).map((w) => String(w.rawname ?? w.name ?? w.id ?? '?').replace(/^.*?:w:/, ''));
      return { redis: redisLabel(connection.redis), queue: name, jobs, workers };
    };
    return await Promise.race([read(), silent]);
  } finally {
    clearTimeout(timer);
    await Promise.race([queue.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await queue.disconnect().catch(() => {});
  }
}
