/**
 * `hotpath/batch`: sharded jobs over BullMQ on Redis (a separate entry point, so that plain
 * `hotpath` does not load bullmq and ioredis).
 * @example
 *   import { startWorker, batchKnn } from 'hotpath/batch';
 *   const worker = await startWorker({ redis: 'redis://127.0.0.1:6379' }); // on each machine
 *   const r = await batchKnn({ redis: 'redis://127.0.0.1:6379', query: 'q.npy', database: 'db.npy', k: 10 });
 */
export { DEFAULT_QUEUE, type BatchConnection } from './connection.js';
export type { CoordinatorOptions, ShardFailure } from './coordinator.js';
export { batchKnn, type BatchKnnOptions, type BatchKnnResult } from './knn.js';
export { batchKmeans, type BatchKmeansOptions, type BatchKmeansResult, type BatchIterationInfo, type BatchRoundInfo } from './kmeans.js';
export { batchFeatures, type BatchFeaturesOptions, type BatchFeaturesResult } from './features.js';
export { batchStatus, type BatchStatus } from './status.js';
export { startWorker, type BatchWorker, type WorkerOptions } from './worker.js';
