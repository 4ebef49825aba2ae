/**
 * logMel benchmark: Whisper's log-mel (whisper-80: n_fft 400, hop 160, 80 Slaney mels, log10,
 * global max-8 floor) of 60 s of 16 kHz speech (the espeak-ng utterances of the streaming
 * reference data, tiled), offline, on ONE thread: hotpath's hp.logMel on wasm (framing, the fbank
 * kernel, the floor and the mel-major transpose all inside the timed call) against scipy
 * (bench/logmel_peer.py: scipy.fft.rfft of reflect-padded float32 frames, one worker, a matmul
 * with Whisper's own filters under OPENBLAS_NUM_THREADS=1, log10 and the floor) in the same run.
 * Rated as x real time (seconds of audio per second). The scipy row reports its max |diff| from
 * hotpath's output.
 */
import { fileURLToPath } from 'node:url';
import type { Runtime, Tensor } from '../src/index.js';
import type { Row } from './harness.js';
import { hotpathContender, WASM1 } from './hotpath.js';
import { speech } from './featureStream.js';
import { runCase, type Workload, type WorkloadContext } from './runner.js';
import { runPythonPeer, sklearnRow } from './sklearnPeer.js';

const RATE = 16000;
const SCIPY = 'scipy';
const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/streaming/${name}`, import.meta.url));
const SCRIPT = fileURLToPath(new URL('./logmel_peer.py', import.meta.url));


export const logMel: Workload = {
  name: 'logMel',
  async run(ctx: WorkloadContext): Promise<Row[]> {
    const seconds = ctx.quick ? 10 : 60;
    const x = speech(ctx.hp.ref, seconds, RATE);
    const frames = Math.floor(x.length / 160);
    ctx.log(`logMel whisper-80 of ${seconds} s of speech at ${RATE} Hz -> [80,${frames}]`);
    const call = (hp: Runtime, [s]: readonly Tensor[]): Tensor => hp.logMel(s!, { preset: 'whisper-80' });
    const warmup = 2;
    const repeats = ctx.quick ? 3 : 15;
    const work = { audioSeconds: seconds };
    const caseRows = await runCase({
      workload: 'logMel',
      size: `${seconds} s @ ${RATE / 1000} kHz`,
      work,
      baseline: [WASM1],
      warmup,
      repeats,
      check: false,
      contenders: [hotpathContender(WASM1, "hp.logMel, require: 'wasm', 1 thread (framing + fbank kernel + floor + transpose)", ctx.hp.wasm1, 'fbank', [{ values: x, shape: [x.length] }], call)],
    }, ctx);
    // hotpath's output, for the peer's max |diff|.
    const signal = ctx.hp.wasm1.tensor(x);
    const mel = ctx.hp.wasm1.logMel(signal, { preset: 'whisper-80' });
    const expected = { values: Float32Array.from(mel.toArray() as Float32Array), shape: mel.shape };
    signal.release();
    mel.release();
    const filters = ctx.hp.ref.load(fixture('whisper_logmel/mel_filters_80.npy'));
    const inputs = { signal: { values: x, shape: [x.length] }, filters: { values: filters.toArray() as Float32Array, shape: filters.shape }, expected };
    filters.release();
    const outcome = await runPythonPeer([SCRIPT], inputs, [], warmup, repeats, { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });
    if (outcome.status === 'ok') {
      ctx.log(`  scipy: max |diff| from hotpath ${String(outcome.json.max_abs_diff_vs_hotpath)}`);
    }
    const call1 = 'scipy.fft.rfft(float32 frames, workers=1) + power @ mel_80.T + log10 + max-8 floor';
    return [...caseRows, sklearnRow(caseRows, work, outcome, call1, ctx.log, SCIPY)];
  },
};
