/** The streaming feature server (`hotpath serve`) and its wire format. */
export { startServer, type FeatureServer, type ServerOptions } from './server.js';
export { warmUp, type WarmUpOptions } from './warm.js';
export { DEFAULT_LIMITS, type ServeLimits } from './limits.js';
export { CLOSE, HEADER_BYTES, END_CHUNK, decodeFrames, type FramesMessage, type OutputFormat, type SampleFormat, type StreamParams } from './protocol.js';
export type { MetricsSnapshot, StreamSnapshot } from './metrics.js';
export type { FeatureStream, FeatureStreamFactory, FeatureStreamOptions } from './types.js';
