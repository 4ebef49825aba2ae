import { prepare, transform, workIm, workRe } from './fft';

// stft, float32 in and out, float64 inside: one frame per row (row = batch * frames + f).
// signal[b, t, c] at signal + (b*sb + t*st + c*sc) elements; window (0 = none) with stride ws;
// y is row-major [batch, frames, bins, 2].
export function stftFrames(
  signal: usize, sb: i32, st: i32, sc: i32, complexIn: i32,
  window: usize, ws: i32, frameStep: i32, frameLength: i32, bins: i32, frames: i32,
  y: usize, rowStart: i32, rowEnd: i32, scratch: usize,
): void {
  if (rowStart >= rowEnd) {
    return;
  }
  prepare(frameLength, scratch);
  const re = workRe();
  const im = workIm();
  for (let r = rowStart; r < rowEnd; r++) {
    const b = r / frames;
    const f = r % frames;
    const base = signal + (<usize>(b * sb + f * frameStep * st) << 2);
    for (let t = 0; t < frameLength; t++) {
      const w: f64 = window == 0 ? 1 : <f64>load<f32>(window + (<usize>(t * ws) << 2));
      const p = base + (<usize>(t * st) << 2);
      store<f64>(re + (<usize>t << 3), <f64>load<f32>(p) * w);
      store<f64>(im + (<usize>t << 3), complexIn ? <f64>load<f32>(p + (<usize>sc << 2)) * w : 0);
    }
    transform(frameLength, false);
    const py = y + (<usize>r * <usize>bins * 2 << 2);
    for (let k = 0; k < bins; k++) {
      store<f32>(py + (<usize>(2 * k) << 2), <f32>load<f64>(re + (<usize>k << 3)));
      store<f32>(py + (<usize>(2 * k + 1) << 2), <f32>load<f64>(im + (<usize>k << 3)));
    }
  }
}
