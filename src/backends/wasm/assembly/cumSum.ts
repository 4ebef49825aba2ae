// cumSum: running sums along one axis (n elements, strides xa in x and ya in y) for each line,
// whose bases are given by its 2-d index over the other dims (k1 columns; x strides xs0, xs1;
// y strides ys0, ys1). Strides are in elements. kind: 0 float32 (summed in float64, each
// output rounded once, as the reference), 1 float64, 2 32-bit integers, 3 64-bit integers
// (both wrap as C does, signed or not).

@inline function line<T, A>(x: usize, xa: i32, y: usize, ya: i32, n: i32, exclusive: i32, reverse: i32): void {
  const s = <usize>sizeof<T>();
  let sum: A = <A>0;
  for (let step = 0; step < n; step++) {
    const i = reverse ? n - 1 - step : step;
    const out = y + <usize>(i * ya) * s;
    if (exclusive) {
      store<T>(out, <T>sum);
    }
    sum += <A>load<T>(x + <usize>(i * xa) * s);
    if (!exclusive) {
      store<T>(out, <T>sum);
    }
  }
}

export function cumSumLines(kind: i32, exclusive: i32, reverse: i32, x: usize, k1: i32, xs0: i32, xs1: i32, xa: i32, y: usize, ys0: i32, ys1: i32, ya: i32, n: i32, rowStart: i32, rowEnd: i32): void {
  for (let o = rowStart; o < rowEnd; o++) {
    const xo = <usize>((o / k1) * xs0 + (o % k1) * xs1);
    const yo = <usize>((o / k1) * ys0 + (o % k1) * ys1);
    if (kind == 0) {
      line<f32, f64>(x + (xo << 2), xa, y + (yo << 2), ya, n, exclusive, reverse);
    } else if (kind == 1) {
      line<f64, f64>(x + (xo << 3), xa, y + (yo << 3), ya, n, exclusive, reverse);
    } else if (kind == 2) {
      line<i32, i32>(x + (xo << 2), xa, y + (yo << 2), ya, n, exclusive, reverse);
    } else {
      line<i64, i64>(x + (xo << 3), xa, y + (yo << 3), ya, n, exclusive, reverse);
    }
  }
}
