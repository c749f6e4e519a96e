import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { decode as decodeBmp } from 'bmp-ts'
import { messageOf } from '../base/errors.js'
import { MAX_IMAGE_BYTES, openRegularFile } from '../base/inputFile.js'
import { loadSharp } from '../base/sharpModule.js'
import type { RawImage } from '../base/image.js'

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
  if (!(n > 0) || bmp.data.length < n * 4)
    throw new Error(`BMP header says ${bmp.width}×${bmp.height} but the pixel data is short`)
  const out = new Uint8Array(n * 3)
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = bmp.data[j + 3]!
    out[i * 3 + 1] = bmp.data[j + 2]!
    out[i * 3 + 2] = bmp.data[j + 1]!
  }
  return { data: out, width: bmp.width, height: bmp.height, channels: 3 }
}

/** The default --max-pixels: 4096 × 4096. Face images are far smaller (FER2013 48², RAF-DB 100², CK+ 640×490). */
export const DEFAULT_MAX_PIXELS = 4096 * 4096

/** Limits applied to every image before its pixels are decoded (docs/bad-input.md). */
export interface DecodeLimits {
  /** Width × height above which an image is a per-sample failure, decided from its header. */
  maxPixels: number
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: DEFAULT_MAX_PIXELS }

/** The decode limits an adapter applies, from its options (--max-pixels). */
export function decodeLimitsOf(options: { maxPixels?: number | undefined }): DecodeLimits {
  return options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : DEFAULT_DECODE_LIMITS
}

/**
 * Images decoded and preprocessed at once, whatever --concurrency says (--concurrency sets how
 * many prepared samples wait for inference). With sharp on libuv's 4 threads more would not run
 * in parallel anyway; this keeps memory at most this many decoded images (each ≤ --max-pixels).
 */
export const DECODE_SLOTS = 4

/** The raster formats ferbench decodes, told apart by their first bytes (never by the file name). */
export type RasterFormat = 'png' | 'jpeg' | 'tiff' | 'webp' | 'bmp'

/** The format of an image file from its first bytes, or a description of what it is instead. */
export function sniffFormat(head: Uint8Array): RasterFormat | { not: string } {
  const at = (i: number, ...bytes: number[]): boolean => bytes.every((b, k) => head[i + k] === b)
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg'
  if (
    at(0, 0x49, 0x49, 0x2a, 0x00) ||
    at(0, 0x4d, 0x4d, 0x00, 0x2a) ||
    at(0, 0x49, 0x49, 0x2b, 0x00) ||
    at(0, 0x4d, 0x4d, 0x00, 0x2b)
  )
    return 'tiff'
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp'
  if (at(0, 0x42, 0x4d)) return 'bmp'
  if (head.length === 0) return { not: 'an empty file' }
  const text = Buffer.from(head).toString('latin1').trimStart().toLowerCase()
  if (text.startsWith('%pdf')) return { not: 'a PDF document' }
  if (text.startsWith('<svg') || text.startsWith('<?xml') || text.startsWith('<!--'))
    return { not: 'an SVG/XML document' }
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return { not: 'a GIF image' }
  if (at(4, 0x66, 0x74, 0x79, 0x70)) return { not: 'a HEIF/AVIF image' }
  return { not: 'not a recognised image' }
}

const FORMATS_READ = 'PNG, JPEG, TIFF, WebP or BMP'

function pixelLimitError(file: string, width: number, height: number, limits: DecodeLimits): Error {
  return new Error(
    `${file}: ${width}×${height} = ${width * height} pixels is over the pixel limit of ${limits.maxPixels} ` +
      '(face images are far smaller; raise the limit with --max-pixels); not decoded',
  )
}

/**
 * The fast path for JPEG files (most FER folder copies): one sharp pipeline that reads the file on
 * libuv's threadpool, no metadata pass and no Node-side read. JPEG is 8-bit; sharp returns gray as
 * R = G = B, which collapseGray turns back into one channel, so the pixels equal the general path's.
 * Returns undefined (the caller takes the general path, which also names the file in its error)
 * when the file fails here or is not an 8-bit 1- or 3-channel image (e.g. CMYK).
 */
async function decodeJpegFast(file: string, limits: DecodeLimits): Promise<RawImage | undefined> {
  try {
    const sharp = await loadSharp()
    const { data, info } = await sharp(file, { limitInputPixels: limits.maxPixels })
      .raw()
      .toBuffer({ resolveWithObject: true })
    if ((info.channels !== 1 && info.channels !== 3) || data.length !== info.width * info.height * info.channels)
      return undefined
    return collapseGray({
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: info.channels,
    })
  } catch {
    return undefined
  }
}

/** Reads the whole (already size-checked) file through its handle: at most `size` bytes. */
async function readAll(handle: FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(size)
  let at = 0
  while (at < size) {
    const { bytesRead } = await handle.read(buffer, at, size - at, at)
    if (bytesRead === 0) break
    at += bytesRead
  }
  return at === size ? buffer : buffer.subarray(0, at)
}

/**
 * Decodes PNG, JPEG, TIFF (palette and 16-bit included), WebP (sharp) and BMP (bmp-ts, since
 * sharp/libvips has no BMP reader) into 8-bit pixels: gray images (and colour images whose pixels
 * are all gray) as 1 channel, others as 3 (alpha dropped). 16-bit samples are reduced to 8 bits by
 * sharp. Only regular files of at most MAX_IMAGE_BYTES are read; the format is told from the first
 * bytes (an SVG or PDF named .png is refused, never rasterised); an image over `limits.maxPixels`
 * is refused from its header. Throws an Error naming the file when it cannot be decoded.
 */
export async function decodeImageFile(file: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<RawImage> {
  const { handle, size } = await openRegularFile(file, MAX_IMAGE_BYTES, 'an image file')
  let buffer: Buffer
  let format: RasterFormat
  try {
    const head = Buffer.alloc(Math.min(size, 16))
    await handle.read(head, 0, head.length, 0)
    const sniffed = sniffFormat(head)
    if (typeof sniffed !== 'string')
      throw new Error(`${file}: ${sniffed.not}; ferbench decodes ${FORMATS_READ} files only`)
    format = sniffed
    buffer = format === 'jpeg' ? Buffer.alloc(0) : await readAll(handle, size)
  } catch (error) {
    throw error instanceof Error && error.message.startsWith(file)
      ? error
      : new Error(`${file}: cannot read image file (${messageOf(error)})`)
  } finally {
    await handle.close()
  }
  if (format === 'jpeg') {
    const image = await decodeJpegFast(file, limits)
    if (image) return image
    const again = await openRegularFile(file, MAX_IMAGE_BYTES, 'an image file')
    try {
      buffer = await readAll(again.handle, again.size)
    } finally {
      await again.handle.close()
    }
  }
  try {
    if (format === 'bmp') {
      const width = buffer.length >= 26 ? Math.abs(buffer.readInt32LE(18)) : 0
      const height = buffer.length >= 26 ? Math.abs(buffer.readInt32LE(22)) : 0
      if (width * height > limits.maxPixels) throw pixelLimitError(file, width, height, limits)
      return collapseGray(bmpToRaw(buffer))
    }
    const sharp = await loadSharp()
    const meta = await sharp(buffer, { limitInputPixels: false }).metadata()
    if (meta.format !== format) {
      throw new Error(
        `${file}: starts like ${format.toUpperCase()} but decodes as '${meta.format}'; ferbench decodes ${FORMATS_READ} files only`,
      )
    }
    if ((meta.width ?? 0) * (meta.height ?? 0) > limits.maxPixels)
      throw pixelLimitError(file, meta.width ?? 0, meta.height ?? 0, limits)
    const gray = (meta.space === 'b-w' || meta.space === 'grey16') && (meta.channels ?? 3) <= 2
    const input = sharp(buffer, { limitInputPixels: limits.maxPixels })
    const pipeline = gray ? input.toColourspace('b-w') : input.removeAlpha().toColourspace('srgb')
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
    const channels = info.channels === 1 || info.channels === 3 ? info.channels : undefined
    if (channels === undefined) throw new Error(`decoded to ${info.channels} channels; expected 1 or 3`)
    const image: RawImage = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels,
    }
    return collapseGray(image)
  } catch (error) {
    const reason = messageOf(error)
    throw reason.startsWith(file) ? error : new Error(`${file}: cannot decode image (${reason})`)
  }
}
