// Bad clients of the feature server each get a close code and a reason, and a well-behaved stream
// open at the same time still gets exactly its frames. Real sockets on 127.0.0.1, port 0; every
// wait is for an event or a condition, never a duration.
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { test } from 'node:test';
import { CLOSE, type FeatureServer } from '../../src/serve/index.js';
import { Client, HOP, connect, energyServer, expectedEnergies, testSignal, until, withEnergyServer } from '../serveHelpers.js';

/** Runs a well-behaved stream next to `bad` and checks it is unaffected. */
async function withBystander(server: FeatureServer, bad: () => Promise<void>): Promise<void> {
  const good = await connect(server, '');
  const pcm = testSignal(HOP * 5 + 3);
  good.sendPcm(pcm.subarray(0, 400));
  await bad();
  good.sendPcm(pcm.subarray(400));
  good.end();
  assert.equal((await good.closed).code, CLOSE.normal);
  assert.deepEqual(good.firstBins(), expectedEnergies(pcm));
}

test('bad handshakes close with 1008 or 4001 and a reason naming the parameter', async () => {
  const server = await energyServer();
  try {
    await withBystander(server, async () => {
      const cases: [string, number, RegExp][] = [
        ['format=wav', CLOSE.policy, /invalid format, expected int16 or float32, received wav/],
        ['output=xml', CLOSE.policy, /invalid output/],
        ['rate=16k', CLOSE.policy, /invalid rate/],
        ['bogus=1', CLOSE.policy, /unknown parameter bogus/],
        ['preset=nope', CLOSE.policy, /unknown preset nope/],
        ['rate=11025', CLOSE.unsupportedRate, /unsupported sample rate 11025 Hz; this server takes 8000, 16000, 22050, 24000, 32000, 44100, 48000/],
      ];
      for (const [query, code, reason] of cases) {
        const closed = await new Client(server, query).closed;
        assert.equal(closed.code, code, query);
        assert.match(closed.reason, reason, query);
      }
    });
  } finally {
    await server.close();
  }
});

test('bad data: odd int16 byte count -> 1007, NaN float32 -> 1007, unknown text -> 1003, oversize -> 1009', async () => {
  const server = await energyServer({ maxMessageBytes: 4096 });
  try {
    await withBystander(server, async () => {
      const odd = await connect(server, '');
      odd.ws.send(new Uint8Array(7));
      assert.deepEqual(await odd.closed, { code: CLOSE.invalidPayload, reason: 'int16 chunk of 7 bytes, expected a multiple of 2 bytes' });
      const nan = await connect(server, 'format=float32');
      nan.ws.send(new Uint8Array(Float32Array.of(0.5, Number.NaN).buffer));
      assert.deepEqual(await nan.closed, { code: CLOSE.invalidPayload, reason: 'float32 sample 1 of the chunk is not finite, expected finite samples' });
      const text = await connect(server, '');
      text.ws.send('hello');
      const t = await text.closed;
      assert.equal(t.code, CLOSE.unsupportedData);
      assert.match(t.reason, /unsupported text message/);
      const big = await connect(server, '');
      big.ws.send(new Uint8Array(4098));
      assert.equal((await big.closed).code, CLOSE.tooBig);
    });
  } finally {
    await server.close();
  }
});

/** A client that stops reading and sends 1 s chunks until `stop()`; returns it and the samples sent. */
async function stopReading(server: FeatureServer, stop: () => boolean): Promise<{ slow: Client; sent: number }> {
  const slow = await connect(server, '');
  await slow.ready;
  slow.ws.pause();
  const second = testSignal(16000);
  let sent = 0;
  while (!stop()) {
    slow.sendPcm(second);
    sent += second.length;
    await until(() => server.metrics().bytesIn >= 2 * sent || stop());
  }
  slow.ws.resume();
  return { slow, sent };
}

test('a client that stops reading: drop-oldest bounds the queue, counts the drops and leaves a gap in firstFrame', async () => {
  // 4096 bins = 16 KiB per frame, so the socket's buffers fill after a few seconds of audio.
  const server = await energyServer({ highWaterBytes: 64 * 1024, maxQueuedBytes: 256 * 1024, maxRealtime: 0 }, 4096);
  try {
    await withBystander(server, async () => {
      const { slow, sent } = await stopReading(server, () => server.metrics().droppedFrames > 0);
      slow.end();
      assert.equal((await slow.closed).code, CLOSE.normal);
      const end = slow.texts.at(-1) as { type: string; frames: number; dropped: number };
      const received = slow.frames.reduce((n, m) => n + m.count, 0);
      assert.equal(end.frames, sent / HOP);
      assert.ok(end.dropped > 0);
      assert.equal(received + end.dropped, end.frames);
      const gaps = slow.frames.slice(1).filter((m, i) => m.firstFrame !== (slow.frames[i] as { firstFrame: number; count: number }).firstFrame + (slow.frames[i] as { count: number }).count);
      assert.ok(gaps.length > 0, 'a gap in firstFrame shows the drop');
    });
  } finally {
    await server.close();
  }
});

test("a client that stops reading under the 'close' policy is closed with 4003", async () => {
  const server = await energyServer({ highWaterBytes: 64 * 1024, maxQueuedBytes: 256 * 1024, maxRealtime: 0, backpressure: 'close', drainMs: 100 }, 4096);
  try {
    await withBystander(server, async () => {
      const closing = (): boolean => server.metrics().streams.some((s) => s.closeCode === CLOSE.notReading);
      const { slow } = await stopReading(server, closing);
      const closed = await slow.closed;
      assert.equal(closed.code, CLOSE.notReading);
      assert.match(closed.reason, /client not reading/);
    });
  } finally {
    await server.close();
  }
});

test('a client flooding faster than maxRealtime is throttled (reading paused) and still gets every frame', async () => {
  const server = await energyServer({ maxRealtime: 4, burstSeconds: 0.25 });
  try {
    await withBystander(server, async () => {
      const flood = await connect(server, '');
      // 1 s of audio within a few ms: past the 0.25 s burst plus 4x real time from the first chunk on.
      const pcm = testSignal(16000);
      for (let i = 0; i < 10; i++) {
        flood.sendPcm(pcm.subarray(i * 1600, (i + 1) * 1600));
      }
      flood.end();
      assert.equal((await flood.closed).code, CLOSE.normal);
      assert.deepEqual(flood.firstBins(), expectedEnergies(pcm));
    });
    await until(() => server.metrics().openStreams === 0);
    assert.equal(server.metrics().closes['1000'], 2);
    assert.ok(server.metrics().throttled > 0, 'the flood was throttled');
  } finally {
    await server.close();
  }
});

test('idle clients close with 4000, slow-drip senders with 4002', async () => {
  const idleServer = await energyServer({ idleMs: 100, minRealtime: 0 });
  const dripServer = await energyServer({ idleMs: 0, dripWindowMs: 100, minRealtime: 0.5 });
  try {
    const idle = await connect(idleServer, '');
    assert.deepEqual(await idle.closed, { code: CLOSE.idle, reason: 'idle: no message for 100 ms' });
    const drip = await connect(dripServer, '');
    const timer = setInterval(() => drip.sendPcm(testSignal(1)), 10);
    const closed = await drip.closed;
    clearInterval(timer);
    assert.equal(closed.code, CLOSE.tooSlow);
    assert.match(closed.reason, /too slow: \d+ samples in 100 ms, expected >= 800 \(0.5x real time\)/);
  } finally {
    await idleServer.close();
    await dripServer.close();
  }
});

test('half-open connections (no pong) are terminated by the heartbeat; answering clients stay', async () => {
  // 250 ms between pings: the answering client's pong (same process, 200 other sockets) comes well within it.
  await withEnergyServer({ heartbeatMs: 250, idleMs: 0, minRealtime: 0 }, async (server) => {
    const ghosts = await Promise.all(Array.from({ length: 200 }, () => connect(server, '', { autoPong: false })));
    const alive = await connect(server, '');
    let pings = 0;
    let aliveClosed = false;
    alive.ws.on('ping', () => pings++);
    void alive.closed.then(() => (aliveClosed = true));
    await Promise.all(ghosts.map((g) => g.closed));
    await until(() => pings >= 3 || aliveClosed);
    assert.equal(aliveClosed, false);
    await until(() => server.metrics().openStreams === 1);
    assert.equal(server.metrics().closes['1006'], 200);
    alive.sendPcm(testSignal(HOP));
    alive.end();
    assert.equal((await alive.closed).code, CLOSE.normal);
  });
});

test('the connection cap refuses with HTTP 503 and a reason; a slot freed is usable again', async () => {
  await withEnergyServer({ maxConnections: 3 }, async (server) => {
    const open = await Promise.all([connect(server, ''), connect(server, ''), connect(server, '')]);
    await assert.rejects(connect(server, ''), /HTTP 503/);
    assert.equal(server.metrics().refusedConnections, 1);
    open[0]?.end();
    await open[0]?.closed;
    await until(() => server.metrics().openStreams === 2);
    const again = await connect(server, '');
    again.end();
    assert.equal((await again.closed).code, CLOSE.normal);
  });
});

test('a TCP connection that never completes its HTTP request is dropped after handshakeMs', async () => {
  await withEnergyServer({ handshakeMs: 100 }, async (server) => {
    const socket = netConnect(server.port, '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    assert.ok(socket.destroyed);
  });
});
