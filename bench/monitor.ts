/**
 * monitor benchmark (issue 10): what observing kernel calls costs, against the same runtime
 * with monitoring off (`createRuntime({ monitor: false })`, the named baseline), in one run.
 *
 * - tiny add: 1000 calls of hp.add on float32 [4] + [4] on the ref backend (about a
 *   microsecond each), so (contender ms - baseline ms) per 1000 calls is the overhead per call
 *   in microseconds. Contenders: stats() only (the default), stats plus a user observer,
 *   stats plus OpenTelemetry through the API with no SDK registered (no-op tracer and meter),
 *   and stats plus OpenTelemetry with the SDK's tracer and meter and in-memory exporters (what
 *   an application that exports everything pays; the SDK's cost, not hotpath's).
 * - demo workloads: the demo's softmax f32[512,512] and k-means [20000,16] k=16 (20 Lloyd
 *   iterations) on the backends dispatch picks, 2 threads, monitoring off against stats plus
 *   OpenTelemetry (no SDK): the share monitoring takes of real calls. Every contender uses ONE
 *   runtime made with openTelemetry: true, as an application would (two runtimes would be two
 *   sets of pools on two cores, one's polling threads slowing the other's calls); the baseline
 *   turns its monitoring off for the length of its call (hp.setMonitoring(false)), the
 *   monitored contender calls it as it is (stats and OpenTelemetry delivered in batches).
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/index.js';
import { tinyAdds } from './allocator.js';
import type { Contender, Prepared, Row } from './harness.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';

const OFF = 'monitoring off';

type Setup = (hp: Runtime) => (() => Promise<void>) | void;

function contender(name: string, note: string, options: RuntimeOptions, body: (hp: Runtime) => { call: () => Float32Array; dispose?: () => void }, setup?: Setup): Contender {
  return {
    name,
    note,
    setup: async (): Promise<Prepared<Float32Array>> => {
      const hp = await createRuntime(options);
      const teardown = setup?.(hp);
      const made = body(hp);
      return {
        call: made.call,
        output: (out) => out,
        release: () => undefined,
        dispose: async () => {
          made.dispose?.();
          await teardown?.();
          await hp.close();
        },
      };
    },
  };
}

/** OpenTelemetry with the SDK: every span kept in memory (cleared each call), metrics aggregated. */
function sdkTelemetry(): { options: RuntimeOptions; teardown: () => Promise<void>; spans: InMemorySpanExporter } {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })] });
  return {
    options: { openTelemetry: { tracerProvider, meterProvider } },
    spans,
    teardown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

function tinyCase(quick: boolean): Contender[] {
  const ref = { require: 'ref', threads: 1 } as const;
  const sdk = sdkTelemetry();
  return [
    contender(OFF, 'createRuntime({ monitor: false }): no call event is built', { ...ref, monitor: false }, tinyAdds),
    contender('stats()', 'the default: histograms per kernel and backend', ref, tinyAdds),
    contender('stats() + observer', 'plus hp.observe() of a function that counts calls', ref, tinyAdds, (hp) => {
      let n = 0;
      hp.observe(() => void n++);
    }),
    contender('stats() + OpenTelemetry API', 'openTelemetry: true, no SDK registered (no-op tracer and meter)', { ...ref, openTelemetry: true }, tinyAdds),
    ...(quick
      ? []
      : [
          contender('stats() + OpenTelemetry SDK', 'SDK 2.x tracer (in-memory exporter) and meter: the SDK\'s own cost', { ...ref, ...sdk.options }, (hp) => {
            const inner = tinyAdds(hp);
            return { call: () => (sdk.spans.reset(), inner.call()) };
          }, () => sdk.teardown),
        ]),
  ];
}

function softmax(hp: Runtime): { call: () => Float32Array } {
  const x = hp.tensor(Float32Array.from({ length: 512 * 512 }, (_, i) => Math.sin(i) * 4), [512, 512]);
  return {
    call: () => {
      const [y] = hp.run('softmax', [x]);
      const out = Float32Array.of(y!.get(0, 0) as number);
      y!.release();
      return out;
    },
  };
}

function kmeans(hp: Runtime): { call: () => Float32Array } {
  let s = 1;
  const n = 20_000;
  const d = 16;
  const data = Float32Array.from({ length: n * d }, (_, i) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((i / d) % 16) * 3 + (s / 2 ** 32 - 0.5);
  });
  const x = hp.tensor(data, [n, d]);
  return {
    call: () => {
      const fit = hp.kmeans(x, { k: 16, init: 'first', maxIter: 20, tol: 0 });
      const out = Float32Array.of(fit.inertia);
      fit.centroids.release();
      fit.labels.release();
      return out;
    },
  };
}

/** A contender on a runtime made once for the case (not closed by the contender). */
function shared(name: string, note: string, call: () => Float32Array): Contender {
  return { name, note, setup: (): Prepared<Float32Array> => ({ call, output: (out) => out, release: () => undefined, dispose: () => undefined }) };
}

/** `call` with the runtime's monitoring off for its length (the baseline of the demo cases). */
function unmonitored(hp: Runtime, call: () => Float32Array): () => Float32Array {
  return () => {
    hp.setMonitoring(false);
    try {
      return call();
    } finally {
      hp.setMonitoring(true);
    }
  };
}

export const monitor: Workload = {
  name: 'monitor',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const rows: Row[] = [];
    const repeats = ctx.quick ? { warmup: 1, repeats: 3 } : { warmup: 3, repeats: 15 };
    ctx.log('monitor: 1000 tiny adds per call, monitoring off and on');
    rows.push(...(await runCase({ workload: 'monitor', size: 'add f32[4] x1000 (ref)', work: {}, baseline: [OFF], ...repeats, check: true, contenders: tinyCase(ctx.quick) }, ctx)));
    const hp = await createRuntime({ threads: 2, openTelemetry: true });
    try {
      for (const [size, body] of [['softmax f32[512,512] (2 threads)', softmax], ['kmeans [20000,16] k=16, 20 iterations (2 threads)', kmeans]] as const) {
        ctx.log(`monitor: ${size}`);
        const work = body(hp);
        rows.push(
          ...(await runCase({
            workload: 'monitor',
            size,
            work: {},
            baseline: [OFF],
            // The difference sought is about 1% of a call: many interleaved rounds (each call
            // is at most a few ms) so the medians settle below the machine's noise.
            ...(ctx.quick ? repeats : { warmup: 5, repeats: 101 }),
            check: true,
            // The same call again under another name: the noise floor of this comparison (A/A).
            contenders: [
              shared(OFF, 'hp.setMonitoring(false) for the call', unmonitored(hp, work.call)),
              shared('monitoring off (again)', 'the baseline call again: how far two identical contenders land apart', unmonitored(hp, work.call)),
              shared('stats() + OpenTelemetry API', 'the runtime as made: stats and openTelemetry (no SDK), delivered in batches', work.call),
            ],
          }, ctx)),
        );
      }
    } finally {
      await hp.close();
    }
    return rows;
  },
};
