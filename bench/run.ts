/**
 * `npm run bench`: hotpath against naive loops, ml-matrix, tfjs (cpu, wasm) and
 * onnxruntime-node, in one run on the same inputs, with the machine printed. Never part of
 * `npm test`: it asserts nothing, it measures.
 *
 *   npm run bench                          all workloads, tables on stdout
 *   npm run bench -- --only matmul,softmax --quick
 *   npm run bench -- --json --out bench.json
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { formatText } from './report.js';
import { NAMES, runBench } from './suite.js';

/** Parses `--only a,b`: every name must be a workload (or firstCall). */
export function parseOnly(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const unknown = names.filter((n) => !NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected a comma list of ${NAMES.join(', ')}, received '${value}'`);
  }
  return names;
}

/** Parses `--budget S`: a positive number of seconds. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new InvalidArgumentError(`expected a positive number of seconds, received '${value}'`);
  }
  return seconds;
}

const program = new Command()
  .name('bench')
  .description('hotpath benchmarks against the Node peers, in one run on the same inputs')
  .option('--json', 'print the results as JSON instead of tables')
  .option('--only <names>', `comma list of ${NAMES.join(', ')}`, parseOnly, [] as string[])
  .option('--quick', 'small sizes and few repeats: a smoke run of the harness, not a measurement')
  .option('--out <file>', 'also write the JSON results to FILE')
  .option('--budget <seconds>', 'skip a contender whose call is projected to take longer than this', parseSeconds, 5)
  .parse();

const opts = program.opts<{ json?: boolean; only: string[]; quick?: boolean; out?: string; budget: number }>();
const report = await runBench({
  quick: opts.quick === true,
  only: opts.only,
  budgetS: opts.budget,
  log: (line) => process.stderr.write(`${line}\n`),
});
const json = `${JSON.stringify(report, null, 2)}\n`;
if (opts.out !== undefined) {
  writeFileSync(opts.out, json);
}
process.stdout.write(opts.json === true ? json : `${formatText(report)}\n`);
