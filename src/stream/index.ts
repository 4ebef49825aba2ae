/**
 * Streaming: a bounded ring of samples with an explicit overflow policy, and a framer that gives
 * the frames of the whole signal whatever the chunk sizes.
 */
export { RingBuffer, OVERFLOW_POLICIES, type OverflowPolicy, type RingBufferOptions } from './ringBuffer.js';
export { Framer, type FramerOptions, type Frames } from './framer.js';
export { PADDINGS, frameCount, frameStart, type FrameGeometry, type Padding } from './framing.js';
