// First-call latency, run in a fresh process by the benchmark (bench/suite.ts):
//   node --import tsx bench/firstCall.mjs src    hotpath from its TypeScript sources
//   node bench/firstCall.mjs dist                the built package (what users import)
// Times createRuntime with every backend (the native addon loaded when it is built) through the
// first 64x64 matmul's return with 2 threads, on the backend dispatch picks: module compile,
// addon load, runtime set-up, input copies, thread pool start and the call. The module import is
// timed apart. Plain JavaScript, so the dist run loads no TypeScript tooling. Prints one JSON line.
const which = process.argv[2] === 'dist' ? 'dist' : 'src';
const importStart = performance.now();
const { createRuntime } = await import(new URL(`../${which}/index.${which === 'dist' ? 'js' : 'ts'}`, import.meta.url).href);
const importMs = performance.now() - importStart;

const N = 64;
const start = performance.now();
// parallelThreshold 0: even this small call goes through the worker pool, so its start is timed.
const hp = await createRuntime({ threads: 2, parallelThreshold: 0 });
const runtimeMs = performance.now() - start;
const a = hp.tensor(new Float32Array(N * N).fill(1), [N, N]);
const b = hp.tensor(new Float32Array(N * N).fill(2), [N, N]);
const callStart = performance.now();
const c = hp.matmul(a, b);
const end = performance.now();
const secondStart = performance.now();
hp.matmul(a, b).release();
const secondCallMs = performance.now() - secondStart;
// Every element is sum_k 1 * 2 = 2 N; a wrong answer would make the timing meaningless.
const correct = c.toArray().every((v) => v === 2 * N);
const backend = Object.keys(hp.stats().kernels.matmul?.backends ?? {}).join('+');
await hp.close();
process.stdout.write(`${JSON.stringify({ which, totalMs: end - start, runtimeMs, firstCallMs: end - callStart, secondCallMs, importMs, backend, correct })}\n`);
