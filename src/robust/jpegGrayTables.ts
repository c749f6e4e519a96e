/**
 * The quantization tables of the gray JPEG corruption (src/robust/jpegGray.ts): libjpeg's scaled
 * luminance table per quality and the encoder's reciprocals, used by the JavaScript kernel and the
 * WebAssembly glue (src/robust/wasm/jpegGrayKernel.ts) alike.
 */

const LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
]

/** The quantization steps of a quality, and their reciprocals as libjpeg's encoder uses them. */
export interface Tables {
  quant: Int32Array
  recip: Int32Array
  corr: Int32Array
  shift: Int32Array
}

const tablesByQuality = new Map<number, Tables>()

/** jpeg_quality_scaling: the percentage the basic table is scaled by. */
function qualityScaling(quality: number): number {
  const q = Math.min(100, Math.max(1, quality))
  return q < 50 ? Math.trunc(Math.fround(5000 / q)) : 200 - q * 2
}

export function tables(quality: number): Tables {
  let t = tablesByQuality.get(quality)
  if (t) return t
  const scale = qualityScaling(quality)
  t = { quant: new Int32Array(64), recip: new Int32Array(64), corr: new Int32Array(64), shift: new Int32Array(64) }
  for (let i = 0; i < 64; i++) {
    const q = Math.min(255, Math.max(1, Math.floor((LUMINANCE[i]! * scale + 50) / 100)))
    t.quant[i] = q
    // compute_reciprocal(q << 3): divisor ≥ 8, so r > 16 and the same path for SIMD and C
    const divisor = q * 8
    const b = 31 - Math.clz32(divisor) // flss(divisor) - 1
    let r = 16 + b
    let fq = Math.floor(2 ** r / divisor)
    const fr = 2 ** r - fq * divisor
    let c = divisor >> 1
    if (fr === 0) {
      fq = Math.floor(fq / 2)
      r -= 1
    } else if (fr <= divisor >> 1) c += 1
    else fq += 1
    t.recip[i] = fq
    t.corr[i] = c
    t.shift[i] = r
  }
  tablesByQuality.set(quality, t)
  return t
}
