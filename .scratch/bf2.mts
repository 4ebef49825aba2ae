import { bfloat16, roundToBfloat16 } from '/work/main/examples/bfloat16.js';
import { createRuntime } from '/work/main/src/index.js';
const hp = await createRuntime({ threads: 2 });
await hp.load(bfloat16);
for (const n of [1_000_000, 10_000_000]) {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 4);
  const t = hp.tensor(x, [n]);
  const time = (f: () => void) => { const ts: number[] = []; for (let i = 0; i < 15; i++) { const s = performance.now(); f(); ts.push(performance.now() - s); } ts.sort((a, b) => a - b); return ts[7]!.toFixed(2); };
  console.log(n, 'plain', time(() => roundToBfloat16(x)), 'run', time(() => hp.scope(() => { hp.run(bfloat16, [t]); })), 'run+toArray', time(() => hp.scope(() => { hp.run(bfloat16, [t])[0]!.toArray(); })));
}
console.log(hp.stats?.());
await hp.close();
