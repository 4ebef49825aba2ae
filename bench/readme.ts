/**
 * `npm run bench:readme`: writes the performance table into README.md between the
 * `bench-table` markers (nothing else in the file changes), from a fresh benchmark run or
 * from the JSON of an earlier one (`--from FILE`, as written by `npm run bench -- --out FILE`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { formatMarkdown, type BenchReport } from './report.js';
import { runBench } from './suite.js';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const START = '<!-- bench-table:start -->';
const END = '<!-- bench-table:end -->';

const program = new Command()
  .name('bench:readme')
  .description('write the benchmark table into README.md between the bench-table markers')
  .option('--from <file>', 'use the JSON of an earlier `npm run bench -- --out FILE` instead of running')
  .option('--quick', 'run with small sizes (a smoke test of the table, not a measurement)')
  .parse();
const opts = program.opts<{ from?: string; quick?: boolean }>();

async function report(): Promise<BenchReport> {
  if (opts.from !== undefined) {
    return JSON.parse(readFileSync(opts.from, 'utf8')) as BenchReport;
  }
  return runBench({ quick: opts.quick === true, only: [], budgetS: 5, log: (line) => process.stderr.write(`${line}\n`) });
}

const table = formatMarkdown(await report());
const text = readFileSync(README, 'utf8');
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start < 0 || end < start) {
  process.stderr.write(`README.md lacks the ${START} ... ${END} markers; add them under a "## Performance" heading\n`);
  process.exit(1);
}
writeFileSync(README, `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`);
process.stdout.write(`${table}\n`);
