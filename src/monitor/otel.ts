/**
 * OpenTelemetry for kernel calls: an observer of the call chain that turns each call into a span
 * (`hotpath.<kernel>`, started and ended at the call's own times, a child of the caller's active
 * span) and records it in histogram metrics, with the kernel, backend, dtype and a shape class
 * as attributes. Only `@opentelemetry/api` is used (an optional peer dependency); which SDK,
 * exporter and sampler run stays the application's choice: without a registered SDK the API's
 * no-op tracer and meter make this nearly free.
 *
 * Metrics: `hotpath.kernel.duration` (histogram, ms), `hotpath.kernel.fallbacks` and
 * `hotpath.kernel.copies` (counters, with the reasons' backend), `hotpath.kernel.flops` and
 * `hotpath.kernel.bytes` (counters of the work done, from each kernel's cost()).
 */
import type { Attributes, Context, Counter, Histogram, Meter, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api';
import type { BatchedObserver } from './batch.js';
import { fail } from '../errors.js';
import { shapeClassOf, type CallObserver, type KernelCall } from './call.js';

export interface OpenTelemetryOptions {
  /** Where spans go (default: the globally registered provider, `trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go (default: the global `metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /** Record spans (default true). */
  readonly spans?: boolean;
  /** Record metrics (default true). */
  readonly metrics?: boolean;
}

type Api = typeof import('@opentelemetry/api');

interface Instruments {
  readonly duration: Histogram;
  readonly fallbacks: Counter;
  readonly copies: Counter;
  readonly flops: Counter;
  readonly bytes: Counter;
}

/**
 * The observer, with `@opentelemetry/api` loaded from the application's dependencies.
 * @example hp.observe(await openTelemetryObserver());
 * @throws ARGUMENT when @opentelemetry/api is not installed
 */
export async function openTelemetryObserver(options: OpenTelemetryOptions = {}): Promise<CallObserver> {
  const { api, observe } = await telemetryOf(options);
  return (call) => observe(call, api.context.active());
}

/**
 * The same as a batched observer (monitor/batch.ts): the caller's active context is captured
 * while the call is recorded, so the span is still the child of the span that made the call.
 * @throws ARGUMENT when @opentelemetry/api is not installed
 */
export async function openTelemetryBatched(options: OpenTelemetryOptions = {}): Promise<BatchedObserver> {
  const { api, observe } = await telemetryOf(options);
  return { capture: () => api.context.active(), observe };
}

async function telemetryOf(options: OpenTelemetryOptions): Promise<{ api: Api; observe: (call: KernelCall, context: unknown) => void }> {
  let api: Api;
  try {
    api = await import('@opentelemetry/api');
  } catch (error) {
    return fail({
      code: 'ARGUMENT',
      kernel: 'openTelemetry',
      problem: 'cannot load @opentelemetry/api',
      expected: 'the package installed next to hotpath (an optional peer dependency)',
      received: error instanceof Error ? error.message : String(error),
      hint: 'npm install @opentelemetry/api, plus the SDK and exporter of your choice',
    });
  }
  const tracer: Tracer | null = options.spans === false ? null : (options.tracerProvider ?? api.trace.getTracerProvider()).getTracer('hotpath');
  const meter: Meter | null = options.metrics === false ? null : (options.meterProvider ?? api.metrics.getMeterProvider()).getMeter('hotpath');
  const instruments = meter === null ? null : instrumentsOf(meter);
  const attributesOf = attributeCache();
  const observe = (call: KernelCall, context: unknown): void => {
    const attributes = attributesOf(call);
    if (tracer !== null) {
      const span = tracer.startSpan(`hotpath.${call.kernel}`, { kind: api.SpanKind.INTERNAL, startTime: call.startMs, attributes }, context as Context);
      // Without an SDK the span does not record: its attributes would be built for nothing.
      if (span.isRecording()) {
        span.setAttributes({ 'hotpath.threads': call.threads, 'hotpath.flops': call.flops, 'hotpath.bytes': call.bytes, 'hotpath.verify': call.verify });
        if (call.fallbacks.length > 0) {
          span.setAttribute('hotpath.fallbacks', [...call.fallbacks]);
        }
        if (call.copies.length > 0) {
          span.setAttribute('hotpath.copies', [...call.copies]);
        }
        if (call.verify === 'failed') {
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: 'verify: disagrees with the reference' });
        }
      }
      span.end(call.startMs + call.durationMs);
    }
    if (instruments !== null) {
      instruments.duration.record(call.durationMs, attributes);
      instruments.flops.add(call.flops, attributes);
      instruments.bytes.add(call.bytes, attributes);
      for (const reason of call.fallbacks) {
        instruments.fallbacks.add(1, { ...attributes, 'hotpath.passed_over': reason.split(':')[0]! });
      }
      if (call.copies.length > 0) {
        instruments.copies.add(call.copies.length, attributes);
      }
    }
  };
  return { api, observe };
}

/**
 * The attributes of a call (kernel, backend, dtype, shape class), built once per distinct
 * combination: a tensor's shape array keeps its class in a WeakMap, so a repeated call costs
 * two lookups instead of string work. At most 4096 combinations are kept (then rebuilt).
 */
function attributeCache(): (call: KernelCall) => Attributes {
  const classes = new WeakMap<readonly number[], string>();
  const byKey = new Map<string, Attributes>();
  // The last call's attributes: a loop calling one kernel on the same tensors reuses them.
  let last: { kernel: string; backend: string; dtype: string; shapes: readonly (readonly number[])[]; attributes: Attributes } | undefined;
  return (call) => {
    if (last !== undefined && last.kernel === call.kernel && last.backend === call.backend && last.dtype === call.dtype && sameShapes(last.shapes, call.shapes)) {
      return last.attributes;
    }
    let shapeClass = '';
    for (let i = 0; i < call.shapes.length; i++) {
      const shape = call.shapes[i]!;
      let c = classes.get(shape);
      if (c === undefined) {
        c = shapeClassOf([shape]);
        classes.set(shape, c);
      }
      shapeClass = i === 0 ? c : `${shapeClass},${c}`;
    }
    const key = `${call.kernel}|${call.backend}|${call.dtype}|${shapeClass}`;
    let attributes = byKey.get(key);
    if (attributes === undefined) {
      if (byKey.size >= 4096) {
        byKey.clear();
      }
      attributes = Object.freeze({ 'hotpath.kernel': call.kernel, 'hotpath.backend': call.backend, 'hotpath.dtype': call.dtype, 'hotpath.shape_class': shapeClass });
      byKey.set(key, attributes);
    }
    last = { kernel: call.kernel, backend: call.backend, dtype: call.dtype, shapes: call.shapes, attributes };
    return attributes;
  };
}

/** The same shape arrays (a tensor's shape array is its own, so identity means the same tensors' shapes). */
function sameShapes(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

function instrumentsOf(meter: Meter): Instruments {
  return {
    duration: meter.createHistogram('hotpath.kernel.duration', { unit: 'ms', description: 'wall time of hotpath kernel calls' }),
    fallbacks: meter.createCounter('hotpath.kernel.fallbacks', { description: 'backends passed over for a call, by the backend passed over' }),
    copies: meter.createCounter('hotpath.kernel.copies', { description: 'implicit input copies made for kernel calls (layout conversions)' }),
    flops: meter.createCounter('hotpath.kernel.flops', { unit: '{flop}', description: 'floating-point work of kernel calls, from cost()' }),
    bytes: meter.createCounter('hotpath.kernel.bytes', { unit: 'By', description: 'memory traffic of kernel calls, from cost()' }),
  };
}
