import { createRuntime } from '/work/main/src/index.js';
const modes: Record<string, object> = { off: { monitor: false }, stats: {}, otel: { openTelemetry: true } };
const rts = Object.fromEntries(await Promise.all(Object.entries(modes).map(async ([k, o]) => [k, await createRuntime({ require: 'ref', threads: 1, ...o })])));
const res: Record<string, number[]> = {};
for (let round = 0; round < 15; round++) {
  for (const [k, hp] of Object.entries(rts) as any) {
    const a = hp.tensor(Float32Array.from([1, 2, 3, 4])), b = hp.tensor(Float32Array.from([5, 6, 7, 8]));
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) { const y = hp.add(a, b); y.release(); }
    (res[k] ??= []).push((performance.now() - t0) / 20000 * 1000);
    a.release(); b.release();
  }
}
for (const [k, v] of Object.entries(res)) { v.sort((x, y) => x - y); console.log(k, 'µs/call median', v[7]!.toFixed(3)); }
for (const hp of Object.values(rts) as any) await hp.close();
