/**
 * hotpath: tensors with explicit layout and lifetime, kernels on pluggable backends, and a
 * plain TypeScript reference every backend is checked against.
 */
export { createRuntime, Runtime, type RuntimeOptions } from './runtime/runtime.js';
export type { BackendStatus, Explanation, RunOptions } from './runtime/core.js';
export type { LoadKernelOptions, UserParams } from './runtime/userKernels.js';
export type { MemoryInfo } from './runtime/memory.js';
export type { BackendStats, KernelStats, RuntimeStats } from './runtime/stats.js';
export { shapeClassOf, type CallObserver, type KernelCall, type ThreadSpan } from './monitor/call.js';
export type { ChromeTrace, TraceEvent } from './trace/chrome.js';
export type { TraceOptions, Tracer } from './trace/tracer.js';
export { openTelemetryObserver, type OpenTelemetryOptions } from './monitor/otel.js';
export type { TensorData, TensorOptions } from './runtime/input.js';
export { HotpathError, isHotpathError, type ErrorCode } from './errors.js';
export { Tensor, type Nested } from './tensor/tensor.js';
export type { SliceSpec } from './tensor/slice.js';
export { DTYPES, type DType, type TypedArray } from './tensor/dtype.js';
export type { Layout } from './tensor/layout.js';
export { KERNELS, type KernelName } from './kernels/index.js';
export type { Backend, BackendFactory, BackendInfo } from './backends/backend.js';
export * from './io/index.js';
export type { IterationInfo, KMeansInit, KMeansOptions, KMeansResult } from './kmeans/index.js';
export type { FileIterationInfo, FileKMeansOptions, FileKMeansResult, IoReport } from './kmeans/file.js';
export type { Metric, PairwiseDistancesAttrs } from './kernels/pairwiseDistances.js';
export { readBenchFile, BENCH_FORMAT, BENCH_VERSION, type BenchFile, type BenchRun, type DataRecord, type MachineRecord, type AttrValue } from './gate/format.js';
export type { ProbeSpec } from './gate/probe.js';
export { Resampler, resample, type ResamplerOptions, type ResampleDType } from './stream/resample.js';
export * from './stream/index.js';
export { FeatureStream, type FeatureStreamOptions } from './stream/features.js';
export { logMel, fbank, whisperFloor, type LogMelOptions, type FbankOptions } from './audio/logMel.js';
export { melBank, type MelBankOptions, type MelScale, type MelNorm } from './audio/mel.js';
export { analysisWindow, type WindowKind } from './audio/window.js';
export { frameSignal, type FrameOptions } from './audio/frame.js';
export { presetOf, PRESET_NAMES, type Preset, type PresetName } from './audio/presets.js';
export type { FbankAttrs, FbankLog } from './kernels/fbank.js';
