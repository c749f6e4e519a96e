/*
 * linear.ts's a·x + b on 8-bit pixels in WebAssembly SIMD, computed rather than looked up: the
 * same IEEE arithmetic as linear.ts's tables, so the same bytes (tests/robust/linear.test.ts
 * compares them with linear.ts's JavaScript, which it compares with sharp). Built by
 * tools/build/wasm.mjs into linearModule.ts.
 *
 * - one a and one b for every band: single precision, a·x rounded to a float, + b rounded to a
 *   float (linear.ts's Math.fround(Math.fround(a1 · x) + b1)), in f32x4 lanes;
 * - otherwise: double precision per band, a_k·x + b_k without a fused multiply-add, in f64x2 lanes;
 * - either way clipped to 0…255 and truncated toward zero. The clip is pmax(0, t) then
 *   pmin(255, ·): Math.max and Math.min for every t but −0 (which truncates to 0 all the same) and
 *   NaN (∞ · 0 where a float constant overflows), which comes out 0 here as linear.ts's NaN does
 *   when stored into a Uint8Array.
 *
 * Both process whole blocks: they read and write up to 15 bytes past n (single) or up to 16·channels
 * − 1 bytes past n (per band).
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

/*
 * The integer ↔ float conversions go through the bits of 2^23 + k (a float) and 2^52 + k (a
 * double), which hold the integer k in their low bits: exact for 0 ≤ k ≤ 255, and plain bitwise
 * and add instructions (clang 14 scalarizes the conversion of these widened bytes, and V8's
 * saturating truncation is a long sequence).
 */
#define F32_MAGIC 8388608.0f      /* 2^23 */
#define F64_MAGIC 4503599627370496.0 /* 2^52 */

/*
 * Four bytes (as uint32 lanes) through the single-precision a·x + b, clipped, then truncated
 * (f32x4.trunc: an integer 0…255, exact) and returned as int32 lanes.
 */
static inline V single4(V x, V a, V b) {
  const V magic = wasm_f32x4_splat(F32_MAGIC);
  V f = wasm_f32x4_sub(wasm_v128_or(x, magic), magic); /* x as a float, exactly */
  V t = wasm_f32x4_add(wasm_f32x4_mul(f, a), b);
  t = wasm_f32x4_pmin(wasm_f32x4_splat(255.0f), wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), t));
  return wasm_i32x4_sub(wasm_f32x4_add(wasm_f32x4_trunc(t), magic), magic);
}

/* src: n bytes; out: n bytes, every byte x as (uint8)trunc(clip(float(float(a·x) + b))). */
__attribute__((export_name("linear_single")))
void linear_single(const uint8_t *src, int n, float a, float b, uint8_t *out) {
  const V av = wasm_f32x4_splat(a), bv = wasm_f32x4_splat(b);
  for (int i = 0; i < n; i += 16) {
    V x = wasm_v128_load(src + i);
    V lo = wasm_u16x8_extend_low_u8x16(x), hi = wasm_u16x8_extend_high_u8x16(x);
    V r0 = single4(wasm_u32x4_extend_low_u16x8(lo), av, bv);
    V r1 = single4(wasm_u32x4_extend_high_u16x8(lo), av, bv);
    V r2 = single4(wasm_u32x4_extend_low_u16x8(hi), av, bv);
    V r3 = single4(wasm_u32x4_extend_high_u16x8(hi), av, bv);
    wasm_v128_store(out + i,
                    wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(r0, r1), wasm_i16x8_narrow_i32x4(r2, r3)));
  }
}

/*
 * Two bytes (as uint64 lanes) through a·x + b in double precision, clipped and truncated: the
 * result's 2^52 + k, whose low 32 bits are k.
 */
static inline V double2(V x, V a, V b) {
  const V magic = wasm_f64x2_splat(F64_MAGIC);
  V f = wasm_f64x2_sub(wasm_v128_or(x, magic), magic);
  V t = wasm_f64x2_add(wasm_f64x2_mul(f, a), b);
  t = wasm_f64x2_pmin(wasm_f64x2_splat(255.0), wasm_f64x2_pmax(wasm_f64x2_splat(0.0), t));
  return wasm_f64x2_add(wasm_f64x2_trunc(t), magic);
}

/* Four uint32 lanes through double2 with the constants of lanes (0, 1) and (2, 3), as int32 lanes. */
static inline V double4(V x, const double *a, const double *b) {
  V lo = double2(wasm_u64x2_extend_low_u32x4(x), wasm_v128_load(a), wasm_v128_load(b));
  V hi = double2(wasm_u64x2_extend_high_u32x4(x), wasm_v128_load(a + 2), wasm_v128_load(b + 2));
  return wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
}

/*
 * src: n bytes of `channels` (1…4) interleaved bands; a, b: one double per band; pattern: room for
 * 2 × 64 doubles. Every byte of band k as (uint8)trunc(clip(a[k]·x + b[k])), 16·channels bytes
 * (whole pixels, whole vectors) at a time.
 */
__attribute__((export_name("linear_bands")))
void linear_bands(const uint8_t *src, int n, int channels, const double *a, const double *b, double *pattern,
                  uint8_t *out) {
  int block = 16 * channels;
  double *pa = pattern, *pb = pattern + 64;
  for (int i = 0; i < block; i++) {
    pa[i] = a[i % channels];
    pb[i] = b[i % channels];
  }
  for (int i = 0; i < n; i += block)
    for (int v = 0; v < channels; v++) {
      const double *va = pa + 16 * v, *vb = pb + 16 * v;
      V x = wasm_v128_load(src + i + 16 * v);
      V lo = wasm_u16x8_extend_low_u8x16(x), hi = wasm_u16x8_extend_high_u8x16(x);
      V r0 = double4(wasm_u32x4_extend_low_u16x8(lo), va, vb);
      V r1 = double4(wasm_u32x4_extend_high_u16x8(lo), va + 4, vb + 4);
      V r2 = double4(wasm_u32x4_extend_low_u16x8(hi), va + 8, vb + 8);
      V r3 = double4(wasm_u32x4_extend_high_u16x8(hi), va + 12, vb + 12);
      wasm_v128_store(out + i + 16 * v,
                      wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(r0, r1), wasm_i16x8_narrow_i32x4(r2, r3)));
    }
}
