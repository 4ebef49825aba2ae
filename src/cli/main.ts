#!/usr/bin/env node
/**
 * `hotpath <command>`: the command-line entry. This is the only module that reads argv (and,
 * when a command needs one, environment variables); everything below it takes options.
 *
 * Exit codes: 0 success, 1 a check failed (e.g. conformance failures), 2 bad input or an error.
 */
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isHotpathError } from '../errors.js';
import { conformanceCommand } from './conformance.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { kmeansCommand, type KMeansCommandOptions } from './kmeans.js';
import { blobsCommand, type BlobsCommandOptions } from './blobs.js';
import { buildCommand, type BuildCommandOptions } from './build.js';
import { checkCommand, type CheckCommandOptions } from './check.js';
import { profileCommand, type ProfileCommandOptions } from './profile.js';
import { reportCommand, type ReportCommandOptions } from './report.js';
import { benchCommand, type BenchCommandOptions } from './bench.js';
import { serveCommand, type ServeCommandOptions } from './serve.js';
import { loadtestCommand, type LoadtestCommandOptions } from './loadtest.js';
import { resampleCommand, type ResampleCommandOptions } from './resample.js';
import { featuresCommand, type FeaturesCommandOptions } from './features.js';
import { addBatchCommands } from './batch.js';

/** The options of every command that runs kernels (kmeans, bench): one wording for both. */
const BACKEND_OPTION = ['--backend <name>', 'run on this backend only (native, wasm, ref)'] as const;
const THREADS_OPTION = ['--threads <n>', 'threads of the parallel backends, native and wasm (default: all cores)'] as const;

/** Builds the program; each action stores its exit code in `result.code`. */
function buildProgram(result: { code: number }): Command {
  const program = new Command('hotpath')
    .description('Native-speed hot paths for TypeScript ML code')
    .exitOverride()
    .showHelpAfterError('(run `hotpath --help` for usage)')
    // Options after `profile`'s command (node's and the program's) belong to that command.
    .enablePositionalOptions();
  program
    .command('doctor')
    .description('list every backend, whether it is usable and why not')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      result.code = await doctorCommand({ json: opts.json === true });
    });
  program
    .command('conformance')
    .description('run ONNX node tests (one folder per test) on every available backend')
    .argument('<dir>', 'folder of ONNX node test folders, e.g. conformance/onnx-node')
    .option('--backend <name>', 'run on this backend only')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, opts: { backend?: string; json?: boolean }) => {
      result.code = await conformanceCommand(dir, { json: opts.json === true, ...(opts.backend === undefined ? {} : { backend: opts.backend }) });
    });
  program
    .command('demo')
    .description('run a few kernels on ref and on the fastest backend: times, speedup, agreement')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      result.code = await demoCommand({ json: opts.json === true });
    });
  program
    .command('kmeans')
    .description('k-means on a .npy or .npz file of points [n, d]: progress, summary, labels and centroids as .npy')
    .argument('<file>', 'points as .npy or .npz (float32 or float64 as they are, integers converted to float64; C or Fortran order)')
    .option('--key <name>', 'the array of an .npz file to use (default: its only array)')
    .requiredOption('--k <k>', 'number of clusters')
    .option('--init <how>', 'k-means++ | random | first (the first k rows) | CENTROIDS.npy', 'k-means++')
    .option('--n-init <n>', 'runs from different seeds, keeping the lowest inertia (default: 10 for random, else 1)')
    .option('--max-iter <n>', 'most Lloyd iterations per run', '300')
    .option('--tol <t>', "stop when the centroids' squared movement is at most t times the mean feature variance", '1e-4')
    .option('--seed <s>', 'seed of the random choices', '0')
    .option('--labels-out <file>', 'write the labels (int32) as .npy')
    .option('--centroids-out <file>', 'write the centroids as .npy')
    .option('--distances-out <file>', "out of core: write each point's distance to its centroid (float64) as .npy")
    .option('--out-of-core', 'stream the .npy file in blocks instead of loading it (the default for a file larger than the heap)')
    .option('--block-bytes <bytes>', 'out of core: bytes per block read, rounded down to whole chunks (default: 16 MiB, at most a quarter of the free heap)')
    .option('--mini-batch [rows]', "mini-batch k-means (scikit-learn's MiniBatchKMeans update) over the .npy file, out of core; rows per step (default 1024); --max-iter counts epochs")
    .option('--max-no-improvement <n>', 'mini-batch: stop after n steps without improvement of the smoothed batch inertia (default 10; 0 never stops early)')
    .option('--hint-bytes <bytes>', "out of core: heap bytes for Hamerly's hints, 20 a point; beyond it they go to temporary files (default: a quarter of the free heap; 0: always the files)")
    .option(...BACKEND_OPTION)
    .option(...THREADS_OPTION)
    .option('--json', 'machine-readable summary')
    .action(async (file: string, opts: Omit<KMeansCommandOptions, 'progress'>) => {
      result.code = await kmeansCommand(file, { ...opts, progress: process.stderr.isTTY === true });
    });
  program
    .command('blobs')
    .description('write seeded Gaussian blobs [n, d] (float32) as .npy, e.g. to try `hotpath kmeans`')
    .argument('<out>', 'output .npy file')
    .option('--n <n>', 'points', '100000')
    .option('--d <d>', 'features', '32')
    .option('--centers <k>', 'blob centres', '64')
    .option('--spread <s>', 'standard deviation around each centre', '1')
    .option('--seed <s>', 'seed', '0')
    .option('--json', 'machine-readable summary')
    .action(async (out: string, opts: BlobsCommandOptions) => {
      result.code = await blobsCommand(out, opts);
    });
  program
    .command('build')
    .description('compile the user kernels that files export, ahead of time: <name>.wasm + <name>.json per kernel, for deployments (no compiler at run time)')
    .argument('<files...>', 'kernel files (.ts under tsx, or .js)')
    .option('--out <dir>', 'output folder (default: hotpath-build in the package root of the first file, where hotpath looks for it)')
    .option('--cache-dir <dir>', 'compile cache (default: node_modules/.cache/hotpath/kernels of the package)')
    .option('--json', 'machine-readable summary')
    .action(async (files: string[], opts: BuildCommandOptions) => {
      result.code = await buildCommand(files, opts);
    });
  program
    .command('check')
    .description('run each kernel a file exports compiled and as its TypeScript reference on generated shapes, layouts and edge values; worst error in ulps against the declared tolerance (exit 1 on a FAIL)')
    .argument('<file>', 'kernel file (.ts under tsx, or .js)')
    .option('--cache-dir <dir>', 'compile cache (default: node_modules/.cache/hotpath/kernels of the package)')
    .option('--json', 'machine-readable results')
    .action(async (file: string, opts: CheckCommandOptions) => {
      result.code = await checkCommand(file, opts);
    });
  program
    .command('profile')
    .description('run a node program under the CPU profiler on every thread, with hotpath kernel spans: where the CPU goes, and whether porting would pay')
    .argument('<command...>', 'node [node options] app.js [args] (or app.ts, run through tsx), after --')
    .option('--json', 'machine-readable report (the program\'s stdout goes to stderr)')
    .option('--html <file>', 'also write a self-contained HTML report with a flame chart')
    .option('--top <n>', 'functions listed', '15')
    .option('--interval <us>', 'sampling interval in microseconds (default 1000; smaller: more samples, more overhead)')
    .option('--keep <dir>', 'keep the raw .cpuprofile files (one per thread) in this folder')
    .passThroughOptions()
    .action(async (command: string[], opts: ProfileCommandOptions) => {
      result.code = await profileCommand(command, opts);
    });
  program
    .command('report')
    .description('a Chrome trace (hp.trace.stop) as one self-contained HTML page: kernel table, timeline per thread, latency CDFs, throughput')
    .argument('<trace>', 'trace event JSON file')
    .option('--out <file>', 'the HTML file to write (default: the trace file with .html)')
    .option('--json', 'machine-readable summary')
    .action(async (trace: string, opts: ReportCommandOptions) => {
      result.code = await reportCommand(trace, opts);
    });
  program
    .command('bench')
    .description('regression gate on your own data: time a kernel against a calibration probe in interleaved rounds, save the run to a history file, or compare with its last run (bootstrap 95% interval of the time ratio; exit 1 only for a significant slowdown beyond --threshold)')
    .requiredOption('--kernel <id>', 'kernel id: any built-in (pairwiseDistances, matmul, softmax, ...), kmeans, or the name of a kernel of --kernels')
    .option('--kernels <file>', 'a .ts / .js file exporting your own kernels (map, reduce, rows, pairwise; repeat for more)', collect, [])
    .requiredOption('--data <file>', 'a .npy or .npz with kernel inputs, in order (repeat for more; an .npz gives its arrays in archive order)', collect, [])
    .option('--attr <name=value>', 'a kernel attribute, the value as JSON or a bare word (repeat), e.g. --attr metric=cosine', collect, [])
    .option('--k <k>', 'shorthand for --attr k=K (kmeans, topK)')
    .option('--save <file>', 'append this run to a history file (created when absent)')
    .option('--compare <file>', "judge this run against the file's last run")
    .option('--threshold <fraction>', 'slowdown that fails the gate: 0.1 or 10%', '0.1')
    .option('--rounds <n>', 'rounds of one kernel call and one probe call, at least', '30')
    .option('--precision <fraction>', 'add rounds until the median kernel/probe time is known within this fraction (95% interval half-width)', '0.025')
    .option('--max-rounds <n>', 'most rounds (default: 10 x --rounds)')
    .option('--min-seconds <s>', 'rounds go on until they span this long (a slow stretch of the machine stays a minority)', '3')
    .option('--max-seconds <s>', 'most seconds spent on rounds beyond --rounds', '60')
    .option('--warmup <n>', 'kernel calls before the first round, at least', '3')
    .option('--warmup-seconds <s>', 'warm-up lasts at least this long too (the first calls of a process run slower)', '1')
    .option('--seed <s>', 'seed of the bootstrap resampling', '1')
    .option('--resamples <n>', 'bootstrap resamples', '2000')
    .option(...BACKEND_OPTION)
    .option(...THREADS_OPTION)
    .option('--json', 'machine-readable result')
    .action(async (opts: Omit<BenchCommandOptions, 'slowdown'>) => {
      // Test-only (bench/gateAlarms.ts documents it): a real, injected slowdown of every timed call.
      const slowdown = process.env.HOTPATH_GATE_SLOWDOWN;
      result.code = await benchCommand({ ...opts, ...(slowdown === undefined || slowdown === '' ? {} : { slowdown }) });
    });
  program
    .command('features')
    .description('speech features of a WAV or .npy file: Whisper log-mel ([nMels, frames], as whisper.audio.log_mel_spectrogram) or Kaldi fbank ([frames, 80], as kaldi-native-fbank); other rates than 16 kHz are resampled first')
    .argument('<file>', 'a WAV file (PCM 8-32 bit or float; channels averaged to mono) or a .npy of samples ([n], float32/float64, values in [-1, 1])')
    .requiredOption('--preset <name>', 'whisper-80, whisper-128 or kaldi-fbank')
    .option('--snip-edges <bool>', 'kaldi-fbank: true (whole frames only, the default) or false (frames centred on hops, edges mirrored)')
    .option('--rate <hz>', 'input sample rate: needed for .npy, must match a WAV file')
    .option('--out <file>', 'the .npy file to write')
    .option('--json', 'machine-readable summary')
    .action(async (file: string, opts: FeaturesCommandOptions) => {
      result.code = await featuresCommand(file, opts);
    });
  program
    .command('serve')
    .description('streaming feature server: PCM over WebSocket at /stream?rate=&format=int16|float32&preset=&output=binary|json, frames back as soon as ready; /healthz, /metrics; SIGTERM/SIGINT flush open streams and stop')
    .option('--port <n>', 'TCP port (0: any free one)', '0')
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--preset <name>', 'preset of streams that name none', 'whisper-80')
    .option('--max-connections <n>', 'open streams at most; more are refused with HTTP 503')
    .option('--max-message-bytes <n>', 'largest client message; larger closes with 1009')
    .option('--idle-ms <ms>', 'close a stream with 4000 after this long without a message (0: never)')
    .option('--backpressure <policy>', 'for a client that stops reading: drop-oldest (count the drops) or close (4003)')
    .option('--threads <n>', 'threads of each feature computation (1: each push runs on the server thread, cheapest for a few frames)', '1')
    .option('--json', 'print the URL and limits as one JSON line')
    .action(async (opts: ServeCommandOptions) => {
      result.code = await serveCommand(opts);
    });
  program
    .command('loadtest')
    .description('N concurrent streams of real speech against `hotpath serve`: chunk-to-frame latency p50/p99, real-time factor, drops, errors (exit 1 on stream errors)')
    .argument('<url>', 'ws://HOST:PORT as `hotpath serve` prints it')
    .option('--streams <n>', 'concurrent streams', '8')
    .option('--realtime', 'send at real-time pace (a chunk every --chunk-ms); without it, as fast as the socket takes it')
    .option('--seconds <s>', 'audio seconds per stream (the file repeats)', '10')
    .option('--file <speech>', 'speech to send: a WAV file (its own rate; channels averaged) or a mono float .npy of samples in [-1, 1] at --rate', fileURLToPath(new URL('../../test/fixtures/streaming/signals/enus_s1_16000.npy', import.meta.url)))
    .option('--rate <hz>', 'sample rate of a .npy --file (default 16000); must match a WAV file')
    .option('--chunk-ms <ms>', 'audio per message', '20')
    .option('--query <params>', 'extra handshake parameters, e.g. preset=kaldi-fbank')
    .option('--ramp', 'run 8, 16, 32, 64, 96, 128, ... streams until p99 passes --limit-ms')
    .option('--limit-ms <ms>', 'the p99 the ramp looks for', '50')
    .option('--max-streams <n>', 'largest ramp step', '512')
    .option('--json', 'machine-readable result')
    .action(async (url: string, opts: LoadtestCommandOptions) => {
      result.code = await loadtestCommand(url, opts);
    });
  program
    .command('resample')
    .description("convert a WAV or .npy signal to another sample rate (polyphase, as scipy's resample_poly) and write it as .npy")
    .argument('<file>', 'a WAV file (PCM 8-32 bit or float; channels averaged to mono) or a .npy of samples ([n], float32/float64)')
    .requiredOption('--to <hz>', 'output sample rate, e.g. 16000')
    .requiredOption('--out <file>', 'the .npy file to write')
    .option('--rate <hz>', 'input sample rate: needed for .npy, must match a WAV file')
    .option('--dtype <type>', 'float32 or float64 output (the arithmetic is float64 either way)', 'float32')
    .option('--json', 'machine-readable summary')
    .action(async (file: string, opts: ResampleCommandOptions) => {
      result.code = await resampleCommand(file, opts);
    });
  addBatchCommands(program, result);
  return program;
}

/** commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs the CLI for `argv` (as process.argv) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const result = { code: 0 };
  try {
    await buildProgram(result).parseAsync([...argv]);
    return result.code;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed its message (unknown command, missing argument) or the help.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (isHotpathError(error)) {
    process.stderr.write(`error [${error.code}] ${error.message}\n`);
    return 2;
  }
  // Not an error hotpath expects: a bug, so the stack helps whoever reports it.
  process.stderr.write(`error [INTERNAL] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 2;
}

process.exitCode = await main(process.argv);
