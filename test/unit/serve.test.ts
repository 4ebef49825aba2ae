// The feature server on real sockets (127.0.0.1, port 0) with an energy processor whose expected
// output the test computes directly: frames, wire format, end of stream, endpoints, shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOSE, END_CHUNK } from '../../src/serve/index.js';
import { Client, HOP, connect, energyServer, expectedEnergies, testSignal, until } from '../serveHelpers.js';

/** Chunk sizes (samples) of a schedule with 0, 1, prime and larger-than-a-hop chunks. */
const SIZES = [1, 0, 159, 1, 2, 161, 997, 13, 320, 4001, 7];

test('frames arrive as soon as their hop is complete, tagged with the chunk that completed them; end flushes and closes 1000', async () => {
  const server = await energyServer();
  try {
    const pcm = testSignal(SIZES.reduce((a, b) => a + b, 0));
    const client = await connect(server, 'rate=16000&format=int16');
    const ready = await client.ready;
    assert.deepEqual(ready, { type: 'ready', stream: 1, bins: 1, sampleRate: 16000, format: 'int16', preset: 'energy', output: 'binary' });
    let offset = 0;
    const chunkEnds: number[] = [];
    for (const size of SIZES) {
      client.sendPcm(pcm.subarray(offset, offset + size));
      offset += size;
      chunkEnds.push(offset);
    }
    client.end();
    const closed = await client.closed;
    assert.deepEqual(closed, { code: CLOSE.normal, reason: 'end of stream' });
    assert.deepEqual(client.firstBins(), expectedEnergies(pcm));
    // Frame i is complete at sample HOP*(i+1): the chunk whose end first reaches it completed it.
    for (const m of client.frames) {
      for (let i = 0; i < m.count; i++) {
        const frame = m.firstFrame + i;
        const lastSample = HOP * (frame + 1);
        const expected = lastSample <= pcm.length - (pcm.length % HOP) ? chunkEnds.findIndex((end) => end >= lastSample) : END_CHUNK;
        assert.equal(m.chunk, expected, `frame ${frame}`);
      }
    }
    const frameCount = Math.ceil(pcm.length / HOP);
    assert.deepEqual(client.texts.at(-1), { type: 'end', frames: frameCount, dropped: 0 });
    await until(() => server.metrics().openStreams === 0);
    const metrics = server.metrics();
    assert.equal(metrics.framesOut, frameCount);
    assert.equal(metrics.bytesIn, 2 * pcm.length);
    assert.equal(metrics.closes['1000'], 1);
    assert.equal(metrics.openStreams, 0);
  } finally {
    await server.close();
  }
});

test('float32 input and JSON output give the same energies', async () => {
  const server = await energyServer();
  try {
    const pcm = testSignal(1000);
    const floats = Float32Array.from(pcm, (v) => v / 32768);
    const client = await connect(server, 'format=float32&output=json');
    client.ws.send(new Uint8Array(floats.buffer, 0, 4 * 333));
    client.ws.send(new Uint8Array(floats.buffer, 4 * 333));
    client.end();
    assert.equal((await client.closed).code, CLOSE.normal);
    const frames = client.texts.filter((m) => m.type === 'frames');
    const values = frames.flatMap((m) => (m.frames as number[][]).map((row) => row[0]));
    assert.deepEqual(values, expectedEnergies(pcm));
    assert.deepEqual(
      frames.map((m) => [m.firstFrame, m.chunk]),
      [
        [0, 0],
        [2, 1],
        [6, -1],
      ],
    );
  } finally {
    await server.close();
  }
});

test('/healthz, /metrics (Prometheus text and JSON) and unknown paths', async () => {
  const server = await energyServer();
  try {
    const client = await connect(server, '');
    client.sendPcm(testSignal(HOP * 3));
    await until(() => client.frames.length > 0 && server.metrics().framesOut === 3);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual({ ...((await health.json()) as object), uptimeSeconds: 0 }, { status: 'ok', openStreams: 1, uptimeSeconds: 0 });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /^hotpath_serve_frames_out_total 3$/m);
    assert.match(text, /^hotpath_serve_open_streams 1$/m);
    assert.match(text, /^hotpath_serve_bytes_in_total 960$/m);
    assert.match(text, /^hotpath_serve_latency_seconds\{stream="1",quantile="0.99"\} [0-9.e-]+$/m);
    assert.match(text, /^hotpath_serve_latency_seconds\{stream="all",quantile="0.5"\} [0-9.e-]+$/m);
    const json = (await (await fetch(`${server.url}/metrics?format=json`)).json()) as { streams: { id: number; framesOut: number; audioSeconds: number }[] };
    assert.deepEqual(
      json.streams.map((s) => [s.id, s.framesOut, s.audioSeconds]),
      [[1, 3, (3 * HOP) / 16000]],
    );
    assert.equal((await fetch(`${server.url}/nothing`)).status, 404);
    assert.equal((await fetch(`${server.url}/stream`)).status, 426);
    const wrongPath = new Client({ ...server, url: `${server.url}/x` }, '');
    await assert.rejects(wrongPath.opened, /HTTP 404/);
  } finally {
    await server.close();
  }
});

test('graceful shutdown flushes every open stream, sends the end message and closes 1001; new streams are refused', async () => {
  const server = await energyServer();
  const a = await connect(server, '');
  const b = await connect(server, '');
  const pa = testSignal(HOP * 2 + 50);
  const pb = testSignal(HOP + 7);
  a.sendPcm(pa);
  b.sendPcm(pb);
  await until(() => server.metrics().bytesIn === 2 * (pa.length + pb.length));
  await server.close();
  for (const [client, pcm] of [
    [a, pa],
    [b, pb],
  ] as const) {
    assert.deepEqual(await client.closed, { code: CLOSE.goingAway, reason: 'server shutting down' });
    assert.deepEqual(client.firstBins(), expectedEnergies(pcm));
    assert.equal(client.frames.at(-1)?.chunk, END_CHUNK);
    assert.equal(client.texts.at(-1)?.type, 'end');
  }
  await assert.rejects(new Client(server, '').opened);
});
