/**
 * Framer against kaldi-native-fbank's frame readiness (test/fixtures/streaming/, copied
 * unchanged from the conformance drop): the recorded random chunk schedules are pushed in order
 * and `framesReady` must equal knf's `NumFramesReady()` after every chunk and after end()
 * (`InputFinished()`). kaldi_fbank = snip_edges=true ('none'), knf_whisper = snip_edges=false
 * ('kaldi'), both 25 ms / 10 ms at 16 kHz (L = 400, hop = 160). The frames themselves must be
 * identical whole, chunked and one sample at a time (what knf showed for its own output).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Framer, type Padding } from '../../src/index.js';
import { parseNpyHeader } from '../../src/io/npyHeader.js';
import { STREAMING } from '../fixtures.js';
import { sameBits } from '../streamFrames.js';

const GROUPS: readonly { folder: string; padding: Padding }[] = [
  { folder: 'kaldi_fbank', padding: 'none' },
  { folder: 'knf_whisper', padding: 'kaldi' },
];

/** A 1-D little-endian .npy of float32 or int32 (the only kinds these fixtures hold). */
function readNpy(file: string): Float32Array | Int32Array {
  const bytes = readFileSync(file);
  const header = parseNpyHeader(bytes, { source: file });
  assert.equal(header.shape.length, 1, `${file}: 1-D`);
  const data = bytes.buffer.slice(bytes.byteOffset + header.dataOffset, bytes.byteOffset + header.dataOffset + header.dataBytes);
  if (header.descr === '<f4') return new Float32Array(data);
  if (header.descr === '<i4') return new Int32Array(data);
  throw new Error(`${file}: unexpected descr ${header.descr}`);
}

/** All frames of `signal` pushed in the chunk sizes given, then end(); framesReady after each. */
function run(signal: Float32Array, padding: Padding, sizes: Iterable<number>): { frames: Float32Array; ready: number[] } {
  const framer = new Framer({ frameLength: 400, hop: 160, padding });
  const parts: Float32Array[] = [];
  const ready: number[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(framer.push(signal.subarray(at, at + size)).data);
    at += size;
    ready.push(framer.framesReady);
  }
  assert.equal(at, signal.length, 'the chunk sizes add up to the signal length');
  parts.push(framer.end().data);
  ready.push(framer.framesReady);
  const frames = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    frames.set(p, o);
    o += p.length;
  }
  return { frames, ready };
}

for (const { folder, padding } of GROUPS) {
  const dir = path.join(STREAMING, folder);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.chunks.npy')).map((f) => f.slice(0, -'.chunks.npy'.length));
  test(`${folder}: the fixtures are there (4 signals)`, () => assert.equal(cases.length, 4));
  for (const name of cases) {
    test(`${folder}/${name}: framesReady after each recorded chunk and after end() equals knf's NumFramesReady()`, () => {
      const sidecar = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { input: string; input_num_samples: number; frames_ready_after_whole_accept_before_finish: number };
      const signal = readNpy(path.join(STREAMING, sidecar.input)) as Float32Array;
      assert.equal(signal.length, sidecar.input_num_samples);
      const chunks = readNpy(path.join(dir, `${name}.chunks.npy`)) as Int32Array;
      const expected = [...(readNpy(path.join(dir, `${name}.frames_ready.npy`)) as Int32Array)];
      assert.equal(expected.length, chunks.length + 1);
      const chunked = run(signal, padding, chunks);
      assert.deepEqual(chunked.ready, expected);
      // Whole signal in one push: knf's count before InputFinished(), then the same total.
      const whole = run(signal, padding, [signal.length]);
      assert.deepEqual(whole.ready, [sidecar.frames_ready_after_whole_accept_before_finish, expected.at(-1)]);
      const ones = run(signal, padding, new Array<number>(signal.length).fill(1));
      assert.ok(sameBits(chunked.frames, whole.frames), 'chunked frames equal whole frames bit for bit');
      assert.ok(sameBits(ones.frames, whole.frames), 'one-sample frames equal whole frames bit for bit');
    });
  }
}
