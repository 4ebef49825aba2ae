// `hotpath serve` and `hotpath loadtest` run as child processes, the way users run them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLOSE } from '../../src/serve/index.js';
import { assertCleanError, CLI_ARGS, hotpath } from '../helpers.js';
import { Client, energyServer } from '../serveHelpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the CLI without blocking this process's event loop (the server under test lives here). */
async function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

test('loadtest streams the speech fixture and counts every frame (energy server: one frame per 160 samples)', async () => {
  const server = await energyServer();
  try {
    const url = server.url.replace('http', 'ws');
    const r = await run('loadtest', url, '--streams', '3', '--seconds', '0.5', '--chunk-ms', '20', '--realtime', '--query', 'preset=energy', '--json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { streams: number; framesReceived: number; droppedFrames: number; errors: number; latencySamples: number; latencyP99Ms: number };
    // 0.5 s = 25 chunks of 320 samples = 8000 samples = 50 frames per stream, 2 per chunk.
    assert.deepEqual([result.streams, result.framesReceived, result.droppedFrames, result.errors, result.latencySamples], [3, 150, 0, 0, 75]);
    assert.ok(result.latencyP99Ms >= 0);
    assert.equal(server.metrics().bytesIn, 3 * 8000 * 2);
  } finally {
    await server.close();
  }
});

/** A mono PCM16 WAV file, header written field by field here (RIFF, fmt chunk of 16 bytes, data). */
function pcm16Wav(file: string, rate: number, samples: Int16Array): void {
  const bytes = Buffer.alloc(44 + 2 * samples.length);
  bytes.write('RIFF', 0, 'ascii');
  bytes.writeUInt32LE(36 + 2 * samples.length, 4);
  bytes.write('WAVEfmt ', 8, 'ascii');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20); // PCM
  bytes.writeUInt16LE(1, 22); // mono
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(2 * rate, 28);
  bytes.writeUInt16LE(2, 32);
  bytes.writeUInt16LE(16, 34);
  bytes.write('data', 36, 'ascii');
  bytes.writeUInt32LE(2 * samples.length, 40);
  samples.forEach((v, i) => bytes.writeInt16LE(v, 44 + 2 * i));
  writeFileSync(file, bytes);
}

test('loadtest sends a WAV file at its own rate (8 kHz: 160-sample chunks of 20 ms), exactly its samples', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-loadtest-'));
  const server = await energyServer();
  try {
    const file = path.join(dir, 'tone.wav');
    pcm16Wav(file, 8000, Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 9))));
    const r = await run('loadtest', server.url.replace('http', 'ws'), '--file', file, '--streams', '2', '--seconds', '0.5', '--query', 'preset=energy', '--json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { framesReceived: number; errors: number; latencySamples: number };
    // 0.5 s at 8 kHz = 4000 samples = 25 frames of 160 per stream, one per 20 ms chunk.
    assert.deepEqual([result.framesReceived, result.errors, result.latencySamples], [50, 0, 50]);
    assert.equal(server.metrics().bytesIn, 2 * 4000 * 2);
    assertCleanError(hotpath('loadtest', server.url.replace('http', 'ws'), '--file', file, '--rate', '16000'), 'ARGUMENT', 'disagrees');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadtest reports refused streams as errors and exits 1', async () => {
  const server = await energyServer({ maxConnections: 1 });
  try {
    const r = await run('loadtest', server.url.replace('http', 'ws'), '--streams', '3', '--seconds', '0.2', '--query', 'preset=energy', '--json');
    assert.equal(r.code, 1, r.stderr);
    const result = JSON.parse(r.stdout) as { errors: number; errorSamples: string[] };
    assert.ok(result.errors >= 1);
    assert.ok(result.errorSamples.includes('refused: HTTP 503'), result.errorSamples.join());
  } finally {
    await server.close();
  }
});

test('loadtest and serve refuse bad arguments cleanly', () => {
  assertCleanError(hotpath('loadtest', 'http://127.0.0.1:1'), 'ARGUMENT', 'invalid server URL');
  assertCleanError(hotpath('loadtest', 'ws://127.0.0.1:1', '--file', 'no-such-file.wav'), 'IO', 'cannot read');
  assertCleanError(hotpath('loadtest', 'ws://127.0.0.1:1', '--file', 'package.json'), 'FORMAT', 'package.json');
  assertCleanError(hotpath('loadtest', 'ws://127.0.0.1:1', '--streams', '0'), 'ARGUMENT', 'invalid --streams');
  assertCleanError(hotpath('serve', '--port', '70000'), 'ARGUMENT', 'invalid --port');
});

test('serve prints its URL, answers /healthz and shuts down on SIGTERM', async () => {
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve', '--port', '0', '--json'], { cwd: REPO });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  const info = JSON.parse(first.toString()) as { url: string; stream: string; preset: string; warmUpMs: number };
  assert.equal(info.preset, 'whisper-80');
  assert.ok(Number.isInteger(info.warmUpMs) && info.warmUpMs >= 0, 'the JSON line reports the warm-up time');
  assert.equal(info.stream, `${info.url.replace('http', 'ws')}/stream`);
  const health = await fetch(`${info.url}/healthz`);
  assert.equal(health.status, 200);
  const client = new Client({ url: info.url, port: 0, warmUpMs: 0, metrics: () => { throw new Error('unused'); }, close: async () => undefined }, 'preset=nope');
  const closed = await client.closed;
  assert.equal(closed.code, CLOSE.policy);
  assert.match(closed.reason, /unknown preset.*received nope/);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'close')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.match(stderr, /shutting down/);
});
