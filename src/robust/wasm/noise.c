/*
 * corruptions.ts's addNoise at several severities from one image's draws, in WebAssembly SIMD: per
 * value x = pixel + σ·draw in double precision (the same two IEEE operations as JavaScript's, no
 * fused multiply-add), rounded half up as ⌊x⌋ + (x − ⌊x⌋ ≥ 0.5) — Math.round(x) for x ≥ 0, and ≤ 0
 * below, where both clip to 0 — and clipped to 0..255; two values per f64x2 operation.
 * tests/robust/noiseDraws.test.ts compares it with addNoise. Built by tools/build/wasm.mjs.
 */
#include <stdint.h>
#include <wasm_simd128.h>

static inline uint8_t noisy(uint8_t pixel, double sigma, double draw) {
  double x = (double)pixel + sigma * draw;
  double f = __builtin_floor(x);
  double r = f + (x - f >= 0.5 ? 1.0 : 0.0);
  return r <= 0 ? 0 : r >= 255 ? 255 : (uint8_t)r;
}

/* src: n bytes; draws: n doubles; sigmas: count doubles; dst: count images of n bytes, one after another. */
__attribute__((export_name("add_noise"))) void add_noise(const uint8_t *src, int n, const double *draws,
                                                          const double *sigmas, int count, uint8_t *dst) {
  const v128_t half = wasm_f64x2_splat(0.5);
  const v128_t one = wasm_f64x2_splat(1.0);
  const v128_t zero = wasm_f64x2_splat(0.0);
  const v128_t top = wasm_f64x2_splat(255.0);
  for (int s = 0; s < count; s++) {
    const double sigma = sigmas[s];
    const v128_t sv = wasm_f64x2_splat(sigma);
    uint8_t *out = dst + s * n;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      v128_t p = wasm_u32x4_extend_low_u16x8(wasm_u16x8_load8x8(src + i));
      v128_t lo = wasm_f64x2_convert_low_i32x4(p);
      v128_t hi = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(p, p, 2, 3, 0, 1));
      v128_t r2[2];
      v128_t xs[2] = {wasm_f64x2_add(lo, wasm_f64x2_mul(sv, wasm_v128_load(draws + i))),
                      wasm_f64x2_add(hi, wasm_f64x2_mul(sv, wasm_v128_load(draws + i + 2)))};
      for (int h = 0; h < 2; h++) {
        v128_t x = xs[h];
        v128_t f = wasm_f64x2_floor(x);
        v128_t up = wasm_f64x2_ge(wasm_f64x2_sub(x, f), half);
        v128_t r = wasm_f64x2_add(f, wasm_v128_and(up, one));
        r2[h] = wasm_f64x2_pmin(wasm_f64x2_pmax(r, zero), top);
      }
      v128_t a = wasm_i32x4_trunc_sat_f64x2_zero(r2[0]);
      v128_t b = wasm_i32x4_trunc_sat_f64x2_zero(r2[1]);
      v128_t ab = wasm_i32x4_shuffle(a, b, 0, 1, 4, 5);
      v128_t w = wasm_u16x8_narrow_i32x4(ab, ab);
      v128_t bytes = wasm_u8x16_narrow_i16x8(w, w);
      *(uint32_t *)(out + i) = (uint32_t)wasm_i32x4_extract_lane(bytes, 0);
    }
    for (; i < n; i++) out[i] = noisy(src[i], sigma, draws[i]);
  }
}
