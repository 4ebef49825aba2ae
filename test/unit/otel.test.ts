/**
 * OpenTelemetry export of kernel calls, through the real SDK's in-memory exporters: one span
 * per call named after the kernel, at the call's own times, a child of the caller's active span,
 * with kernel/backend/dtype/shape-class attributes; duration histograms and work counters per
 * kernel and backend; a runtime without the option records nothing.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRuntime, type KernelCall } from '../../src/index.js';

const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
after(() => {
  context.disable();
});

test('kernel calls become spans and metrics with kernel, backend, dtype and shape class', async () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const hp = await createRuntime({ require: 'wasm', threads: 2, openTelemetry: { tracerProvider, meterProvider } });
  try {
    const events: KernelCall[] = [];
    hp.observe((c) => events.push(c));
    const x = hp.tensor(Float32Array.from({ length: 1000 * 33 }, (_, i) => Math.cos(i)), [1000, 33]);
    const parent = tracerProvider.getTracer('app').startSpan('request');
    context.with(trace.setSpan(context.active(), parent), () => {
      hp.run('softmax', [x]);
      hp.run('softmax', [x]);
    });
    parent.end();
    hp.run('exp', [x]);
    // The runtime's own monitoring arrives in batches (monitor/batch.ts): within this event-loop
    // turn nothing is exported yet, after it everything is, with the parent captured at the call.
    assert.equal(spans.getFinishedSpans().filter((s) => s.name.startsWith('hotpath.')).length, 0);
    await new Promise((resolve) => setImmediate(resolve));
    const finished = spans.getFinishedSpans().filter((s) => s.name.startsWith('hotpath.'));
    assert.deepEqual(finished.map((s) => s.name), ['hotpath.softmax', 'hotpath.softmax', 'hotpath.exp']);
    const [first, , third] = finished;
    assert.equal(first!.parentSpanContext?.spanId, parent.spanContext().spanId, 'a child of the active span');
    assert.equal(first!.spanContext().traceId, parent.spanContext().traceId);
    assert.equal(third!.parentSpanContext, undefined, 'no active span: a root span');
    assert.deepEqual(
      { kernel: first!.attributes['hotpath.kernel'], backend: first!.attributes['hotpath.backend'], dtype: first!.attributes['hotpath.dtype'], shape: first!.attributes['hotpath.shape_class'], verify: first!.attributes['hotpath.verify'] },
      { kernel: 'softmax', backend: 'wasm', dtype: 'float32', shape: '1024x64', verify: 'skipped' },
    );
    // The span has the call's own times (hrtime [s, ns] from epoch ms).
    const startMs = first!.startTime[0] * 1000 + first!.startTime[1] / 1e6;
    const endMs = first!.endTime[0] * 1000 + first!.endTime[1] / 1e6;
    assert.ok(Math.abs(startMs - events[0]!.startMs) < 0.01, `${startMs} vs ${events[0]!.startMs}`);
    assert.ok(Math.abs(endMs - startMs - events[0]!.durationMs) < 0.01);
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics).flatMap((s) => s.metrics);
    const duration = metrics.find((m) => m.descriptor.name === 'hotpath.kernel.duration')!;
    assert.equal(duration.descriptor.unit, 'ms');
    const softmax = duration.dataPoints.find((p) => p.attributes['hotpath.kernel'] === 'softmax')!;
    assert.equal((softmax.value as { count: number }).count, 2);
    assert.equal(softmax.attributes['hotpath.backend'], 'wasm');
    const flops = metrics.find((m) => m.descriptor.name === 'hotpath.kernel.flops')!;
    const expFlops = flops.dataPoints.find((p) => p.attributes['hotpath.kernel'] === 'exp')!;
    assert.equal(expFlops.value, events[2]!.flops);
  } finally {
    await hp.close();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  }
});

test('openTelemetry: true uses the global provider; without the option nothing is exported', async () => {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  trace.setGlobalTracerProvider(tracerProvider);
  const hp = await createRuntime({ require: 'ref' });
  const traced = await createRuntime({ require: 'ref', openTelemetry: true });
  try {
    hp.run('exp', [hp.tensor([1, 2])]);
    assert.deepEqual(spans.getFinishedSpans(), []);
    traced.run('exp', [traced.tensor([1, 2])]);
    traced.stats(); // delivers the batched monitoring now
    assert.deepEqual(spans.getFinishedSpans().map((s) => [s.name, s.attributes['hotpath.backend']]), [['hotpath.exp', 'ref']]);
  } finally {
    await hp.close();
    await traced.close();
    trace.disable();
    await tracerProvider.shutdown();
  }
});
