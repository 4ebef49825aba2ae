import { readFileSync } from 'node:fs';
const memory = new WebAssembly.Memory({ initial: 2000, maximum: 65536, shared: true });
const inst = await WebAssembly.instantiate(readFileSync(process.argv[2]), { env: { memory } });
const run = inst.instance.exports.run;
for (let t = 0; t < 200; t++) run(1024, 65536, 0, 0, 1, 0, 70000, 0, 0, 1, 0, 80000, 0, 0, 0, 1, 90000, 0, 0, 0, 1, 200000, 1, 10, 1000, 0, 10);
