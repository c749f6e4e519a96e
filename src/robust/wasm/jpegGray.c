/*
 * jpegGray.ts's JPEG round trip of a one-channel image in WebAssembly SIMD, computed for several
 * qualities from one forward DCT per block: the same integer steps (jpeg_fdct_islow, the encoder's
 * reciprocal quantization, jpeg_idct_islow, the samples limited to 0..255), four lanes of int32 at a
 * time, so the same bytes (tests/robust/wasmKernels.test.ts compares them with jpegGray.ts, which
 * tests/robust/jpegGray.test.ts compares with sharp). Built by tools/build/wasm.mjs into
 * jpegGrayModule.ts.
 */
#include <stdint.h>
#include <wasm_simd128.h>
#define FIX_0_298631336 2446
#define FIX_0_390180644 3196
#define FIX_0_541196100 4433
#define FIX_0_765366865 6270
#define FIX_0_899976223 7373
#define FIX_1_175875602 9633
#define FIX_1_501321110 12299
#define FIX_1_847759065 15137
#define FIX_1_961570560 16069
#define FIX_2_053119869 16819
#define FIX_2_562915447 20995
#define FIX_3_072711026 25172
#define CONST_BITS 13
#define PASS1_BITS 2

typedef v128_t V;
#define ADD wasm_i32x4_add
#define SUB wasm_i32x4_sub
#define MULC(a, c) wasm_i32x4_mul(a, wasm_i32x4_splat(c))
#define SHR(a, n) wasm_i32x4_shr(a, n)
#define SPL wasm_i32x4_splat

/* jpeg_fdct_islow's 8-point DCT of four lines at once: d[k] holds sample k of each line. */
static inline void fdct8(V *d, int up_shift, int down, int n) {
  V tmp0 = ADD(d[0], d[7]), tmp7 = SUB(d[0], d[7]);
  V tmp1 = ADD(d[1], d[6]), tmp6 = SUB(d[1], d[6]);
  V tmp2 = ADD(d[2], d[5]), tmp5 = SUB(d[2], d[5]);
  V tmp3 = ADD(d[3], d[4]), tmp4 = SUB(d[3], d[4]);
  V tmp10 = ADD(tmp0, tmp3), tmp13 = SUB(tmp0, tmp3);
  V tmp11 = ADD(tmp1, tmp2), tmp12 = SUB(tmp1, tmp2);
  V rd = SPL(down > 0 ? 1 << (down - 1) : 0);
  d[0] = SHR(ADD(wasm_i32x4_shl(ADD(tmp10, tmp11), up_shift), rd), down);
  d[4] = SHR(ADD(wasm_i32x4_shl(SUB(tmp10, tmp11), up_shift), rd), down);
  V half = SPL(1 << (n - 1));
  V e1 = MULC(ADD(tmp12, tmp13), FIX_0_541196100);
  d[2] = SHR(ADD(ADD(e1, MULC(tmp13, FIX_0_765366865)), half), n);
  d[6] = SHR(ADD(SUB(e1, MULC(tmp12, FIX_1_847759065)), half), n);
  V z5 = MULC(ADD(ADD(tmp4, tmp6), ADD(tmp5, tmp7)), FIX_1_175875602);
  V z1 = MULC(ADD(tmp4, tmp7), -FIX_0_899976223);
  V z2 = MULC(ADD(tmp5, tmp6), -FIX_2_562915447);
  V z3 = ADD(MULC(ADD(tmp4, tmp6), -FIX_1_961570560), z5);
  V z4 = ADD(MULC(ADD(tmp5, tmp7), -FIX_0_390180644), z5);
  d[7] = SHR(ADD(ADD(ADD(MULC(tmp4, FIX_0_298631336), z1), z3), half), n);
  d[5] = SHR(ADD(ADD(ADD(MULC(tmp5, FIX_2_053119869), z2), z4), half), n);
  d[3] = SHR(ADD(ADD(ADD(MULC(tmp6, FIX_3_072711026), z2), z3), half), n);
  d[1] = SHR(ADD(ADD(ADD(MULC(tmp7, FIX_1_501321110), z1), z4), half), n);
}

/* jpeg_idct_islow's 8-point inverse DCT of four lines at once, descaled by n bits, plus offset. */
static inline void idct8(V *d, int n, int offset) {
  V half = SPL(1 << (n - 1));
  V i0 = d[0], i1 = d[1], i2 = d[2], i3 = d[3], i4 = d[4], i5 = d[5], i6 = d[6], i7 = d[7];
  V e1 = MULC(ADD(i2, i6), FIX_0_541196100);
  V e2 = SUB(e1, MULC(i6, FIX_1_847759065));
  V e3 = ADD(e1, MULC(i2, FIX_0_765366865));
  V e0 = ADD(wasm_i32x4_shl(ADD(i0, i4), CONST_BITS), half);
  V e4 = ADD(wasm_i32x4_shl(SUB(i0, i4), CONST_BITS), half);
  V tmp10 = ADD(e0, e3), tmp13 = SUB(e0, e3), tmp11 = ADD(e4, e2), tmp12 = SUB(e4, e2);
  V z5 = MULC(ADD(ADD(i7, i3), ADD(i5, i1)), FIX_1_175875602);
  V z1 = MULC(ADD(i7, i1), -FIX_0_899976223);
  V z2 = MULC(ADD(i5, i3), -FIX_2_562915447);
  V z3 = ADD(MULC(ADD(i7, i3), -FIX_1_961570560), z5);
  V z4 = ADD(MULC(ADD(i5, i1), -FIX_0_390180644), z5);
  V o0 = ADD(ADD(MULC(i7, FIX_0_298631336), z1), z3);
  V o1 = ADD(ADD(MULC(i5, FIX_2_053119869), z2), z4);
  V o2 = ADD(ADD(MULC(i3, FIX_3_072711026), z2), z3);
  V o3 = ADD(ADD(MULC(i1, FIX_1_501321110), z1), z4);
  V off = SPL(offset);
  d[0] = ADD(SHR(ADD(tmp10, o3), n), off);
  d[7] = ADD(SHR(SUB(tmp10, o3), n), off);
  d[1] = ADD(SHR(ADD(tmp11, o2), n), off);
  d[6] = ADD(SHR(SUB(tmp11, o2), n), off);
  d[2] = ADD(SHR(ADD(tmp12, o1), n), off);
  d[5] = ADD(SHR(SUB(tmp12, o1), n), off);
  d[3] = ADD(SHR(ADD(tmp13, o0), n), off);
  d[4] = ADD(SHR(SUB(tmp13, o0), n), off);
}

/* Transposes an 8x8 block of int32 held as 16 vectors: b[r*2 + h] is row r, columns 4h..4h+3. */
static inline void transpose4(V *a, V *b, V *c, V *d) {
  V t0 = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5);
  V t1 = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
  V t2 = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5);
  V t3 = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
  *a = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  *b = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  *c = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  *d = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}
/* m[r][h]: row r, half h. After: m holds the transpose. */
static inline void transpose8(V m[8][2]) {
  transpose4(&m[0][0], &m[1][0], &m[2][0], &m[3][0]);
  transpose4(&m[4][1], &m[5][1], &m[6][1], &m[7][1]);
  transpose4(&m[0][1], &m[1][1], &m[2][1], &m[3][1]);
  transpose4(&m[4][0], &m[5][0], &m[6][0], &m[7][0]);
  for (int r = 0; r < 4; r++) { V t = m[r][1]; m[r][1] = m[r + 4][0]; m[r + 4][0] = t; }
}

/*
 * src: width*height gray bytes. tables: nq × 4 × 64 int32 (quant, recip, corr, shift per quality).
 * dst: nq images of width*height bytes, one after another.
 */
__attribute__((export_name("jpeg_gray")))
void jpeg_gray(const uint8_t *src, int width, int height, const int32_t *tables, int nq, uint8_t *dst) {
  int plane = width * height;
  for (int by = 0; by < height; by += 8) {
    for (int bx = 0; bx < width; bx += 8) {
      int32_t blk[64];
      for (int y = 0; y < 8; y++) {
        int sy = by + y < height ? by + y : height - 1;
        const uint8_t *row = src + sy * width;
        for (int x = 0; x < 8; x++) {
          int sx = bx + x < width ? bx + x : width - 1;
          blk[y * 8 + x] = (int)row[sx] - 128;
        }
      }
      /* rows: transpose so the lanes are rows, DCT over columns index k */
      V m[8][2];
      for (int r = 0; r < 8; r++) { m[r][0] = wasm_v128_load(blk + r * 8); m[r][1] = wasm_v128_load(blk + r * 8 + 4); }
      transpose8(m); /* m[k] now = column k of all rows -> fdct over k processes each row */
      V a[8], b[8];
      for (int k = 0; k < 8; k++) { a[k] = m[k][0]; b[k] = m[k][1]; }
      fdct8(a, PASS1_BITS, 0, CONST_BITS - PASS1_BITS);
      fdct8(b, PASS1_BITS, 0, CONST_BITS - PASS1_BITS);
      /* now a[k]/b[k] = coefficient k of rows 0-3 / 4-7. Columns pass: need lanes = columns. transpose back. */
      for (int k = 0; k < 8; k++) { m[k][0] = a[k]; m[k][1] = b[k]; }
      transpose8(m); /* m[r][h] = row r, coefficients 4h..4h+3 */
      for (int r = 0; r < 8; r++) { a[r] = m[r][0]; b[r] = m[r][1]; }
      fdct8(a, 0, PASS1_BITS, CONST_BITS + PASS1_BITS);
      fdct8(b, 0, PASS1_BITS, CONST_BITS + PASS1_BITS);
      /* a[r] lanes c=0..3, b[r] lanes c=4..7: coefficient (r, c) */
      int h = height - by < 8 ? height - by : 8;
      int w = width - bx < 8 ? width - bx : 8;
      for (int q = 0; q < nq; q++) {
        const int32_t *t = tables + q * 256;
        V qa[8], qb[8];
        for (int r = 0; r < 8; r++) {
          for (int hh = 0; hh < 2; hh++) {
            V v = hh ? b[r] : a[r];
            int i = r * 8 + hh * 4;
            V av = wasm_i32x4_abs(v);
            V prod = wasm_i32x4_mul(ADD(av, wasm_v128_load(t + 128 + i)), wasm_v128_load(t + 64 + i));
            /* unsigned shift right by per-lane shift */
            int32_t p[4]; wasm_v128_store(p, prod);
            int32_t s[4]; wasm_v128_store(s, wasm_v128_load(t + 192 + i));
            V qv = wasm_i32x4_make((int32_t)((uint32_t)p[0] >> s[0]), (int32_t)((uint32_t)p[1] >> s[1]), (int32_t)((uint32_t)p[2] >> s[2]), (int32_t)((uint32_t)p[3] >> s[3]));
            V neg = wasm_i32x4_lt(v, wasm_i32x4_splat(0));
            qv = wasm_v128_bitselect(wasm_i32x4_neg(qv), qv, neg);
            qv = wasm_i32x4_mul(qv, wasm_v128_load(t + i));
            if (hh) qb[r] = qv; else qa[r] = qv;
          }
        }
        /* inverse: pass 1 columns (lanes = columns): idct over r */
        idct8(qa, CONST_BITS - PASS1_BITS, 0);
        idct8(qb, CONST_BITS - PASS1_BITS, 0);
        V mm[8][2];
        for (int r = 0; r < 8; r++) { mm[r][0] = qa[r]; mm[r][1] = qb[r]; }
        transpose8(mm);
        for (int k = 0; k < 8; k++) { qa[k] = mm[k][0]; qb[k] = mm[k][1]; }
        idct8(qa, CONST_BITS + PASS1_BITS + 3, 128);
        idct8(qb, CONST_BITS + PASS1_BITS + 3, 128);
        /* qa[k] lanes = rows 0..3 at column k; qb rows 4..7. transpose back to rows */
        for (int k = 0; k < 8; k++) { mm[k][0] = qa[k]; mm[k][1] = qb[k]; }
        transpose8(mm);
        uint8_t *out = dst + q * plane;
        for (int y = 0; y < h; y++) {
          V lo = mm[y][0], hi = mm[y][1];
          V s16 = wasm_i16x8_narrow_i32x4(lo, hi);
          V u8 = wasm_u8x16_narrow_i16x8(s16, s16);
          uint8_t tmp[16]; wasm_v128_store(tmp, u8);
          uint8_t *o = out + (by + y) * width + bx;
          for (int x = 0; x < w; x++) o[x] = tmp[x];
        }
      }
    }
  }
}
