import { generateKernel } from '/work/main/src/user/compile.js';
import { clamps } from '/work/main/test/kernels/basic.js';
console.log(generateKernel(clamps as any).source.split('\n').filter((l) => /relaxed_(min|max)|f32x4\.(min|max)/.test(l)).slice(0, 12).join('\n'));
