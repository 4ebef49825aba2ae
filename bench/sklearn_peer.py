"""scikit-learn and numpy peer for `npm run bench` (bench/sklearnPeer.ts runs it; never part of `npm test`).

Loads float32 (or float64, for kmeans64 and matmul) .npy inputs written by the bench, times one scikit-learn (or numpy) call with
time.perf_counter (warm-up calls, then timed repeats, the median reported) and prints one JSON
object on stdout. Only the call itself is timed: not the interpreter start, the imports or the
.npy loading.

  python3 bench/sklearn_peer.py kmeans --x X.npy --k 64 --max-iter 20 --repeats 7
      KMeans(n_clusters=k, init=X[:k], n_init=1, max_iter, tol=0, algorithm='lloyd' or --algorithm elkan).fit(X)
  python3 bench/sklearn_peer.py distances --x X.npy --y Y.npy --sample-rows 200 --repeats 7
      euclidean_distances(X, Y, squared=True)
  python3 bench/sklearn_peer.py matmul --x A.npy --y B.npy --sample-rows 16 --repeats 5
      A @ B (numpy's matmul: OpenBLAS sgemm / dgemm in the input's dtype); scikit-learn not needed

Exit status 3 with {"missing": reason} when numpy or scikit-learn (not for matmul) cannot be imported, so the
bench skips this peer with the reason instead of failing.
"""
import argparse
import json
import statistics
import sys
import time


def thread_info():
    """Threads each native pool uses, e.g. 'openmp 2, blas (openblas) 2'."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError as error:
        return f"unknown (threadpoolctl: {error})"
    pools = [f"{p['user_api']} ({p.get('internal_api', '?')}) {p['num_threads']}" for p in threadpool_info()]
    return ", ".join(pools) if pools else "no native thread pools loaded"


def timed(call, warmup, repeats):
    """Runs `call` warmup times untimed, then `repeats` times timed; returns the last result and the samples (s)."""
    result = None
    for _ in range(warmup):
        result = call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    return result, samples


def run_kmeans(args, np):
    from sklearn.cluster import KMeans

    x = np.load(args.x)
    k = args.k
    init = x[:k].copy()

    def fit():
        return KMeans(n_clusters=k, init=init, n_init=1, max_iter=args.max_iter, tol=0.0, algorithm=args.algorithm).fit(x)

    model, samples = timed(fit, args.warmup, args.repeats)
    centers = model.cluster_centers_
    # inertia_ is summed in the input's precision (float32 or float64); the float64 sum over the same
    # labels and centres separates scikit-learn's rounding from a different clustering.
    diff = x.astype(np.float64) - centers.astype(np.float64)[model.labels_]
    inertia64 = float(np.einsum("ij,ij->", diff, diff))
    return {
        "inertia": float(model.inertia_),
        "inertia_f64": inertia64,
        "n_iter": int(model.n_iter_),
        "centroids": centers.astype(np.float64).ravel().tolist(),
    }, samples


def run_distances(args, np):
    from sklearn.metrics.pairwise import euclidean_distances

    x = np.load(args.x)
    y = np.load(args.y)
    out, samples = timed(lambda: euclidean_distances(x, y, squared=True), args.warmup, args.repeats)
    # The same rows as the bench's float64 reference: every (n // rows)-th row of x.
    step = max(1, x.shape[0] // args.sample_rows)
    rows = np.arange(0, x.shape[0], step)[: args.sample_rows]
    xs = x[rows].astype(np.float64)
    y64 = y.astype(np.float64)
    reference = ((xs[:, None, :] - y64[None, :, :]) ** 2).sum(axis=2)
    error = np.abs(out[rows].astype(np.float64) - reference)
    relative = np.where(reference > 0, error / np.where(reference > 0, reference, 1.0), np.where(error > 0, np.inf, 0.0))
    return {"max_rel_err": float(relative.max()), "dtype": str(out.dtype), "shape": list(out.shape)}, samples


def blas_info():
    """The BLAS numpy calls, e.g. 'openblas 0.3.21 (Zen)', from threadpoolctl when present."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    pools = [f"{p.get('internal_api', '?')} {p.get('version', '?')} ({p.get('architecture', '?')})" for p in threadpool_info() if p["user_api"] == "blas"]
    return ", ".join(pools) if pools else "unknown"


def run_matmul(args, np):
    a = np.load(args.x)
    b = np.load(args.y)
    out, samples = timed(lambda: a @ b, args.warmup, args.repeats)
    # Every (m // rows)-th row against the float64 product of the same inputs.
    step = max(1, a.shape[0] // args.sample_rows)
    rows = np.arange(0, a.shape[0], step)[: args.sample_rows]
    reference = a[rows].astype(np.float64) @ b.astype(np.float64)
    error = float(np.abs(out[rows].astype(np.float64) - reference).max())
    return {"max_abs_err": error, "dtype": str(out.dtype), "shape": list(out.shape), "blas": blas_info()}, samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["kmeans", "distances", "matmul"])
    parser.add_argument("--x", required=True)
    parser.add_argument("--y")
    parser.add_argument("--k", type=int, default=64)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument("--algorithm", choices=["lloyd", "elkan"], default="lloyd")
    parser.add_argument("--sample-rows", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import numpy as np
        sklearn_version = None
        if args.mode != "matmul":
            import sklearn
            sklearn_version = sklearn.__version__
    except ImportError as error:
        print(json.dumps({"missing": f"cannot import numpy / scikit-learn: {error}"}))
        return 3
    run = {"kmeans": run_kmeans, "distances": run_distances, "matmul": run_matmul}[args.mode]
    result, samples = run(args, np)
    result.update({
        "median_s": statistics.median(samples),
        "samples_s": samples,
        "threads": thread_info(),
        "sklearn_version": sklearn_version,
        "numpy_version": np.__version__,
        "python_version": sys.version.split()[0],
    })
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
