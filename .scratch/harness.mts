import { readFileSync } from 'node:fs';
import { ensureRelaxedSimd } from '/work/main/src/user/engine.js';
import { ASC_OPTIONS } from '/work/main/src/user/compile.js';
import { generateKernel } from '/work/main/src/user/compile.js';
import { haversine, haversineMatrix } from '/work/main/examples/haversine.js';
ensureRelaxedSimd();
const asc = (await import('/work/main/node_modules/assemblyscript/dist/asc.js')).default;
const g = generateKernel(haversine as any);
const files = process.argv.slice(2);
const n = 2000, m = 5000;
const memory = new WebAssembly.Memory({ initial: 2000, maximum: 65536, shared: true });
const f32 = new Float32Array(memory.buffer);
const i32 = new Int32Array(memory.buffer);
const desc = 1024; // bytes
i32[desc / 4] = new Int32Array(new Float32Array([6371]).buffer)[0]!;
g.constants.forEach((b, i) => { i32[desc / 4 + 1 + i] = b; });
const base = 65536;
const lat1 = base, lon1 = lat1 + n * 4, lat2 = lon1 + n * 4, lon2 = lat2 + m * 4, out = lon2 + m * 4;
const L1 = new Float32Array(n), O1 = new Float32Array(n), L2 = new Float32Array(m), O2 = new Float32Array(m);
let s = 1; const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
for (let i = 0; i < n; i++) { L1[i] = (rnd() - 0.5) * Math.PI; O1[i] = (rnd() - 0.5) * 2 * Math.PI; }
for (let i = 0; i < m; i++) { L2[i] = (rnd() - 0.5) * Math.PI; O2[i] = (rnd() - 0.5) * 2 * Math.PI; }
f32.set(L1, lat1 / 4); f32.set(O1, lon1 / 4); f32.set(L2, lat2 / 4); f32.set(O2, lon2 / 4);
const want = haversineMatrix(L1, O1, L2, O2);
for (const file of ['GEN', ...files]) {
  const text = file === 'GEN' ? g.source : readFileSync(file, 'utf8');
  const r = await asc.compileString({ 'kernel.ts': text }, { ...ASC_OPTIONS, enable: [...ASC_OPTIONS.enable], use: [...ASC_OPTIONS.use] } as any);
  if (r.error) { console.log(file, r.stderr.toString()); continue; }
  (await import('node:fs')).writeFileSync('/tmp/hx/' + (file === 'GEN' ? 'gen' : file.split('/').pop()) + '.wasm', r.binary!);
  const inst = await WebAssembly.instantiate(r.binary!, { env: { memory } });
  const run = (inst.instance.exports as any).run as Function;
  // 4-d space [1,1,n,m]: lat1 stride (0,0,1,0), lat2 (0,0,0,1)
  const call = () => run(desc, lat1, 0, 0, 1, 0, lon1, 0, 0, 1, 0, lat2, 0, 0, 0, 1, lon2, 0, 0, 0, 1, out, 1, n, m, 0, n);
  call();
  let worst = 0;
  const got = f32.subarray(out / 4, out / 4 + n * m);
  for (let i = 0; i < n * m; i += 7) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  const times: number[] = [];
  for (let t = 0; t < 9; t++) { const t0 = performance.now(); call(); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  console.log(file, 'median ms', times[4]!.toFixed(1), 'min', times[0]!.toFixed(1), 'worst abs err km', worst.toFixed(4));
}
