import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { decode as decodeBmp } from 'bmp-ts'
import { loadSharp } from '../preprocess/sharpModule.js'
import type { RawImage } from './types.js'

/** File extensions ferbench decodes as images (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp'] as const

export function isImagePath(file: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase())
}

/**
 * Collapses an RGB image whose every pixel has R = G = B to one channel. Lossless, and equal to
 * BT.601 luma (0.299 + 0.587 + 0.114 = 1), so palette and "RGB" copies of gray datasets become gray.
 */
export function collapseGray(image: RawImage): RawImage {
  if (image.channels === 1) return image
  const d = image.data
  const n = image.width * image.height
  for (let j = 0; j < n * 3; j += 3) if (d[j] !== d[j + 1] || d[j] !== d[j + 2]) return image
  const out = new Uint8Array(n)
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = d[j]!
  return { data: out, width: image.width, height: image.height, channels: 1 }
}

function bmpToRaw(buffer: Buffer): RawImage {
  // bmp-ts returns 4 bytes per pixel in A, B, G, R order (its default layout); alpha is dropped.
  const bmp = decodeBmp(buffer)
  const n = bmp.width * bmp.height
  if (!(n > 0) || bmp.data.length < n * 4) throw new Error(`BMP header says ${bmp.width}×${bmp.height} but the pixel data is short`)
  const out = new Uint8Array(n * 3)
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = bmp.data[j + 3]!
    out[i * 3 + 1] = bmp.data[j + 2]!
    out[i * 3 + 2] = bmp.data[j + 1]!
  }
  return { data: out, width: bmp.width, height: bmp.height, channels: 3 }
}

const JPEG_EXTENSIONS = ['.jpg', '.jpeg']

/**
 * The fast path for JPEG files (most FER folder copies): one sharp pipeline that reads the file on
 * libuv's threadpool, no metadata pass and no Node-side read. JPEG is 8-bit; sharp returns gray as
 * R = G = B, which collapseGray turns back into one channel, so the pixels equal the general path's.
 * Returns undefined (the caller takes the general path, which also names the file in its error)
 * when the file fails here or is not an 8-bit 1- or 3-channel image (e.g. a PNG named .jpg).
 */
async function decodeJpegFast(file: string): Promise<RawImage | undefined> {
  try {
    const sharp = await loadSharp()
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true })
    if ((info.channels !== 1 && info.channels !== 3) || data.length !== info.width * info.height * info.channels) return undefined
    return collapseGray({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels })
  } catch {
    return undefined
  }
}

/**
 * Decodes PNG, JPEG, TIFF (palette and 16-bit included), WebP (sharp) and BMP (bmp-ts, since
 * sharp/libvips has no BMP reader) into 8-bit pixels: gray images (and colour images whose pixels
 * are all gray) as 1 channel, others as 3 (alpha dropped). 16-bit samples are reduced to 8 bits by
 * sharp. Throws an Error naming the file when it cannot be decoded.
 */
export async function decodeImageFile(file: string): Promise<RawImage> {
  if (JPEG_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    const image = await decodeJpegFast(file)
    if (image) return image
  }
  let buffer: Buffer
  try {
    buffer = await readFile(file)
  } catch (error) {
    throw new Error(`${file}: cannot read image file (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  try {
    if (buffer.length >= 2 && buffer[0] === 0x42 && buffer[1] === 0x4d) return collapseGray(bmpToRaw(buffer))
    const sharp = await loadSharp()
    const meta = await sharp(buffer).metadata()
    const gray = (meta.space === 'b-w' || meta.space === 'grey16') && (meta.channels ?? 3) <= 2
    const pipeline = gray ? sharp(buffer).toColourspace('b-w') : sharp(buffer).removeAlpha().toColourspace('srgb')
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
    const channels = info.channels === 1 || info.channels === 3 ? info.channels : undefined
    if (channels === undefined) throw new Error(`decoded to ${info.channels} channels; expected 1 or 3`)
    const image: RawImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels }
    return collapseGray(image)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`${file}: cannot decode image (${reason})`)
  }
}
