/**
 * The WebAssembly glue of linear (src/robust/linear.ts): the kernel instance of
 * src/robust/wasm/linear.c, its memory layout and the call into it.
 */
import type { RawImage } from '../../base/image.js'
import { lazyKernel } from './kernelInstance.js'
import { WASM_BASE64 } from './linearModule.js'

/** linear(image, a, b) by the WebAssembly kernel, for an image of up to 4 bands. */
export function linearWasm(
  k: NonNullable<ReturnType<typeof wasmKernel>>,
  image: RawImage,
  a: readonly number[],
  b: readonly number[],
): RawImage {
  const { channels, data } = image
  const n = data.length
  const single = a.every((v) => v === a[0]) && b.every((v) => v === b[0])
  // the constants (2 × 4 doubles), the pattern linear_bands fills (2 × 64), the image, the result:
  // each block-rounded with room for the whole blocks the kernel reads and writes past n
  const pad = 64 * channels
  const srcAt = 8 * (8 + 128)
  const outAt = srcAt + n + pad
  const base = k.reserve(outAt + n + pad)
  k.bytes.set(data, base + srcAt)
  if (single) k.exports.linear_single(base + srcAt, n, Math.fround(a[0]!), Math.fround(b[0]!), base + outAt)
  else {
    const constants = new Float64Array(k.bytes.buffer, base, 8)
    for (let c = 0; c < channels; c++) {
      constants[c] = a[Math.min(c, a.length - 1)]!
      constants[4 + c] = b[Math.min(c, b.length - 1)]!
    }
    k.exports.linear_bands(base + srcAt, n, channels, base, base + 32, base + 64, base + outAt)
  }
  const out = new Uint8Array(n)
  out.set(k.bytes.subarray(base + outAt, base + outAt + n))
  return { ...image, data: out }
}

/** src/robust/wasm/linear.c: single-precision a·x + b for one constant, double precision per band. */
export const wasmKernel = lazyKernel<{
  linear_single(src: number, n: number, a: number, b: number, out: number): void
  linear_bands(src: number, n: number, channels: number, a: number, b: number, pattern: number, out: number): void
}>(WASM_BASE64)
