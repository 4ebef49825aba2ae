/**
 * Prints the measured accuracy and cost of each vmath function (src/user/vmath.ts): the max
 * error in float32 ulp against Math.<fn> (float64, rounded once) with fma fused and unfused, the
 * number of inputs, and the graph size (ops, and constants / arguments, which codegen hoists).
 * Same inputs as test/unit/vmath.test.ts, `density` times as many (default 2, four times the test's).
 *
 * Usage: npx tsx scripts/vmath-ulp.ts [density]
 */
import { CASES, measure } from '../test/vmathCases.js';

const density = Number(process.argv[2] ?? 2);
if (!(density > 0)) {
  throw new Error(`vmath-ulp: density must be a positive number, received ${process.argv[2]}`);
}
console.log('| function | max ulp (fma fused) | max ulp (mul + add) | declared bound | range | inputs | ops | constants + args |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const c of CASES) {
  const fused = measure(c, density, { fma: 'fused' });
  const unfused = measure(c, density, { fma: 'unfused' });
  const cells = [c.name, fused.maxUlp, unfused.maxUlp, c.maxUlp, c.range, fused.count, fused.ops, fused.nodes - fused.ops];
  console.log(`| ${cells.join(' | ')} |`);
}
