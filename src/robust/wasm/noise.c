/*
 * corruptions.ts's Gaussian noise in WebAssembly SIMD: the standard normal draws of one image
 * (noiseDrawsSeeded) and addNoise at several severities from them, in one call.
 *
 * The draws. Each is sqrt(−2·log(max(u, 1e−12)))·cos(2π·v) with u, v two consecutive outputs of
 * src/base/prng.ts's mulberry32 divided by 2³². mulberry32 is 32-bit integer arithmetic (Math.imul
 * is the low half of the product; the one sum that JavaScript adds in doubles, t + Math.imul(…),
 * is exact below 2³³ and then cut to 32 bits by ^=, the same as a wrapped uint32 sum). sqrt, the
 * products and the division by 2³² are single IEEE operations. Math.log and Math.cos are not: on
 * Node 20 V8 computes them with its port of fdlibm (v8/src/base/ieee754.cc, log from e_log.c, cos
 * from s_cos.c with __ieee754_rem_pio2, __kernel_cos and __kernel_sin), and fdlog / fdcos below
 * are those routines, operation for operation, for the arguments that occur here: log on
 * [1e−12, 1) and cos on [0, 2π). With no fused multiply-add (-ffp-contract=off; wasm has none) each
 * operation rounds as in C, so they give the same doubles. The SIMD loop computes two draws per
 * f64x2 operation along fdlibm's common path (both sides of a branch, then a select) and leaves the
 * rare cases to the scalar routines: log where x is within a factor 1 ± 2⁻²⁰ of a power of two,
 * and cos where x is within 2⁻¹⁶ of a multiple of π/2 (fdlibm refines its reduction there). For
 * every one of the 2³² arguments each can get here (u and v are k/2³²), log and cos were compared
 * with Node 20's Math.log and Math.cos and gave the same double. A newer V8 may compute Math.cos
 * another way, so corruptions.ts compares these functions with Math.log and Math.cos when it loads
 * the module and uses them only where they agree.
 *
 * The noise. Per value x = pixel + σ·draw in double precision (the same two IEEE operations as
 * JavaScript's), rounded half up as ⌊x⌋ + (x − ⌊x⌋ ≥ 0.5) — Math.round(x) for x ≥ 0, and ≤ 0
 * below, where both clip to 0 — and clipped to 0..255; two values per f64x2 operation.
 *
 * tests/robust/kernelRewrites.test.ts compares the draws with noiseDraws and the noise with
 * addNoise. Built by tools/build/wasm.mjs.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t V;

static inline uint32_t high_word(double x) { return (uint32_t)(__builtin_bit_cast(uint64_t, x) >> 32); }

static inline double with_high_word(double x, uint32_t high) {
  uint64_t bits = __builtin_bit_cast(uint64_t, x);
  return __builtin_bit_cast(double, (bits & 0xffffffffu) | (uint64_t)high << 32);
}

/* ---- fdlibm's log (e_log.c) for a normal x in (0, 1) ---- */

static const double ln2_hi = 6.93147180369123816490e-01; /* 3fe62e42 fee00000 */
static const double ln2_lo = 1.90821492927058770002e-10; /* 3dea39ef 35793c76 */
static const double Lg1 = 6.666666666666735130e-01;      /* 3FE55555 55555593 */
static const double Lg2 = 3.999999999940941908e-01;      /* 3FD99999 9997FA04 */
static const double Lg3 = 2.857142874366239149e-01;      /* 3FD24924 94229359 */
static const double Lg4 = 2.222219843214978396e-01;      /* 3FCC71C5 1D8E78AF */
static const double Lg5 = 1.818357216161805012e-01;      /* 3FC74664 96CB03DE */
static const double Lg6 = 1.531383769920937332e-01;      /* 3FC39A09 D078C69F */
static const double Lg7 = 1.479819860511658591e-01;      /* 3FC2F112 DF3E5244 */

/* x = 2^k·(1 + f) with √2/2 < 1 + f < √2; log(x) = k·ln2 + log(1 + f) from s = f/(2 + f). */
static double fdlog(double x) {
  int32_t hx = (int32_t)high_word(x);
  int32_t k = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = with_high_word(x, (uint32_t)(hx | (i ^ 0x3ff00000))); /* normalize x or x/2 */
  k += i >> 20;
  double f = x - 1.0;
  double dk;
  if ((0x000fffff & (2 + hx)) < 3) { /* -2**-20 <= f < 2**-20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  double s = f / (2.0 + f);
  dk = (double)k;
  double z = s * s;
  i = hx - 0x6147a;
  double w = z * z;
  int32_t j = 0x6b851 - hx;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  double R = t2 + t1;
  if (i > 0) {
    double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/* ---- fdlibm's cos (s_cos.c, k_cos.c, k_sin.c, e_rem_pio2.c) for x in [0, 2^19·π/2] ---- */

static const double C1 = 4.16666666666666019037e-02;  /* 0x3FA55555, 0x5555554C */
static const double C2 = -1.38888888888741095749e-03; /* 0xBF56C16C, 0x16C15177 */
static const double C3 = 2.48015872894767294178e-05;  /* 0x3EFA01A0, 0x19CB1590 */
static const double C4 = -2.75573143513906633035e-07; /* 0xBE927E4F, 0x809C52AD */
static const double C5 = 2.08757232129817482790e-09;  /* 0x3E21EE9E, 0xBDB4B1C4 */
static const double C6 = -1.13596475577881948265e-11; /* 0xBDA8FAE9, 0xBE8838D4 */
static const double S1 = -1.66666666666666324348e-01; /* 0xBFC55555, 0x55555549 */
static const double S2 = 8.33333333332248946124e-03;  /* 0x3F811111, 0x1110F8A6 */
static const double S3 = -1.98412698298579493134e-04; /* 0xBF2A01A0, 0x19C161D5 */
static const double S4 = 2.75573137070700676789e-06;  /* 0x3EC71DE3, 0x57B1FE7D */
static const double S5 = -2.50507602534068634195e-08; /* 0xBE5AE5E6, 0x8A2B9CEB */
static const double S6 = 1.58969099521155010221e-10;  /* 0x3DE5D93A, 0x5ACFD57C */
static const double invpio2 = 6.36619772367581382433e-01; /* 0x3FE45F30, 0x6DC9C883 */
static const double pio2_1 = 1.57079632673412561417e+00;  /* 0x3FF921FB, 0x54400000 */
static const double pio2_1t = 6.07710050650619224932e-11; /* 0x3DD0B461, 0x1A626331 */
static const double pio2_2 = 6.07710050630396597660e-11;  /* 0x3DD0B461, 0x1A600000 */
static const double pio2_2t = 2.02226624879595063154e-21; /* 0x3BA3198A, 0x2E037073 */
static const double pio2_3 = 2.02226624871116645580e-21;  /* 0x3BA3198A, 0x2E000000 */
static const double pio2_3t = 8.47842766036889956997e-32; /* 0x397B839A, 0x252049C1 */

/* cos(x + y) for |x| ≲ π/4, y the tail of x: 1 − x²/2 + x⁴·P(x²), with an exact 1 − qx split above 0.3. */
static double kernel_cos(double x, double y) {
  int32_t ix = (int32_t)(high_word(x) & 0x7fffffff);
  if (ix < 0x3e400000) return 1.0; /* |x| < 2**-27: (int)x == 0 */
  double z = x * x;
  double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1.0 - (0.5 * z - (z * r - x * y)); /* |x| < 0.3 */
  double qx = ix > 0x3fe90000 ? 0.28125 : __builtin_bit_cast(double, (uint64_t)(uint32_t)(ix - 0x00200000) << 32);
  double iz = 0.5 * z - qx;
  double a = 1.0 - qx;
  return a - (iz - (z * r - x * y));
}

/* sin(x + y) for |x| ≲ π/4, y the tail of x (fdlibm's iy = 1). */
static double kernel_sin(double x, double y) {
  int32_t ix = (int32_t)(high_word(x) & 0x7fffffff);
  if (ix < 0x3e400000) return x; /* |x| < 2**-27: (int)x == 0 */
  double z = x * x;
  double v = z * x;
  double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/* High words of n·π/2, n = 1…32: where the first reduction of __ieee754_rem_pio2 may cancel. */
static const int32_t npio2_hw[] = {
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB, 0x402921FB,
    0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB,
    0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
    0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
};

/* __ieee754_rem_pio2 for π/4 < x ≤ 2^19·π/2: x − n·π/2 = y[0] + y[1], returns n. */
static int32_t rem_pio2(double x, double *y) {
  int32_t ix = (int32_t)(high_word(x) & 0x7fffffff);
  if (ix < 0x4002d97c) { /* |x| < 3pi/4, n = 1 */
    double z = x - pio2_1;
    if (ix != 0x3ff921fb) { /* 33+53 bit pi is good enough */
      y[0] = z - pio2_1t;
      y[1] = (z - y[0]) - pio2_1t;
    } else { /* near pi/2, use 33+33+53 bit pi */
      z -= pio2_2;
      y[0] = z - pio2_2t;
      y[1] = (z - y[0]) - pio2_2t;
    }
    return 1;
  }
  int32_t n = (int32_t)(x * invpio2 + 0.5);
  double fn = (double)n;
  double r = x - fn * pio2_1;
  double w = fn * pio2_1t; /* 1st round good to 85 bit */
  if (n < 32 && ix != npio2_hw[n - 1]) {
    y[0] = r - w; /* quick check no cancellation */
  } else {
    int32_t j = ix >> 20;
    y[0] = r - w;
    int32_t i = j - (int32_t)((high_word(y[0]) >> 20) & 0x7ff);
    if (i > 16) { /* 2nd iteration needed, good to 118 */
      double t = r;
      w = fn * pio2_2;
      r = t - w;
      w = fn * pio2_2t - ((t - r) - w);
      y[0] = r - w;
      i = j - (int32_t)((high_word(y[0]) >> 20) & 0x7ff);
      if (i > 49) { /* 3rd iteration need, 151 bits acc */
        t = r;
        w = fn * pio2_3;
        r = t - w;
        w = fn * pio2_3t - ((t - r) - w);
        y[0] = r - w;
      }
    }
  }
  y[1] = (r - y[0]) - w;
  return n;
}

static double fdcos(double x) {
  if ((high_word(x) & 0x7fffffff) <= 0x3fe921fb) return kernel_cos(x, 0.0); /* |x| ~< pi/4 */
  double y[2];
  switch (rem_pio2(x, y) & 3) {
    case 0:
      return kernel_cos(y[0], y[1]);
    case 1:
      return -kernel_sin(y[0], y[1]);
    case 2:
      return -kernel_cos(y[0], y[1]);
    default:
      return kernel_sin(y[0], y[1]);
  }
}

/* ---- the draws ---- */

static const double TWO_PI = 6.283185307179586;    /* 2 * Math.PI, exact */
static const double TWO_M32 = 2.3283064365386963e-10; /* 2**-32: u / 4294967296 exactly */
static const uint32_t STEP = 0x6d2b79f5;

static inline uint32_t mulberry_out(uint32_t a) {
  uint32_t t = a;
  t = (t ^ (t >> 15)) * (t | 1);
  t ^= t + (t ^ (t >> 7)) * (t | 61);
  return t ^ (t >> 14);
}

static inline double draw_of(uint32_t first, uint32_t second) {
  double u = (double)first * TWO_M32;
  if (u < 1e-12) u = 1e-12; /* Math.max(u, 1e-12) */
  double v = (double)second * TWO_M32;
  return __builtin_sqrt(-2.0 * fdlog(u)) * fdcos(TWO_PI * v);
}

static inline V mulberry_out4(V a) {
  V t = a;
  t = wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 15)), wasm_v128_or(t, wasm_i32x4_splat(1)));
  t = wasm_v128_xor(t, wasm_i32x4_add(t, wasm_i32x4_mul(wasm_v128_xor(t, wasm_u32x4_shr(t, 7)),
                                                        wasm_v128_or(t, wasm_i32x4_splat(61)))));
  return wasm_v128_xor(t, wasm_u32x4_shr(t, 14));
}

#define F2 wasm_f64x2_splat
#define ADD wasm_f64x2_add
#define SUB wasm_f64x2_sub
#define MUL wasm_f64x2_mul
#define I2 wasm_i64x2_splat
/* the double whose bits are `bits` */
#define D2(bits) wasm_f64x2_splat(__builtin_bit_cast(double, (uint64_t)(bits)))

/*
 * fdlog along its common path for two x in [1e−12, 1), its word operations done on the 64-bit
 * lanes. Flagged in *rare: |f| ≤ 2⁻²⁰, which holds wherever fdlog takes its |f| < 2⁻²⁰ path. k is
 * converted as the double 2⁵² + (k + 1023) less 2⁵² + 1023 (exact). Where k = 0 fdlog returns
 * f − B for B = hfsq − s·(hfsq + R) (or B = s·(f − R)); the k ≠ 0 form 0·ln2_hi − ((B + 0·ln2_lo) − f)
 * is the same double (a − b = −(b − a) in round to nearest, and +0 − (+0) = +0 where f = B), so
 * the k ≠ 0 form serves both.
 */
static inline V log2x(V x, V *rare) {
  V hx = wasm_v128_and(wasm_u64x2_shr(x, 32), I2(0x000fffff));
  V i = wasm_v128_and(wasm_i64x2_add(hx, I2(0x95f64)), I2(0x100000));
  /* x or x/2 normalized: the high word hx | (i ^ 0x3ff00000) */
  V xn = wasm_v128_or(wasm_v128_and(x, I2(0x000fffffffffffffll)), wasm_i64x2_shl(wasm_v128_xor(i, I2(0x3ff00000)), 32));
  V biased = wasm_i64x2_add(wasm_u64x2_shr(x, 52), wasm_u64x2_shr(i, 20)); /* k + 1023 */
  V dk = SUB(wasm_v128_or(biased, I2(0x4330000000000000ll)), F2(4503599627371519.0)); /* 2^52 + 1023 */
  V f = SUB(xn, F2(1.0));
  *rare = wasm_v128_or(*rare, wasm_f64x2_le(wasm_f64x2_abs(f), F2(0x1p-20)));
  V s = wasm_f64x2_div(f, ADD(F2(2.0), f));
  V z = MUL(s, s);
  V w = MUL(z, z);
  V t1 = MUL(w, ADD(F2(Lg2), MUL(w, ADD(F2(Lg4), MUL(w, F2(Lg6))))));
  V t2 = MUL(z, ADD(F2(Lg1), MUL(w, ADD(F2(Lg3), MUL(w, ADD(F2(Lg5), MUL(w, F2(Lg7))))))));
  V ij = wasm_v128_or(wasm_i64x2_sub(hx, I2(0x6147a)), wasm_i64x2_sub(I2(0x6b851), hx));
  V big = wasm_i64x2_gt(ij, I2(0));
  V R = ADD(t2, t1);
  V hfsq = MUL(MUL(F2(0.5), f), f);
  V b1 = SUB(hfsq, ADD(MUL(s, ADD(hfsq, R)), MUL(dk, F2(ln2_lo))));
  V b0 = SUB(MUL(s, SUB(f, R)), MUL(dk, F2(ln2_lo)));
  return SUB(MUL(dk, F2(ln2_hi)), SUB(wasm_v128_bitselect(b1, b0, big), f));
}

/*
 * fdcos along its common path for two x in [0, 2π). For n = 0 (x ≲ π/4) and n = 1 (x < 3π/4)
 * __ieee754_rem_pio2's steps are the medium case's with fn = 0 and 1 (x − 0·pio2_1 = x,
 * y[1] = (x − x) − 0 = 0, as __kernel_cos(x, 0) is called), so one form serves all three; its
 * (int)(x·2/π + 0.5) is a floor here (x ≥ 0), and n's low bits are read from fn + 2⁵². fdlibm's
 * tests of high words are comparisons of x with the least double of the next high word. Flagged
 * in *rare: |y[0]| < 2⁻¹⁶, which holds where x has the high word of n·π/2 (|x − n·π/2| < 2⁻¹⁸,
 * where fdlibm refines the reduction) and where the kernels return early (|y[0]| < 2⁻²⁷).
 */
static inline V cos2x(V x, V *rare) {
  V fn = wasm_f64x2_floor(ADD(MUL(x, F2(invpio2)), F2(0.5)));
  fn = wasm_v128_bitselect(F2(1.0), fn, wasm_f64x2_lt(x, D2(0x4002d97c00000000ll))); /* high word < 0x4002d97c */
  fn = wasm_v128_andnot(fn, wasm_f64x2_lt(x, D2(0x3fe921fc00000000ll)));           /* high word ≤ 0x3fe921fb */
  V n = ADD(fn, F2(0x1p52));
  V r = SUB(x, MUL(fn, F2(pio2_1)));
  V w = MUL(fn, F2(pio2_1t));
  V y0 = SUB(r, w);
  V y1 = SUB(SUB(r, y0), w);
  V ay = wasm_f64x2_abs(y0);
  *rare = wasm_v128_or(*rare, wasm_f64x2_lt(ay, F2(0x1p-16)));
  V z = MUL(y0, y0);
  /* __kernel_cos */
  V rc = MUL(z, ADD(F2(C1), MUL(z, ADD(F2(C2), MUL(z, ADD(F2(C3), MUL(z, ADD(F2(C4), MUL(z, ADD(F2(C5), MUL(z, F2(C6))))))))))));
  V tail = SUB(MUL(z, rc), MUL(y0, y1));
  V hz = MUL(F2(0.5), z);
  V c_small = SUB(F2(1.0), SUB(hz, tail));
  /* qx: 0.28125 above high word 0x3fe90000, else |y0|/4 with the low word cleared */
  V quarter = wasm_i64x2_sub(wasm_v128_and(ay, I2(0xffffffff00000000ll)), I2(0x0020000000000000ll));
  V qx = wasm_v128_bitselect(F2(0.28125), quarter, wasm_f64x2_gt(ay, D2(0x3fe90000ffffffffll)));
  V c_big = SUB(SUB(F2(1.0), qx), SUB(SUB(hz, qx), tail));
  V c = wasm_v128_bitselect(c_small, c_big, wasm_f64x2_lt(ay, D2(0x3fd3333300000000ll))); /* high word < 0x3fd33333 */
  /* __kernel_sin with iy = 1 */
  V v = MUL(z, y0);
  V rs = ADD(F2(S2), MUL(z, ADD(F2(S3), MUL(z, ADD(F2(S4), MUL(z, ADD(F2(S5), MUL(z, F2(S6)))))))));
  V s = SUB(y0, SUB(SUB(MUL(z, SUB(MUL(F2(0.5), y1), MUL(v, rs))), y1), MUL(v, F2(S1))));
  /* n & 3: 0 → c, 1 → −s, 2 → −c, 3 → s: odd n takes s, and bit 1 of n + 1 is the sign */
  V odd = wasm_i64x2_shr(wasm_i64x2_shl(n, 63), 63);
  V sign = wasm_i64x2_shl(wasm_v128_and(wasm_i64x2_add(n, I2(1)), I2(2)), 62);
  return wasm_v128_xor(wasm_v128_bitselect(s, c, odd), sign);
}

/* fdlog of two x in [1e−12, 1): log2x, or fdlog itself for both where either is a rare case. */
static inline V log_pair(V x) {
  V rare = wasm_i64x2_splat(0);
  V l = log2x(x, &rare);
  if (wasm_v128_any_true(rare)) l = wasm_f64x2_make(fdlog(wasm_f64x2_extract_lane(x, 0)), fdlog(wasm_f64x2_extract_lane(x, 1)));
  return l;
}

/* fdcos of two x in [0, 2π): cos2x, or fdcos itself for both where either is a rare case. */
static inline V cos_pair(V x) {
  V rare = wasm_i64x2_splat(0);
  V c = cos2x(x, &rare);
  if (wasm_v128_any_true(rare)) c = wasm_f64x2_make(fdcos(wasm_f64x2_extract_lane(x, 0)), fdcos(wasm_f64x2_extract_lane(x, 1)));
  return c;
}

/* noiseDrawsSeeded(n, seed) into draws: two draws per step from four mulberry32 states at once. */
static void draws_seeded(uint32_t seed, int n, double *draws) {
  const V step4 = wasm_i32x4_splat((int32_t)(4 * STEP));
  V a = wasm_i32x4_make((int32_t)(seed + STEP), (int32_t)(seed + 2 * STEP), (int32_t)(seed + 3 * STEP),
                        (int32_t)(seed + 4 * STEP));
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    V out = mulberry_out4(a);
    a = wasm_i32x4_add(a, step4);
    V first = wasm_i32x4_shuffle(out, out, 0, 2, 0, 2);
    V second = wasm_i32x4_shuffle(out, out, 1, 3, 1, 3);
    V u = wasm_f64x2_pmax(MUL(wasm_f64x2_convert_low_u32x4(first), F2(TWO_M32)), F2(1e-12));
    V v = MUL(wasm_f64x2_convert_low_u32x4(second), F2(TWO_M32));
    V g = MUL(wasm_f64x2_sqrt(MUL(F2(-2.0), log_pair(u))), cos_pair(MUL(F2(TWO_PI), v)));
    wasm_v128_store(draws + i, g);
  }
  if (i < n) {
    uint32_t s = seed + (uint32_t)(2 * i) * STEP;
    draws[i] = draw_of(mulberry_out(s + STEP), mulberry_out(s + 2 * STEP));
  }
}

/* ---- the noise ---- */

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

/* noiseDrawsSeeded(n, seed) into draws (n doubles). */
__attribute__((export_name("noise_draws"))) void noise_draws(uint32_t seed, int n, double *draws) {
  draws_seeded(seed, n, draws);
}

/* One image's draws (into draws, n doubles of scratch) and then add_noise at each sigma from them. */
__attribute__((export_name("noise_seeded"))) void noise_seeded(const uint8_t *src, int n, uint32_t seed,
                                                                const double *sigmas, int count, uint8_t *dst,
                                                                double *draws) {
  draws_seeded(seed, n, draws);
  add_noise(src, n, draws, sigmas, count, dst);
}

/*
 * log and cos over n arguments (log on [1e−12, 1), cos on [0, 2π)) by the draws' own path, two at a
 * time, for corruptions.ts's comparison with Math.log and Math.cos.
 */
__attribute__((export_name("logs"))) void logs(const double *x, int n, double *out) {
  int i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, log_pair(wasm_v128_load(x + i)));
  if (i < n) out[i] = fdlog(x[i]);
}

__attribute__((export_name("coss"))) void coss(const double *x, int n, double *out) {
  int i = 0;
  for (; i + 2 <= n; i += 2) wasm_v128_store(out + i, cos_pair(wasm_v128_load(x + i)));
  if (i < n) out[i] = fdcos(x[i]);
}
