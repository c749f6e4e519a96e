/*
 * convolve.ts's two blurs in WebAssembly SIMD, sixteen values at a time, with the same integer
 * arithmetic as its JavaScript kernels, so the same bytes (tests/robust/convolve.test.ts compares
 * both with sharp and with each other). Built by tools/build/wasm.mjs into convolveModule.ts.
 *
 * Both extend the image by copying its edge pixels, as the JavaScript kernels' padded() does: a row
 * is padded at its sides by copying it into a line buffer, and a tap above or below the image
 * reads the first or last row (its row index clamped), which is what the padded rows hold.
 *
 * Every loop over a row runs in whole vectors of sixteen values: it may read up to fifteen bytes
 * past a row's end and write up to fifteen bytes past it. The caller leaves sixteen spare bytes
 * after every buffer, and a row's overrun lands on the next row of the same buffer, which the loop
 * writes afterwards (or on the spare bytes), so no value is read before it is written.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

/* Copies a row of `width` pixels of `ch` bands to out, with `pad` copies of its first and last pixel on either side. */
static void pad_row(const uint8_t *src, int width, int ch, int pad, uint8_t *out) {
  int row = width * ch;
  for (int c = 0; c < ch; c++) {
    uint8_t first = src[c], last = src[row - ch + c];
    for (int k = 0; k < pad; k++) {
      out[k * ch + c] = first;
      out[(pad + width + k) * ch + c] = last;
    }
  }
  __builtin_memcpy(out + pad * ch, src, (unsigned)row);
}

/* The low and the high eight bytes of a vector, widened to u16x8. */
#define WIDEN_LO(v) wasm_u16x8_extend_low_u8x16(v)
#define WIDEN_HI(v) wasm_u16x8_extend_high_u8x16(v)

/* The three arithmetics of a vips_convi pass (convolve.ts, integerPass). */
enum { NARROW = 0, WIDE = 1, DIVIDED = 2 };

/*
 * One vips_convi pass over the n values of one output row: out[x] from the taps P[0][x] (the
 * centre, weighed c[0]) and P[2k - 1][x] + P[2k][x] (weighed c[k], k = 1..half). Integer sums in
 * any order are the same sums, so the taps are added in pairs, as runPass adds them.
 *  - NARROW: the vector path (value = (start + Σ) >> shift, clipped) in wrapping 16-bit lanes; the
 *    caller takes it only where every coefficient is ≥ 0 and start + 255 · Σ coefficients < 2^16,
 *    so no sum wraps and each is the int32 sum of runPass; shifted logically (by 1 to 15) it is
 *    below 2^15, so the signed saturating narrowing to uint8 clips it as runPass does.
 *  - WIDE: the vector path in 32-bit lanes (each pair of pixels, ≤ 510, times its coefficient,
 *    both 16-bit, widened to 32 bits), shifted arithmetically as `>>` shifts.
 *  - DIVIDED: runDividedPass's C path, (Σ + rounding) / divisor in double precision and truncated
 *    toward zero: the same IEEE division of the same integers as Math.trunc((sum + rounding) / divisor).
 * In 32-bit lanes the clip to 0..255 is the two saturating narrowings (int32 → int16 → uint8).
 */
static inline __attribute__((always_inline)) void tap_row(const uint8_t *const *restrict P,
                                                          const int32_t *restrict c, int half, int start, int shift,
                                                          int divisor, int rounding, int n, uint8_t *restrict out,
                                                          const int mode) {
  if (mode == NARROW) {
    V c0 = wasm_i16x8_splat((int16_t)c[0]);
    V s = wasm_i16x8_splat((int16_t)start);
    for (int x = 0; x < n; x += 16) {
      V a = wasm_v128_load(P[0] + x);
      V lo = wasm_i16x8_add(s, wasm_i16x8_mul(WIDEN_LO(a), c0));
      V hi = wasm_i16x8_add(s, wasm_i16x8_mul(WIDEN_HI(a), c0));
      for (int k = 1; k <= half; k++) {
        V ck = wasm_i16x8_splat((int16_t)c[k]);
        V l = wasm_v128_load(P[2 * k - 1] + x), r = wasm_v128_load(P[2 * k] + x);
        lo = wasm_i16x8_add(lo, wasm_i16x8_mul(wasm_i16x8_add(WIDEN_LO(l), WIDEN_LO(r)), ck));
        hi = wasm_i16x8_add(hi, wasm_i16x8_mul(wasm_i16x8_add(WIDEN_HI(l), WIDEN_HI(r)), ck));
      }
      wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, shift), wasm_u16x8_shr(hi, shift)));
    }
    return;
  }
  V c0 = wasm_i16x8_splat((int16_t)c[0]);
  V s = wasm_i32x4_splat(mode == DIVIDED ? rounding : start);
  V d = wasm_f64x2_splat((double)divisor);
  for (int x = 0; x < n; x += 16) {
    V a = wasm_v128_load(P[0] + x);
    V a16 = WIDEN_LO(a), b16 = WIDEN_HI(a);
    V s0 = wasm_i32x4_add(s, wasm_i32x4_extmul_low_i16x8(a16, c0));
    V s1 = wasm_i32x4_add(s, wasm_i32x4_extmul_high_i16x8(a16, c0));
    V s2 = wasm_i32x4_add(s, wasm_i32x4_extmul_low_i16x8(b16, c0));
    V s3 = wasm_i32x4_add(s, wasm_i32x4_extmul_high_i16x8(b16, c0));
    for (int k = 1; k <= half; k++) {
      V ck = wasm_i16x8_splat((int16_t)c[k]);
      V l = wasm_v128_load(P[2 * k - 1] + x), r = wasm_v128_load(P[2 * k] + x);
      V lo = wasm_i16x8_add(WIDEN_LO(l), WIDEN_LO(r)), hi = wasm_i16x8_add(WIDEN_HI(l), WIDEN_HI(r));
      s0 = wasm_i32x4_add(s0, wasm_i32x4_extmul_low_i16x8(lo, ck));
      s1 = wasm_i32x4_add(s1, wasm_i32x4_extmul_high_i16x8(lo, ck));
      s2 = wasm_i32x4_add(s2, wasm_i32x4_extmul_low_i16x8(hi, ck));
      s3 = wasm_i32x4_add(s3, wasm_i32x4_extmul_high_i16x8(hi, ck));
    }
    V sums[4] = {s0, s1, s2, s3};
    for (int q = 0; q < 4; q++) {
      if (mode == WIDE) {
        sums[q] = wasm_i32x4_shr(sums[q], shift);
      } else {
        V first = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_div(wasm_f64x2_convert_low_i32x4(sums[q]), d));
        V moved = wasm_i32x4_shuffle(sums[q], sums[q], 2, 3, 0, 1);
        V second = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_div(wasm_f64x2_convert_low_i32x4(moved), d));
        sums[q] = wasm_i32x4_shuffle(first, second, 0, 1, 4, 5);
      }
    }
    V lo = wasm_i16x8_narrow_i32x4(sums[0], sums[1]), hi = wasm_i16x8_narrow_i32x4(sums[2], sums[3]);
    wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(lo, hi));
  }
}

static void run_row(const uint8_t *const *P, const int32_t *c, int half, int start, int shift, int divisor,
                    int rounding, int n, uint8_t *out, int mode) {
  if (mode == NARROW) tap_row(P, c, half, start, shift, divisor, rounding, n, out, NARROW);
  else if (mode == WIDE) tap_row(P, c, half, start, shift, divisor, rounding, n, out, WIDE);
  else tap_row(P, c, half, start, shift, divisor, rounding, n, out, DIVIDED);
}

/*
 * gaussianBlur's two vips_convi passes: along the rows of src (width × height pixels of ch bands)
 * into mid, then along the columns of mid into dst, with the coefficients c[0..half] (c[k] weighs
 * the pixels k before and k after) and the pass's arithmetic (mode, start, shift, divisor,
 * rounding; see tap_row). Scratch: P, 2·half + 1 pointers; line, (width + 2·half)·ch + 16 bytes;
 * mid and dst, width·height·ch + 16 bytes each.
 */
__attribute__((export_name("gaussian_blur")))
void gaussian_blur(const uint8_t *src, int width, int height, int ch, const int32_t *c, int half, int mode,
                   int start, int shift, int divisor, int rounding, const uint8_t **P, uint8_t *line, uint8_t *mid,
                   uint8_t *dst) {
  int row = width * ch;
  const uint8_t *centre = line + half * ch;
  P[0] = centre;
  for (int k = 1; k <= half; k++) {
    P[2 * k - 1] = centre - k * ch;
    P[2 * k] = centre + k * ch;
  }
  for (int y = 0; y < height; y++) {
    pad_row(src + y * row, width, ch, half, line);
    run_row(P, c, half, start, shift, divisor, rounding, row, mid + y * row, mode);
  }
  for (int y = 0; y < height; y++) {
    P[0] = mid + y * row;
    for (int k = 1; k <= half; k++) {
      int up = y - k, down = y + k;
      P[2 * k - 1] = mid + (up < 0 ? 0 : up) * row;
      P[2 * k] = mid + (down >= height ? height - 1 : down) * row;
    }
    run_row(P, c, half, start, shift, divisor, rounding, row, dst + y * row, mode);
  }
}

/* ⌊S / L⌋ of four int32 sums S (0 ≤ S ≤ 255 · L, L ≤ 4,096): see motion_blurs. */
static inline V floor_div(V sums, V reciprocal) {
  V v = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_convert_i32x4(sums), wasm_f32x4_splat(0.5f)), reciprocal);
  return wasm_i32x4_trunc_sat_f32x4(v);
}

/*
 * motionBlurs' running sums: the image src (width × height pixels of ch bands) blurred along one
 * line at `levels` lengths at once. steps: the line's steps as (row, column) offsets from the
 * centre, int32 pairs, in the order the lengths take them; counts[l]: how many steps the l-th
 * length sums (non-decreasing); lengths[l]: its length L; half: the largest |offset|. Output l
 * goes to dst + l · stride (stride ≥ width·height·ch + 16). Scratch: wide, height rows of
 * (width + 2·half)·ch bytes + 16; at, one int32 per step.
 *
 * Each value's S = Σ pixel over the steps is an exact integer sum (in 16-bit lanes where the
 * longest line's 255 · L < 2^16, else 32-bit), and its byte ⌊S / L⌋ is computed as
 * trunc((S + ½) · fl(1 / L)) in single precision: S + ½ < 2^21 is exact, and the two roundings
 * move the product, below 256, by less than 256 · 2^−23 = 2^−15, while (S + ½) / L, whose floor is
 * ⌊S / L⌋, is at least 1 / 2L ≥ 2^−13 from every integer.
 */
__attribute__((export_name("motion_blurs")))
void motion_blurs(const uint8_t *src, int width, int height, int ch, int half, const int32_t *steps,
                  const int32_t *counts, const int32_t *lengths, int levels, int32_t *at, uint8_t *wide,
                  uint8_t *dst, int stride) {
  int row = width * ch;
  int wideRow = (width + 2 * half) * ch;
  for (int y = 0; y < height; y++) pad_row(src + y * row, width, ch, half, wide + y * wideRow);
  int total = counts[levels - 1];
  int narrow = 255 * lengths[levels - 1] < 65536;
  for (int y = 0; y < height; y++) {
    for (int i = 0; i < total; i++) {
      int r = y + steps[2 * i];
      r = r < 0 ? 0 : r >= height ? height - 1 : r;
      at[i] = r * wideRow + (half + steps[2 * i + 1]) * ch;
    }
    uint8_t *out = dst + y * row;
    for (int x = 0; x < row; x += 16) {
      const uint8_t *base = wide + x;
      V zero = wasm_i32x4_splat(0);
      V lo = zero, hi = zero, s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      int i = 0;
      for (int l = 0; l < levels; l++) {
        if (narrow) {
          for (; i < counts[l]; i++) {
            V v = wasm_v128_load(base + at[i]);
            lo = wasm_i16x8_add(lo, WIDEN_LO(v));
            hi = wasm_i16x8_add(hi, WIDEN_HI(v));
          }
          s0 = wasm_u32x4_extend_low_u16x8(lo);
          s1 = wasm_u32x4_extend_high_u16x8(lo);
          s2 = wasm_u32x4_extend_low_u16x8(hi);
          s3 = wasm_u32x4_extend_high_u16x8(hi);
        } else {
          for (; i < counts[l]; i++) {
            V v = wasm_v128_load(base + at[i]);
            V a = WIDEN_LO(v), b = WIDEN_HI(v);
            s0 = wasm_i32x4_add(s0, wasm_u32x4_extend_low_u16x8(a));
            s1 = wasm_i32x4_add(s1, wasm_u32x4_extend_high_u16x8(a));
            s2 = wasm_i32x4_add(s2, wasm_u32x4_extend_low_u16x8(b));
            s3 = wasm_i32x4_add(s3, wasm_u32x4_extend_high_u16x8(b));
          }
        }
        V reciprocal = wasm_f32x4_splat(1.0f / (float)lengths[l]);
        V q0 = floor_div(s0, reciprocal), q1 = floor_div(s1, reciprocal);
        V q2 = floor_div(s2, reciprocal), q3 = floor_div(s3, reciprocal);
        V bytes = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(q0, q1), wasm_i16x8_narrow_i32x4(q2, q3));
        wasm_v128_store(out + l * stride + x, bytes);
      }
    }
  }
}
