import type { RawImage } from '../base/image.js'
import { linearWasm, wasmKernel } from './wasm/linearKernel.js'

/**
 * a·x + b per band on an 8-bit image, byte for byte what sharp 0.35 (libvips 8.18) gives for
 * `linear(a, b)` on raw 8-bit pixels (libvips' `vips_linear` with uchar output):
 *
 * - when every band has the same a and the same b (one value each, or equal values), libvips
 *   computes in single precision: a and b rounded to floats, a·x rounded, + b rounded;
 * - otherwise in double precision per band;
 * - either way the result is clipped to 0–255 and truncated toward zero (a C cast to uchar).
 *
 * `a` and `b` have one value or one per band. Computed in WebAssembly (src/robust/wasm/linear.c:
 * the same arithmetic in SIMD lanes rather than through tables) where it runs, else by linearJs.
 * tests/robust/linear.test.ts compares both with sharp.
 */
export function linear(image: RawImage, a: readonly number[], b: readonly number[]): RawImage {
  const k = wasmKernel()
  const { channels } = image
  if (!k || channels > 4) return linearJs(image, a, b)
  return linearWasm(k, image, a, b)
}

/** linear in JavaScript, through 256-entry tables (the reference, and the fallback without WebAssembly). */
export function linearJs(image: RawImage, a: readonly number[], b: readonly number[]): RawImage {
  const { channels, data } = image
  const out = new Uint8Array(data.length)
  const single = a.every((v) => v === a[0]) && b.every((v) => v === b[0])
  if (single) {
    const table = singleTable(Math.fround(a[0]!), Math.fround(b[0]!))
    for (let i = 0; i < data.length; i++) out[i] = table[data[i]!]!
    return { ...image, data: out }
  }
  const tables = Array.from({ length: channels }, (_, k) => {
    const ak = a[Math.min(k, a.length - 1)]!
    const bk = b[Math.min(k, b.length - 1)]!
    const table = new Uint8Array(256)
    for (let x = 0; x < 256; x++) table[x] = clipTruncate(ak * x + bk)
    return table
  })
  for (let i = 0; i < data.length; i += channels)
    for (let k = 0; k < channels; k++) out[i + k] = tables[k]![data[i + k]!]!
  return { ...image, data: out }
}

/** The single-precision tables per float a and b (a robust run's brightness asks for five, for every image). */
const singleTables = new Map<number, Map<number, Uint8Array>>()

/** 256 inputs through the float arithmetic libvips does per pixel: a·x rounded to a float, + b rounded. */
function singleTable(a1: number, b1: number): Uint8Array {
  let byB = singleTables.get(a1)
  if (!byB) {
    if (singleTables.size >= 64) singleTables.clear() // contrast: a new b per image mean; keep memory bounded
    byB = new Map()
    singleTables.set(a1, byB)
  }
  let table = byB.get(b1)
  if (!table) {
    table = new Uint8Array(256)
    for (let x = 0; x < 256; x++) table[x] = clipTruncate(Math.fround(Math.fround(a1 * x) + b1))
    if (byB.size >= 64) byB.clear()
    byB.set(b1, table)
  }
  return table
}

/** libvips' VIPS_FCLIP(0, t, 255) stored in a uchar: clipped, then truncated toward zero. */
function clipTruncate(t: number): number {
  return Math.trunc(Math.min(255, Math.max(0, t)))
}
