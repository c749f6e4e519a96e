/*
 * rotate.ts's bilinear interpolation of a rotated window in WebAssembly SIMD: the image embedded in
 * its background border, then each output pixel from a plan made (and cached) by rotate.ts. A plan
 * holds, per output pixel, the padded image's pixel index of the top-left tap and the fixed-point
 * coefficients c1..c4 as int16 pairs (c1 | c2 << 16, c3 | c4 << 16); a background pixel points at
 * the bottom-right corner of the border (four background taps) with c1 = 4096, so it comes out as
 * (4096 · ink + 2048) >> 12 = ink. The sums Σ c·p are exact int32 (at most 4096 · 255) and are
 * made with i32x4.dot_i16x8_s, the same integers as rotate.ts's applyPlan, so the same bytes.
 * Built by tools/build/wasm.mjs into rotateModule.ts.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

/* n ≥ 1 bytes from `from` to `to` in 16-byte blocks: reads and writes up to 15 bytes past n. */
static inline void copyBlocks(uint8_t *to, const uint8_t *from, int n) {
  for (int i = 0; i < n; i += 16) wasm_v128_store(to + i, wasm_v128_load(from + i));
}

/*
 * n ≥ 1 bytes of background from `to` on (whole pixels): `ink` holds 16 bytes of background
 * pixels from a pixel's start (5 whole ones for three channels), stored every 16 or 15 bytes; writes
 * up to 15 bytes past n.
 */
static inline void paint(uint8_t *to, int n, V ink, int step) {
  for (int i = 0; i < n; i += step) wasm_v128_store(to + i, ink);
}

/*
 * src: width*height*channels bytes (channels 1 or 3). padded: (width + 3) × (height + 3) pixels,
 * the image at (1, 1) with one background pixel left and above and two right and below, as
 * rotate.ts's embedded. ink: the background pixel, its bytes packed little-endian. In blocks of 16
 * bytes, each block running past a row's end overwritten by what is written after it: the reads go
 * up to 15 bytes past src, the writes up to 15 bytes past padded.
 */
__attribute__((export_name("rotate_embed")))
void rotate_embed(const uint8_t *src, int width, int height, int channels, int ink, uint8_t *padded) {
  int row = width * channels;
  int paddedRow = (width + 3) * channels;
  uint8_t i0 = ink & 255, i1 = (ink >> 8) & 255, i2 = (ink >> 16) & 255;
  V inks = channels == 1 ? wasm_i8x16_splat(i0)
                         : wasm_i8x16_make(i0, i1, i2, i0, i1, i2, i0, i1, i2, i0, i1, i2, i0, i1, i2, i0);
  int step = channels == 1 ? 16 : 15;
  paint(padded, paddedRow, inks, step); /* the row above */
  for (int y = 0; y < height; y++) {
    uint8_t *at = padded + (y + 1) * paddedRow;
    copyBlocks(at + channels, src + y * row, row);
    /* one background pixel left, two right */
    if (channels == 1) {
      at[0] = at[row + 1] = at[row + 2] = i0;
    } else {
      uint8_t *right = at + 3 + row;
      at[0] = right[0] = right[3] = i0;
      at[1] = right[1] = right[4] = i1;
      at[2] = right[2] = right[5] = i2;
    }
  }
  paint(padded + (height + 1) * paddedRow, 2 * paddedRow, inks, step); /* the two rows below */
}

/*
 * One-channel images, eight pixels at a time: `groups` groups of 8 plan entries (sources[8g..],
 * w12 and w34 likewise) into out[8g..8g + 7]. The two taps of each row are adjacent bytes, loaded
 * as one uint16 lane and widened to int16 beside their coefficients.
 */
__attribute__((export_name("rotate_apply1")))
void rotate_apply1(const int32_t *sources, const int32_t *w12, const int32_t *w34, int groups, const uint8_t *padded,
                   int stride, uint8_t *out) {
  const V half = wasm_i32x4_splat(2048);
  for (int g = 0; g < groups; g++) {
    const int32_t *s = sources + 8 * g;
    const uint8_t *p0 = padded + s[0], *p1 = padded + s[1], *p2 = padded + s[2], *p3 = padded + s[3];
    const uint8_t *p4 = padded + s[4], *p5 = padded + s[5], *p6 = padded + s[6], *p7 = padded + s[7];
    V top = wasm_v128_load16_splat(p0);
    top = wasm_v128_load16_lane(p1, top, 1);
    top = wasm_v128_load16_lane(p2, top, 2);
    top = wasm_v128_load16_lane(p3, top, 3);
    top = wasm_v128_load16_lane(p4, top, 4);
    top = wasm_v128_load16_lane(p5, top, 5);
    top = wasm_v128_load16_lane(p6, top, 6);
    top = wasm_v128_load16_lane(p7, top, 7);
    V bottom = wasm_v128_load16_splat(p0 + stride);
    bottom = wasm_v128_load16_lane(p1 + stride, bottom, 1);
    bottom = wasm_v128_load16_lane(p2 + stride, bottom, 2);
    bottom = wasm_v128_load16_lane(p3 + stride, bottom, 3);
    bottom = wasm_v128_load16_lane(p4 + stride, bottom, 4);
    bottom = wasm_v128_load16_lane(p5 + stride, bottom, 5);
    bottom = wasm_v128_load16_lane(p6 + stride, bottom, 6);
    bottom = wasm_v128_load16_lane(p7 + stride, bottom, 7);
    /* c1·p1 + c2·p2 per pixel from the top pair, c3·p3 + c4·p4 from the bottom pair */
    V lo = wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(top), wasm_v128_load(w12 + 8 * g)),
                          wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(bottom), wasm_v128_load(w34 + 8 * g)));
    V hi = wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(top), wasm_v128_load(w12 + 8 * g + 4)),
                          wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(bottom), wasm_v128_load(w34 + 8 * g + 4)));
    lo = wasm_i32x4_shr(wasm_i32x4_add(lo, half), 12);
    hi = wasm_i32x4_shr(wasm_i32x4_add(hi, half), 12);
    /* 0..255 already: the narrowing saturates nothing */
    V bytes = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(lo, hi), wasm_i16x8_narrow_i32x4(lo, hi));
    wasm_v128_store64_lane(out + 8 * g, bytes, 0);
  }
}

/*
 * Three-channel images, one pixel at a time: the 8 bytes from each row's top-left tap (its pixel
 * and the next), their channels paired (left tap, right tap) as int16 by one swizzle, against the
 * pixel's coefficient pair in every lane. Writes 4 bytes per pixel (the fourth is the next pixel's
 * first, written again after): out needs one byte past 3·count.
 */
__attribute__((export_name("rotate_apply3")))
void rotate_apply3(const int32_t *sources, const int32_t *w12, const int32_t *w34, int count, const uint8_t *padded,
                   int stride, uint8_t *out) {
  const V half = wasm_i32x4_splat(2048);
  /* swizzle indices of 16 and more give 0: the high byte of each int16 lane */
  const V pairsTop = wasm_i8x16_make(0, 16, 3, 16, 1, 16, 4, 16, 2, 16, 5, 16, 16, 16, 16, 16);
  const V pairsBottom = wasm_i8x16_make(8, 16, 11, 16, 9, 16, 12, 16, 10, 16, 13, 16, 16, 16, 16, 16);
  for (int k = 0; k < count; k++) {
    const uint8_t *p = padded + 3 * sources[k];
    V taps = wasm_v128_load64_lane(p + stride, wasm_v128_load64_zero(p), 1);
    V sum = wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_i8x16_swizzle(taps, pairsTop), wasm_i32x4_splat(w12[k])),
                           wasm_i32x4_dot_i16x8(wasm_i8x16_swizzle(taps, pairsBottom), wasm_i32x4_splat(w34[k])));
    sum = wasm_i32x4_shr(wasm_i32x4_add(sum, half), 12);
    V s16 = wasm_i16x8_narrow_i32x4(sum, sum);
    wasm_v128_store32_lane(out + 3 * k, wasm_u8x16_narrow_i16x8(s16, s16), 0);
  }
}
