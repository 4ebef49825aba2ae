// Up to four float32 lanes at a stride (bytes), for the element-wise loops' gathered (strided)
// and row-tail vectors: unused lanes load 0 and are not stored.
@inline export function gatherF32(p: usize, stride: usize, n: i32): v128 {
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, n > 1 ? load<f32>(p + stride) : 0);
  v = f32x4.replace_lane(v, 2, n > 2 ? load<f32>(p + 2 * stride) : 0);
  return f32x4.replace_lane(v, 3, n > 3 ? load<f32>(p + 3 * stride) : 0);
}

// Stores the first n (1..4) lanes of w at q, contiguous.
@inline export function scatterF32(q: usize, w: v128, n: i32): void {
  store<f32>(q, f32x4.extract_lane(w, 0));
  if (n > 1) store<f32>(q + 4, f32x4.extract_lane(w, 1));
  if (n > 2) store<f32>(q + 8, f32x4.extract_lane(w, 2));
  if (n > 3) store<f32>(q + 12, f32x4.extract_lane(w, 3));
}
