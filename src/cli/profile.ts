/**
 * `hotpath profile [--json] [--html report.html] -- node app.js [args]`: runs the program under
 * the V8 CPU profiler on every thread plus hotpath's kernel spans, prints where the CPU went and
 * whether porting would pay (src/profile/). Exit code: 0 when the program exited 0, 1 when it
 * failed (the summary is printed either way), 2 for bad input.
 */
import { writeFileSync } from 'node:fs';
import { fail } from '../errors.js';
import { formatProfile } from '../profile/format.js';
import { profileHtml } from '../profile/html.js';
import { hotpathRoot } from '../profile/launch.js';
import { profileProgram } from '../profile/profile.js';

export interface ProfileCommandOptions {
  readonly json?: boolean;
  readonly html?: string;
  readonly keep?: string;
  readonly top?: string;
  readonly interval?: string;
}

/** Runs the command; returns the exit code. @throws ARGUMENT, IO (see profileProgram) */
export async function profileCommand(argv: readonly string[], options: ProfileCommandOptions): Promise<number> {
  const top = options.top === undefined ? 15 : Number(options.top);
  if (!(Number.isSafeInteger(top) && top > 0)) {
    fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'invalid --top', expected: 'a positive integer', received: String(options.top) });
  }
  const intervalUs = options.interval === undefined ? undefined : Number(options.interval);
  if (intervalUs !== undefined && !(Number.isSafeInteger(intervalUs) && intervalUs >= 50 && intervalUs <= 100_000)) {
    fail({ code: 'ARGUMENT', kernel: 'profile', problem: 'invalid --interval', expected: 'a sampling interval in microseconds, an integer in [50, 100000]', received: String(options.interval) });
  }
  const result = await profileProgram(argv, { programStdoutToStderr: options.json === true, top, ...(options.keep === undefined ? {} : { keepDir: options.keep }), ...(intervalUs === undefined ? {} : { intervalUs }) });
  const { report } = result;
  process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatProfile(report));
  if (options.html !== undefined) {
    try {
      writeFileSync(options.html, profileHtml(result, hotpathRoot(), process.cwd()));
    } catch (error) {
      fail({ code: 'IO', kernel: 'profile', problem: 'cannot write the HTML report', expected: 'a writable file path', received: `${options.html}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return report.exit.code === 0 ? 0 : 1;
}
