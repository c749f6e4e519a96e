/*
 * lowResolution.ts's low-resolution corruption in WebAssembly SIMD: libvips' box shrink, its
 * lanczos3 reduction in 12-bit fixed point and its bilinear enlargement, with the plans and tables
 * lowResolution.ts computes (the same taps, weights, sub-pixel phases and edge rules), so the same
 * integer sums and the same bytes (tests/robust/lowResolution.test.ts compares both with sharp and
 * with each other). Built by tools/build/wasm.mjs into lowResolutionModule.ts.
 *
 * Every step of the reduction works on whole rows: a vertical step sums input rows value by value,
 * 16 values (of any channel) at a time, so it needs no channel count; the horizontal reduction
 * runs as the same steps on the image transposed (pixel by pixel), its columns as rows, which is
 * the same arithmetic since both axes extend their edges by copying, and is transposed back.
 *
 * Buffers have 64 bytes of slack past the image: a row is read and written 16 values at a time,
 * the lanes past its end computed from whatever follows and written over the next row's start,
 * which that row (computed later) writes again, or into the slack after the last row.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

#define INTERPOLATE_SHIFT 12
#define INTERPOLATE_HALF (1 << (INTERPOLATE_SHIFT - 1))
/* the most lanczos taps a plan may have here (lowResolution.ts keeps larger plans on JavaScript) */
#define MAX_POINTS 64

/* One axis of the reduction, as lowResolution.ts's ReducePlan (laid out by its wasm path). */
typedef struct {
  int32_t box;        /* the box shrink factor, 1 for none, at most 256 (its sums in 16 bits) */
  int32_t box_length; /* the length after the box shrink */
  int32_t out_length;
  int32_t points;     /* the lanczos taps, made even with a zero weight; 0: the box shrink alone */
  int32_t multiplier; /* the box mean's reciprocal, floor(2^32 / (256 box)) */
  int32_t first;      /* int32[out_length]: the input index of each output's first tap */
  int32_t masks;      /* int16[out_length * points]: each output's weights */
} Reduce;

/* The bilinear enlargement's tables; W c output values a row, in chunks of 8 (an even count). */
typedef struct {
  int32_t rows;      /* int32[3 H]: per output row its two input rows and its 12-bit weight Y */
  int32_t bases;     /* int32[chunks]: per chunk the offset in a row of the first input value it reads */
  int32_t swizzles;  /* v128[chunks]: per chunk the offsets of its values' two inputs from there, interleaved */
  int32_t weights;   /* int16[8 chunks]: per output value its 12-bit weight X */
  int32_t row_step;  /* the length of a row of the reduced image */
} Enlarge;

typedef struct {
  int32_t width, height, channels;
  int32_t vertical;   /* Reduce *, or 0 where the height is kept */
  int32_t horizontal; /* Reduce *, or 0 where the width is kept */
  int32_t enlarge;    /* Enlarge * */
} Job;

static inline int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/*
 * libvips' box shrink (shrinkv, ceil mode) of `rows` rows of `length` values by `b`: per output
 * row the b input rows (the last repeated past the bottom) summed value by value, in 16 bits
 * (b ≤ 256), and the mean floor((sum + ⌊b/2⌋) · multiplier / 2^24), exact in 32 bits since the
 * product stays below 255.5 · 2^24.
 */
static void box_rows(const uint8_t *src, int length, int rows, const Reduce *p, uint8_t *dst) {
  const int b = p->box;
  const V half = wasm_i32x4_splat(b >> 1);
  const V multiplier = wasm_i32x4_splat(p->multiplier);
  for (int y = 0; y < p->box_length; y++) {
    uint8_t *out = dst + y * length;
    for (int z = 0; z < length; z += 16) {
      V lo = wasm_i16x8_splat(0), hi = lo;
      for (int i = 0; i < b; i++) {
        const V v = wasm_v128_load(src + clamp(y * b + i, 0, rows - 1) * length + z);
        lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(v));
        hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(v));
      }
#define MEAN(s) wasm_u32x4_shr(wasm_i32x4_mul(wasm_i32x4_add(s, half), multiplier), 24)
      const V m0 = MEAN(wasm_u32x4_extend_low_u16x8(lo)), m1 = MEAN(wasm_u32x4_extend_high_u16x8(lo));
      const V m2 = MEAN(wasm_u32x4_extend_low_u16x8(hi)), m3 = MEAN(wasm_u32x4_extend_high_u16x8(hi));
#undef MEAN
      wasm_v128_store(out + z, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(m0, m1), wasm_i16x8_narrow_i32x4(m2, m3)));
    }
  }
}

/*
 * The lanczos reduction of `rows` rows of `length` values to p->out_length rows: per output row
 * 2048 plus the weighted input rows (indices clamped to the image: edges copied), two taps at a
 * time as one dot product of interleaved pixels and weights (integer sums in any order are the
 * same sums, far from overflowing 32 bits), then >> 12 and limited to 0–255 by the saturating
 * narrowings.
 */
static void lanczos_rows(const uint8_t *src, int length, int rows, const Reduce *p, uint8_t *dst) {
  const int points = p->points;
  const int32_t *first = (const int32_t *)p->first;
  const int16_t *masks = (const int16_t *)p->masks;
  const uint8_t *tap[MAX_POINTS];
  V weight[MAX_POINTS / 2];
  for (int y = 0; y < p->out_length; y++) {
    const int16_t *mask = masks + y * points;
    for (int i = 0; i < points; i++) tap[i] = src + clamp(first[y] + i, 0, rows - 1) * length;
    for (int i = 0; i < points; i += 2)
      weight[i >> 1] = wasm_i32x4_splat((uint16_t)mask[i] | ((uint32_t)(uint16_t)mask[i + 1] << 16));
    uint8_t *out = dst + y * length;
    for (int z = 0; z < length; z += 16) {
      V s0 = wasm_i32x4_splat(INTERPOLATE_HALF), s1 = s0, s2 = s0, s3 = s0;
      for (int i = 0; i < points; i += 2) {
        const V a = wasm_v128_load(tap[i] + z), b = wasm_v128_load(tap[i + 1] + z);
        const V lo = wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const V hi = wasm_i8x16_shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        const V w = weight[i >> 1];
        s0 = wasm_i32x4_add(s0, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(lo), w));
        s1 = wasm_i32x4_add(s1, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(lo), w));
        s2 = wasm_i32x4_add(s2, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(hi), w));
        s3 = wasm_i32x4_add(s3, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(hi), w));
      }
      s0 = wasm_i32x4_shr(s0, INTERPOLATE_SHIFT);
      s1 = wasm_i32x4_shr(s1, INTERPOLATE_SHIFT);
      s2 = wasm_i32x4_shr(s2, INTERPOLATE_SHIFT);
      s3 = wasm_i32x4_shr(s3, INTERPOLATE_SHIFT);
      wasm_v128_store(out + z, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(s0, s1), wasm_i16x8_narrow_i32x4(s2, s3)));
    }
  }
}

/* `rows` rows of `columns` pixels of `channels` values into `columns` rows of `rows` pixels. */
static void transpose(const uint8_t *src, int rows, int columns, int channels, uint8_t *dst) {
  if (channels == 1) {
    for (int x = 0; x < columns; x++)
      for (int y = 0; y < rows; y++) dst[x * rows + y] = src[y * columns + x];
  } else if (channels == 3) {
    for (int x = 0; x < columns; x++)
      for (int y = 0; y < rows; y++) {
        const uint8_t *s = src + (y * columns + x) * 3;
        uint8_t *d = dst + (x * rows + y) * 3;
        d[0] = s[0];
        d[1] = s[1];
        d[2] = s[2];
      }
  } else {
    for (int x = 0; x < columns; x++)
      for (int y = 0; y < rows; y++)
        for (int c = 0; c < channels; c++) dst[(x * rows + y) * channels + c] = src[(y * columns + x) * channels + c];
  }
}

/* One axis reduced (box shrink, then lanczos) in rows, ping-ponging between buffers a and b. */
static const uint8_t *reduce(const uint8_t *src, int length, int rows, const Reduce *p, uint8_t *a, uint8_t *b) {
  if (p->box > 1) {
    uint8_t *dst = src == a ? b : a;
    box_rows(src, length, rows, p, dst);
    src = dst;
    rows = p->box_length;
  }
  if (p->points > 0) {
    uint8_t *dst = src == a ? b : a;
    lanczos_rows(src, length, rows, p, dst);
    src = dst;
  }
  return src;
}

/*
 * The bilinear enlargement of the reduced image (its rows `row_step` values apart) to
 * height × span values. Per output row, the corner weights of libvips' bilinear interpolator,
 * c4 = (Y·X) >> 12, c2 = ((4096 − Y)·X) >> 12, c1 = 4096 − Y − c2, c3 = Y − c4, for 16 values
 * at a time, and (c1·p1 + c2·p2 + c3·p3 + c4·p4 + 2048) >> 12 as two dot products of pixel and
 * weight pairs. An enlargement moves at most one input pixel per output pixel, so the two inputs
 * of 8 consecutive output values lie within 16 bytes of a row: one load from the chunk's base and
 * one swizzle give their pairs (p1, p2), interleaved as the dot product wants them.
 */
static void enlarge(const uint8_t *small, int height, int span, const Enlarge *e, uint8_t *dst) {
  const int32_t *rows = (const int32_t *)e->rows;
  const int32_t *bases = (const int32_t *)e->bases;
  const V *swizzles = (const V *)e->swizzles;
  const int16_t *weights = (const int16_t *)e->weights;
  const V half = wasm_i32x4_splat(INTERPOLATE_HALF);
  for (int y = 0; y < height; y++) {
    const uint8_t *row0 = small + rows[3 * y] * e->row_step;
    const uint8_t *row1 = small + rows[3 * y + 1] * e->row_step;
    const int Y = rows[3 * y + 2];
    const V vy = wasm_i16x8_splat(Y), vyd = wasm_i16x8_splat((1 << INTERPOLATE_SHIFT) - Y);
    uint8_t *out = dst + y * span;
    for (int k = 0; k < span; k += 16) {
      V sums[4];
      for (int h = 0; h < 2; h++) {
        const int chunk = (k >> 3) + h;
        const V x = wasm_v128_load(weights + 8 * chunk);
        const V c2 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(wasm_i32x4_extmul_low_i16x8(vyd, x), INTERPOLATE_SHIFT),
                                             wasm_i32x4_shr(wasm_i32x4_extmul_high_i16x8(vyd, x), INTERPOLATE_SHIFT));
        const V c4 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(wasm_i32x4_extmul_low_i16x8(vy, x), INTERPOLATE_SHIFT),
                                             wasm_i32x4_shr(wasm_i32x4_extmul_high_i16x8(vy, x), INTERPOLATE_SHIFT));
        const V c1 = wasm_i16x8_sub(vyd, c2), c3 = wasm_i16x8_sub(vy, c4);
        const V w12lo = wasm_i16x8_shuffle(c1, c2, 0, 8, 1, 9, 2, 10, 3, 11);
        const V w12hi = wasm_i16x8_shuffle(c1, c2, 4, 12, 5, 13, 6, 14, 7, 15);
        const V w34lo = wasm_i16x8_shuffle(c3, c4, 0, 8, 1, 9, 2, 10, 3, 11);
        const V w34hi = wasm_i16x8_shuffle(c3, c4, 4, 12, 5, 13, 6, 14, 7, 15);
        const int base = bases[chunk];
        const V p0 = wasm_i8x16_swizzle(wasm_v128_load(row0 + base), swizzles[chunk]);
        const V p1 = wasm_i8x16_swizzle(wasm_v128_load(row1 + base), swizzles[chunk]);
        const V lo = wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(p0), w12lo),
                                    wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(p1), w34lo));
        const V hi = wasm_i32x4_add(wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(p0), w12hi),
                                    wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(p1), w34hi));
        sums[2 * h] = wasm_i32x4_shr(wasm_i32x4_add(lo, half), INTERPOLATE_SHIFT);
        sums[2 * h + 1] = wasm_i32x4_shr(wasm_i32x4_add(hi, half), INTERPOLATE_SHIFT);
      }
      wasm_v128_store(out + k, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(sums[0], sums[1]),
                                                       wasm_i16x8_narrow_i32x4(sums[2], sums[3])));
    }
  }
}

/*
 * The corruption of `src` by a job lowResolution.ts laid out: a and b are scratch images (the
 * input's size plus slack), dst the output.
 */
__attribute__((export_name("low_resolution"))) void low_resolution(const Job *job, const uint8_t *src, uint8_t *a,
                                                                   uint8_t *b, uint8_t *dst) {
  const int channels = job->channels;
  int columns = job->width, rows = job->height;
  const uint8_t *cur = src;
  if (job->vertical) {
    const Reduce *p = (const Reduce *)job->vertical;
    cur = reduce(cur, columns * channels, rows, p, a, b);
    rows = p->out_length;
  }
  if (job->horizontal) {
    const Reduce *p = (const Reduce *)job->horizontal;
    uint8_t *t = cur == a ? b : a;
    transpose(cur, rows, columns, channels, t);
    cur = reduce(t, rows * channels, columns, p, a, b);
    t = cur == a ? b : a;
    transpose(cur, p->out_length, rows, channels, t);
    cur = t;
  }
  enlarge(cur, job->height, job->width * channels, (const Enlarge *)job->enlarge, dst);
}
