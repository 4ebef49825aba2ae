// Row r of a 3-d space d0 x d1 x d2 (d0 implied) as an element offset through strides
// (s0, s1, s2): the row indexing every strided kernel here shares.
@inline export function rowElement(r: i32, d1: i32, d2: i32, s0: i32, s1: i32, s2: i32): usize {
  const i2 = r % d2;
  const i1 = (r / d2) % d1;
  const i0 = r / (d2 * d1);
  return <usize>(i0 * s0 + i1 * s1 + i2 * s2);
}
