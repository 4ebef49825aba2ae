/**
 * Streaming: a bounded ring of samples with an explicit overflow policy, a framer that gives the
 * frames of the whole signal whatever the chunk sizes, PCM decoding of byte chunks split
 * anywhere, and pull-based async pipelines (`frames`, `pipe`, `SampleQueue`) with backpressure.
 */
export { RingBuffer, OVERFLOW_POLICIES, type OverflowPolicy, type RingBufferOptions } from './ringBuffer.js';
export { Framer, type FramerOptions, type Frames } from './framer.js';
export { PADDINGS, frameCount, frameStart, type FrameGeometry, type Padding } from './framing.js';
export { PcmDecoder, SAMPLE_FORMATS, type AudioChunk, type SampleFormat } from './pcm.js';
export { batchSize, frames, pipe, type Batch, type FramesOptions, type Source, type Stage } from './pipeline.js';
export { SampleQueue, type SampleQueueOptions } from './queue.js';
