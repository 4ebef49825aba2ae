/**
 * Offline speech features of a whole signal: Whisper's log-mel and Kaldi's fbank, framed here
 * (frame.ts) and computed by the fbank kernel on whichever backend the runtime picks.
 * The streaming path (src/stream/) computes the same frames with the same kernel; only
 * Whisper's floor differs in kind: it is global (max - 8 over the whole signal), so a streamed
 * log-mel frame is final only after whisperFloor() has run over all frames at the end.
 */
import { fail } from '../errors.js';
import type { RuntimeCore } from '../runtime/core.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorOf } from '../runtime/args.js';
import { frameCount, paddedLength, padInto } from './frame.js';
import { presetOf, type Preset } from './presets.js';

export interface LogMelOptions {
  /** 'whisper-80' (default) or 'whisper-128'. */
  readonly preset?: 'whisper-80' | 'whisper-128';
}

export interface FbankOptions {
  /** Only 'kaldi-fbank' (the default) for now. */
  readonly preset?: 'kaldi-fbank';
  /** Kaldi's snip_edges: true (default) keeps whole frames only; false centres frames on hops and mirrors the edges. */
  readonly snipEdges?: boolean;
}

/** A mono signal's samples as float32 (1-D float32 or float64 tensor). @throws ARGUMENT, SHAPE, DTYPE */
function samplesOf(kernel: string, value: Tensor): Float32Array {
  const signal = tensorOf(value, kernel, 'signal');
  if (signal.rank !== 1) {
    return fail({ code: 'SHAPE', kernel, problem: 'the signal must be one-dimensional (mono)', expected: '[samples]', received: signal.describe(), hint: 'mix channels down or pick one first' });
  }
  if (signal.dtype !== 'float32' && signal.dtype !== 'float64') {
    return fail({ code: 'DTYPE', kernel, problem: 'the signal must hold float samples', expected: 'float32 | float64 (values in [-1, 1])', received: signal.describe(), hint: 'divide int16 PCM by 32768' });
  }
  const data = signal.data(kernel);
  // A contiguous float32 signal is read in place; anything else is gathered (and rounded) once.
  if (signal.dtype === 'float32' && signal.strides[0] === 1) {
    return (data as Float32Array).subarray(signal.offset, signal.offset + signal.shape[0]!);
  }
  return Float32Array.from(signal.toArray() as Float32Array | Float64Array);
}

/**
 * Runs the fbank kernel over every frame of a whole signal under a preset and hands its output
 * ([all frames, nMels], read in place) and the count of frames kept (Whisper drops the last) to `use`.
 * The frames are not copied: the signal is padded once (padInto) and the kernel reads a view
 * [frames, frameLength] over it with row stride hop (overlapping rows).
 */
function presetFeatures<T>(hp: RuntimeCore, samples: Float32Array, preset: Preset, use: (values: Float32Array, frames: number, all: number) => T, melMajor = false): T {
  const { frameLength, hop } = preset.frame;
  const all = frameCount(samples.length, { ...preset.frame, dropLast: false });
  const padded = hp.empty([Math.max(paddedLength(samples.length, preset.frame), frameLength)], 'float32', { name: 'padded signal' });
  try {
    padInto(samples, preset.frame, padded.data('fbank') as Float32Array);
    const input = new Tensor(padded.storage, { shape: [all, frameLength], strides: [hop, 1], offset: padded.offset }, { isBase: false });
    try {
      const [y] = hp.run('fbank', [input], melMajor ? { ...preset.attrs, melMajor } : preset.attrs);
      try {
        return use(y!.data('fbank') as Float32Array, frameCount(samples.length, preset.frame), all);
      } finally {
        y!.release();
      }
    } finally {
      input.release();
    }
  } finally {
    padded.release();
  }
}

/** Whisper's floor for these log10 energies: max over all of them - 8 (NaN if any is NaN, as torch's max). */
export function whisperFloorOf(logSpec: Float32Array | Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < logSpec.length; i++) {
    // Math.max returns NaN once either is NaN, and max stays NaN from then on.
    max = Math.max(max, logSpec[i]!);
  }
  return max - 8;
}

/** (max(v, floor) + 4) / 4, NaN in either giving NaN (torch.maximum). */
function scaled(v: number, floor: number): number {
  return ((v < floor || floor !== floor ? floor : v) + 4) / 4;
}

/**
 * Whisper's last two steps, in place on log10 mel energies: max(x, max(all) - 8), then (x + 4) / 4.
 * The maximum is over the whole array (a whole utterance), as whisper/audio.py does: a streaming
 * log-mel applies it once, at the end, over every frame.
 * @example whisperFloor(logSpec) // logSpec from fbank with log 'log10-clamp'
 */
export function whisperFloor(logSpec: Float32Array | Float64Array): void {
  const floor = whisperFloorOf(logSpec);
  for (let i = 0; i < logSpec.length; i++) {
    logSpec[i] = scaled(logSpec[i]!, floor);
  }
}

/**
 * Whisper's log-mel spectrogram of a 16 kHz mono signal: float32 [nMels, N // 160], mel-major
 * like whisper.audio.log_mel_spectrogram(audio, padding=0) (periodic Hann 400, hop 160, reflect
 * padding, the last STFT frame dropped, Slaney mels, log10 clamp 1e-10, global max-8 floor,
 * (x + 4) / 4).
 * @example const mel = logMel(hp, hp.tensor(samples), { preset: 'whisper-80' }) // [80, samples.length // 160]
 * @throws ARGUMENT (preset), SHAPE (not 1-D), DTYPE (not float)
 */
export function logMel(hp: RuntimeCore, signal: Tensor, options: LogMelOptions = {}): Tensor {
  const name = options.preset ?? 'whisper-80';
  if (name !== 'whisper-80' && name !== 'whisper-128') {
    fail({ code: 'ARGUMENT', kernel: 'logMel', problem: 'unknown preset', expected: "'whisper-80' | 'whisper-128'", received: String(name) });
  }
  const preset = presetOf(name);
  const nMels = preset.attrs.nMels;
  // The kernel writes mel-major ([nMels, all frames]) so every step below reads and writes
  // contiguous rows: no transpose (frame-major and transposed here, the transpose alone took 1.5
  // ms of a 9 ms call on 60 s of audio, this machine).
  return presetFeatures(
    hp,
    samplesOf('logMel', signal),
    preset,
    (values, frames, all) => {
      // The floor's maximum is over the kept frames only (Whisper drops the last frame first):
      // each band's row of kept frames, then the largest (max - 8 is monotone and exact for
      // float32 values, and Math.max keeps a NaN).
      let floor = -Infinity;
      for (let m = 0; m < nMels; m++) {
        floor = Math.max(floor, whisperFloorOf(values.subarray(m * all, m * all + frames)));
      }
      const out = hp.empty([nMels, frames], 'float32', { name: 'logMel' });
      const mel = out.data('logMel') as Float32Array;
      for (let m = 0; m < nMels; m++) {
        const src = m * all;
        const dst = m * frames;
        for (let f = 0; f < frames; f++) {
          // = scaled(v, floor) bit for bit: Math.max lets NaN through as scaled does, the signed
          // zeros it may swap vanish in + 4, and * 0.25 rounds as / 4; V8 runs it ~1.7x faster.
          mel[dst + f] = (Math.max(values[src + f]!, floor) + 4) * 0.25;
        }
      }
      return out;
    },
    true,
  );
}

/**
 * Kaldi fbank (kaldi-native-fbank's FbankOptions defaults, dither 0, 80 bins) of a 16 kHz mono
 * signal: float32 [frames, 80] of ln mel energies. snipEdges true: 1 + (N - 400) // 160 frames;
 * false: (N + 80) // 160 frames with mirrored edges.
 * @example const feats = fbank(hp, hp.tensor(samples), { snipEdges: false })
 * @throws ARGUMENT (preset, snipEdges), SHAPE (not 1-D), DTYPE (not float)
 */
export function fbank(hp: RuntimeCore, signal: Tensor, options: FbankOptions = {}): Tensor {
  const name = options.preset ?? 'kaldi-fbank';
  if (name !== 'kaldi-fbank') {
    fail({ code: 'ARGUMENT', kernel: 'fbank', problem: 'unknown preset', expected: "'kaldi-fbank'", received: String(name) });
  }
  const snipEdges = options.snipEdges ?? true;
  if (typeof snipEdges !== 'boolean') {
    fail({ code: 'ARGUMENT', kernel: 'fbank', problem: 'invalid snipEdges', expected: 'true or false', received: String(snipEdges) });
  }
  const preset = presetOf(name, snipEdges);
  const nMels = preset.attrs.nMels;
  return presetFeatures(hp, samplesOf('fbank', signal), preset, (values, frames) => hp.tensor(values.subarray(0, frames * nMels), [frames, nMels]));
}
