/**
 * The sandboxed processor: the entry module of each child process a batch worker forks
 * (worker.ts). It is this process's main module, so the process's state lives here: one
 * runtime, created when the child starts and kept for every job. Configuration comes from
 * HOTPATH_BATCH_CHILD (JSON, set by the worker).
 */
import type { SandboxedJob } from 'bullmq';
import { Redis } from 'ioredis';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { computeFeatures } from '../cli/features.js';
import { encodeError, type ShardJob } from './protocol.js';
import { knnShard } from './knnShard.js';
import { ChunkCache } from './kmeansShard.js';
import { kmeansAgent } from './kmeansAgent.js';
import { redisOptions } from './connection.js';
import { shardFile } from './shardRows.js';
import type { ChildConfig } from './worker.js';

const config = JSON.parse(process.env.HOTPATH_BATCH_CHILD ?? '{"threads":1,"holdMs":0}') as ChildConfig;

// With the worker gone (killed), no result of this process can reach Redis any more, and the
// runtime's threads would keep it alive as an orphan: exit.
process.on('disconnect', () => process.exit(1));

// Created when the worker forks this child (before its first job: worker.ts warms its children),
// so that no job waits for it; an error surfaces at the first job's await.
const runtime: Promise<Runtime> = createRuntime({ threads: config.threads });
runtime.catch(() => {});
/**
 * The k-means agents' own connection (their XREAD blocks it; one agent at a time per child),
 * opened with the child like the runtime, so that an agent's first op does not wait for it.
 */
let redis: Redis | undefined = eagerConnection();

/** The agents' connection, or undefined (no URL, or one ioredis refuses: then the first k-means job fails with it). */
function eagerConnection(): Redis | undefined {
  try {
    return config.redis === undefined ? undefined : agentConnection(config.redis);
  } catch {
    return undefined;
  }
}
const cache = new ChunkCache(config.cacheBytes ?? 2 ** 30);

/** `qualified`: BullMQ's qualified queue name (`prefix:queue`), which its job keys start with. */
async function shard(job: ShardJob, id: string, qualified: string, hp: Runtime): Promise<unknown> {
  switch (job.kind) {
    case 'knn':
      return knnShard(hp, job);
    case 'features': {
      if (job.input.toLowerCase().endsWith('.npy')) {
        // The header checked first, so that a corrupt one is reported with its byte offset.
        shardFile(job.input, 'batch features');
      }
      const { features } = computeFeatures(hp, job.input, { preset: job.preset, snipEdges: job.snipEdges, rate: job.rate }, 'batch features');
      try {
        hp.save(job.out, features);
        return { out: job.out, shape: [...features.shape] };
      } finally {
        features.release();
      }
    }
    case 'kmeansAgent': {
      if (config.redis === undefined || config.queue === undefined || config.name === undefined) {
        throw new Error('a k-means agent needs the worker to pass its Redis URL, queue and name (HOTPATH_BATCH_CHILD)');
      }
      redis ??= agentConnection(config.redis);
      return kmeansAgent({ hp, redis, queue: config.queue, cache, jobKeys: `${qualified}:`, worker: config.name }, job, id);
    }
    default:
      throw new Error(`unknown shard kind ${JSON.stringify((job as { kind: unknown }).kind)}`);
  }
}

function agentConnection(url: string): Redis {
  const connection = new Redis(redisOptions(url, 'batch worker'));
  // Connection trouble shows as commands that wait (ioredis retries); the worker's lock decides.
  connection.on('error', () => {});
  return connection;
}

export default async function processShard(job: SandboxedJob<ShardJob>): Promise<unknown> {
  if (config.holdMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, config.holdMs));
  }
  try {
    return await shard(job.data, job.id, job.queueQualifiedName, await runtime);
  } catch (error) {
    throw encodeError(error);
  }
}
