/**
 * The WebAssembly glue of jpegGrayQualities (src/robust/jpegGray.ts): the kernel instance of
 * src/robust/wasm/jpegGray.c, the quality tables loaded into its memory and the call into it.
 */
import type { RawImage } from '../../base/image.js'
import { tables } from '../jpegGrayTables.js'
import { lazyKernel } from './kernelInstance.js'
import { WASM_BASE64 } from './jpegGrayModule.js'

/** src/robust/wasm/jpegGray.c: the round trip at several qualities (their tables one after another) from one forward DCT per block. */
export const wasmKernel = lazyKernel<{
  jpeg_gray(src: number, width: number, height: number, tables: number, qualities: number, dst: number): void
}>(WASM_BASE64)
/** The qualities whose tables are in the kernel's memory (at its heap base), in order. */
let tablesLoaded = ''

/** jpegGrayQualities(image, qualities) by the WebAssembly kernel, for one or more qualities. */
export function jpegGrayQualitiesWasm(
  k: NonNullable<ReturnType<typeof wasmKernel>>,
  image: RawImage,
  qualities: readonly number[],
): RawImage[] {
  if (image.channels !== 1) throw new Error('jpegGray: one-channel images only')
  const { width, height } = image
  const plane = width * height
  const tableBytes = qualities.length * 256 * 4
  const base = k.reserve(tableBytes + plane * (1 + qualities.length))
  const key = qualities.join(',')
  if (key !== tablesLoaded) {
    const all = k.int32(base, qualities.length * 256)
    qualities.forEach((quality, i) => {
      const t = tables(Math.round(quality))
      all.set(t.quant, i * 256)
      all.set(t.recip, i * 256 + 64)
      all.set(t.corr, i * 256 + 128)
      all.set(t.shift, i * 256 + 192)
    })
    tablesLoaded = key
  }
  const src = base + tableBytes
  const dst = src + plane
  k.bytes.set(image.data.subarray(0, plane), src)
  k.exports.jpeg_gray(src, width, height, base, qualities.length, dst)
  const bytes = k.bytes
  return qualities.map((_, i) => ({
    data: bytes.slice(dst + i * plane, dst + (i + 1) * plane),
    width,
    height,
    channels: 1,
  }))
}
