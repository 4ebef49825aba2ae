"""scipy peer of the logMel benchmark (bench/logMel.ts): Whisper's log-mel spectrogram of a
16 kHz float32 signal with scipy.fft.rfft on reflect-padded frames (float32, one worker), a
matmul with Whisper's own mel filters, log10 clamp, the global max-8 floor and (x + 4) / 4.
Timed inside Python (perf_counter: warm-up calls, then repeats); prints one JSON line with the
samples, versions, threads and the max |diff| from hotpath's output (--expected)."""
import argparse
import json
import platform
import statistics
import sys
import time

EXIT_MISSING = 3


def log_mel(np, fft, x, filters, window):
    n_fft, hop = 400, 160
    padded = np.pad(x, (n_fft // 2, n_fft // 2), mode="reflect")
    # Whisper drops the last STFT frame: N // hop frames.
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop][: x.size // hop]
    spectrum = fft.rfft(frames * window, n=n_fft, axis=1, workers=1)
    power = spectrum.real * spectrum.real + spectrum.imag * spectrum.imag
    mel = power @ filters.T
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).T


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signal", required=True)
    parser.add_argument("--filters", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    try:
        import numpy as np
        import scipy
        import scipy.fft as fft
    except ImportError as error:
        print(json.dumps({"missing": f"numpy or scipy cannot be imported: {error}"}))
        sys.exit(EXIT_MISSING)
    x = np.load(args.signal).astype(np.float32)
    filters = np.load(args.filters).astype(np.float32)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)).astype(np.float32)
    result = None
    for _ in range(args.warmup):
        result = log_mel(np, fft, x, filters, window)
    samples = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = log_mel(np, fft, x, filters, window)
        samples.append(time.perf_counter() - start)
    expected = np.load(args.expected)
    diff = float(np.max(np.abs(result.astype(np.float64) - expected))) if result.shape == expected.shape else None
    print(json.dumps({
        "median_s": statistics.median(samples),
        "samples_s": samples,
        "threads": "scipy.fft workers=1; OPENBLAS_NUM_THREADS=1",
        "sklearn_version": None,
        "library": f"scipy {scipy.__version__}, numpy {np.__version__}",
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "shape": list(result.shape),
        "max_abs_diff_vs_hotpath": diff,
    }))


if __name__ == "__main__":
    main()
