import { worstError, closest } from '/work/main/test/kernels/basic.js';
import { createRuntime } from '/work/main/src/index.js';
const wasm = await createRuntime({ require: 'wasm', threads: 2, parallelThreshold: 0 });
const ref = await createRuntime({ require: 'ref' });
await wasm.load([worstError, closest]); await ref.load([worstError, closest]);
for (const n of [1, 3, 7, 100, 5000, 1_000_003]) {
  const p = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
  const t = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.3));
  for (const rt of [wasm, ref]) {
    const [i, v] = rt.run(worstError, [rt.tensor(p, [n]), rt.tensor(t, [n])]);
    process.stdout.write(`${n} ${i!.item()} ${v!.item()} | `);
  }
  if (n > 5) { p[n - 3] = NaN; p[n - 2] = NaN; }
  for (const rt of [wasm, ref]) {
    const [i, v] = rt.run(worstError, [rt.tensor(p, [n]), rt.tensor(t, [n])]);
    process.stdout.write(`NaN ${i!.item()} ${v!.item()} | `);
  }
  console.log();
}
// broadcast [40,1] vs [1,33]
const a = Float32Array.from({ length: 40 }, (_, i) => i * 0.37), b = Float32Array.from({ length: 33 }, (_, i) => 7.1 - i * 0.21);
for (const rt of [wasm, ref]) { const [i, v] = rt.run(closest, [rt.tensor(a, [40, 1]), rt.tensor(b, [1, 33])]); console.log('closest', i!.item(), v!.item()); }
await wasm.close(); await ref.close();
