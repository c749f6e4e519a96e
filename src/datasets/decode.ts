import { closeSync, readSync } from 'node:fs'
import path from 'node:path'
import { decode as decodeBmpPixels } from 'bmp-ts'
import { messageOf } from '../base/errors.js'
import { MAX_IMAGE_BYTES, openRegularFileSync } from '../base/inputFile.js'
import { loadSharp } from '../base/sharpModule.js'
import { withSharp, withSharpAlone } from '../base/sharpGate.js'
import type { DecodeNotes, RawImage } from '../base/image.js'
import {
  checkImageSize,
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  ImageRefusal,
  SHRINK_ABOVE_PIXELS,
  shrinkTarget,
} from './decodeLimits.js'
import { readJpegHeader } from './jpegHeader.js'
import { applyOrientation } from './orientation.js'
import { decodeSimplePng } from './pngDecode.js'

export { type DecodeLimits, decodeLimitsOf } from './decodeLimits.js'

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
  const bmp = decodeBmpPixels(buffer)
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

const JPEG_HEAD_BYTES = 64 * 1024

/** Reads the whole (already size-checked) file through its descriptor: at most `size` bytes. */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.alloc(size)
  let at = 0
  while (at < size) {
    const bytesRead = readSync(fd, buffer, at, size - at, at)
    if (bytesRead === 0) break
    at += bytesRead
  }
  return at === size ? buffer : buffer.subarray(0, at)
}

/** What the header pass found: enough to refuse, shrink, orient and pick the channel path. */
interface Header {
  width: number
  height: number
  gray: boolean
  orientation?: number
  frames?: number
}

/** The size checks, and the refusal of a whole-image (interlaced, progressive) decode over SHRINK_ABOVE_PIXELS. */
function checkHeader(
  file: string,
  width: number,
  height: number,
  progressive: boolean,
  format: RasterFormat,
  limits: DecodeLimits,
): void {
  checkImageSize(file, width, height, limits)
  if (width * height > SHRINK_ABOVE_PIXELS && progressive) {
    throw new ImageRefusal(
      `${file}: ${width}×${height} is ${format === 'png' ? 'an interlaced PNG' : 'a progressive JPEG'} over ${SHRINK_ABOVE_PIXELS} pixels: ` +
        'such a file is decoded whole, not in bands, so it is not decoded (save it non-interlaced, or smaller)',
    )
  }
}

/** The header (sharp metadata, no pixels decoded) checked against the limits and the sniffed format. */
async function readHeader(
  sharp: Awaited<ReturnType<typeof loadSharp>>,
  input: string | Buffer,
  file: string,
  format: RasterFormat,
  limits: DecodeLimits,
): Promise<Header> {
  const meta = await sharp(input, { limitInputPixels: false }).metadata()
  if (meta.format !== format) {
    throw new ImageRefusal(
      `${file}: starts like ${format.toUpperCase()} but decodes as '${meta.format}'; ferbench decodes ${FORMATS_READ} files only`,
    )
  }
  const width = meta.width ?? 0
  const height = meta.height ?? 0
  checkHeader(file, width, height, meta.isProgressive === true, format, limits)
  return {
    width,
    height,
    gray: (meta.space === 'b-w' || meta.space === 'grey16') && (meta.channels ?? 3) <= 2,
    ...(meta.orientation !== undefined && meta.orientation >= 2 && meta.orientation <= 8
      ? { orientation: meta.orientation }
      : {}),
    ...(meta.pages !== undefined && meta.pages > 1 ? { frames: meta.pages } : {}),
  }
}

/**
 * One decode with sharp: header pass, then one pipeline that reads the first frame, shrinks an image
 * over SHRINK_ABOVE_PIXELS while decoding, and gives 8-bit gray or sRGB. `jpegFast` is the path for
 * JPEG files read by sharp itself (no Node-side read; the pipeline as before, gray returned as
 * R = G = B); it returns undefined for a file it does not take (not 1 or 3 channels, e.g. CMYK; or
 * one to shrink, which goes through the one-at-a-time path).
 */
async function sharpDecode(
  input: string | Buffer,
  file: string,
  format: RasterFormat,
  limits: DecodeLimits,
  known?: Header,
): Promise<{ image: RawImage; header: Header } | undefined> {
  const sharp = await loadSharp()
  const header = known ?? (await readHeader(sharp, input, file, format, limits))
  const target = shrinkTarget(header.width, header.height)
  const jpegFast = typeof input === 'string'
  if (jpegFast && target) return undefined
  let pipeline = sharp(input, { limitInputPixels: limits.maxPixels })
  if (target) pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' })
  if (!jpegFast) pipeline = header.gray ? pipeline.toColourspace('b-w') : pipeline.removeAlpha().toColourspace('srgb')
  const { data, info } = await (jpegFast ? pipeline.raw() : pipeline.raw({ depth: 'uchar' })).toBuffer({
    resolveWithObject: true,
  })
  const channels = info.channels === 1 || info.channels === 3 ? info.channels : undefined
  if (channels === undefined || data.length !== info.width * info.height * info.channels) {
    if (jpegFast) return undefined
    throw new Error(`decoded to ${info.channels} channels; expected 1 or 3`)
  }
  const image: RawImage = {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels,
  }
  return { image, header }
}

/** The decoded image turned upright (unless the limits say not to), with what was done noted. */
function finish(image: RawImage, header: Header | undefined, limits: DecodeLimits): RawImage {
  const gray = collapseGray(image)
  const apply = limits.applyExifOrientation && header?.orientation !== undefined
  const oriented = apply ? applyOrientation(gray, header!.orientation!) : gray
  const notes: DecodeNotes = {
    orientationApplied: limits.applyExifOrientation,
    ...(header?.orientation !== undefined ? { exifOrientation: header.orientation } : {}),
    ...(header?.frames !== undefined ? { frames: header.frames } : {}),
    ...(header && (header.width !== image.width || header.height !== image.height)
      ? { shrunkFrom: { width: header.width, height: header.height } }
      : {}),
  }
  // written out, not spread: every decoded image then shares one hidden class (V8 gave each spread
  // result here a map of its own, and the kernels that take these images deoptimized on each)
  return { data: oriented.data, width: oriented.width, height: oriented.height, channels: oriented.channels, notes }
}

/** Reads a file through the regular-file check (size ≤ MAX_IMAGE_BYTES). */
function readImageFile(file: string): Buffer {
  const { fd, size } = openRegularFileSync(file, MAX_IMAGE_BYTES, 'an image file')
  try {
    return readAll(fd, size)
  } finally {
    closeSync(fd)
  }
}

/**
 * Images over SHRINK_ABOVE_PIXELS (only with --max-pixels raised) are decoded one at a time:
 * libvips holds a few hundred MB while it shrinks one of 16000² pixels.
 */
let largeDecode: Promise<unknown> = Promise.resolve()

async function oneLargeAtATime<T>(large: boolean, work: () => Promise<T>): Promise<T> {
  if (!large) return work()
  const run = largeDecode.then(work, work)
  largeDecode = run.catch(() => undefined)
  return run
}

/**
 * Decodes PNG, JPEG, TIFF (palette and 16-bit included), WebP (sharp) and BMP (bmp-ts, since
 * sharp/libvips has no BMP reader) into 8-bit pixels: gray images (and colour images whose pixels
 * are all gray) as 1 channel, others as 3 (alpha dropped). 16-bit samples are reduced to 8 bits by
 * sharp. Only regular files of at most MAX_IMAGE_BYTES are read; the format is told from the first
 * bytes (an SVG or PDF named .png is refused, never rasterised); an image over the pixel, side or
 * aspect limit is refused from its header (checkImageSize). The EXIF orientation is applied (unless
 * `limits.applyExifOrientation` is false); an animated file gives its first frame; an image over
 * SHRINK_ABOVE_PIXELS is shrunk while decoding. `notes` on the result say which of these happened.
 * Throws an Error naming the file (and only this file's decode error) when it cannot be decoded.
 */
export async function decodeImageFile(file: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<RawImage> {
  const { fd, size } = openRegularFileSync(file, MAX_IMAGE_BYTES, 'an image file')
  let buffer: Buffer
  let format: RasterFormat
  let jpegHead: Buffer = Buffer.alloc(0)
  try {
    // 64 KiB: enough for a JPEG's header (EXIF included) in one read; 16 bytes tell the format
    const head = Buffer.alloc(Math.min(size, JPEG_HEAD_BYTES))
    const bytesRead = readSync(fd, head, 0, head.length, 0)
    jpegHead = head.subarray(0, bytesRead)
    const sniffed = sniffFormat(head.subarray(0, 16))
    if (typeof sniffed !== 'string')
      throw new Error(`${file}: ${sniffed.not}; ferbench decodes ${FORMATS_READ} files only`)
    format = sniffed
    // a file no larger than the head is already read whole
    buffer = format === 'jpeg' ? Buffer.alloc(0) : bytesRead === size ? head : readAll(fd, size)
  } catch (error) {
    throw error instanceof Error && error.message.startsWith(file)
      ? error
      : new Error(`${file}: cannot read image file (${messageOf(error)})`)
  } finally {
    closeSync(fd)
  }
  try {
    if (format === 'bmp') return decodeBmp(file, buffer, limits)
    if (format === 'jpeg') {
      // The fast path: the header read here, sharp reads the file itself. A sharp failure is retried below.
      const known = readJpegHeader(jpegHead)
      if (known) checkHeader(file, known.width, known.height, known.progressive, 'jpeg', limits)
      const header: Header | undefined = known && {
        width: known.width,
        height: known.height,
        gray: false,
        ...(known.orientation !== undefined && known.orientation >= 2 ? { orientation: known.orientation } : {}),
      }
      const fast = await withSharp(() => sharpDecode(file, file, 'jpeg', limits, header)).catch((error: unknown) => {
        if (error instanceof ImageRefusal) throw error
        return undefined
      })
      if (fast) return finish(fast.image, fast.header, limits)
      buffer = readImageFile(file)
    }
    if (format === 'png') {
      // A simple PNG (src/datasets/pngDecode.ts) is decoded in JavaScript, to the same pixels as sharp's;
      // any other PNG, and one to refuse or shrink, goes to sharp below as before.
      const simple = decodeSimplePng(buffer, (width, height) => decodedAsStored(file, width, height, limits))
      if (simple) {
        const { width, height } = simple.image
        return finish(simple.image, { width, height, gray: simple.gray }, limits)
      }
    }
    const input = buffer
    const decodeOnce = async (): Promise<RawImage> => {
      const decoded = await sharpDecode(input, file, format, limits)
      return finish(decoded!.image, decoded!.header, limits)
    }
    const large = await isLarge(input, limits)
    return await oneLargeAtATime(large, async () => {
      try {
        return await withSharp(decodeOnce)
      } catch (error) {
        if (error instanceof ImageRefusal) throw error
        // libvips's error text is process-wide: decode again with no other sharp call in flight,
        // so that the message is this file's own (src/base/sharpGate.ts).
        return await withSharpAlone(decodeOnce)
      }
    })
  } catch (error) {
    const reason = messageOf(error)
    throw reason.startsWith(file) ? error : new Error(`${file}: cannot decode image (${reason})`)
  }
}

/** Whether an image of this size passes the size checks and is decoded as stored (not shrunk). */
function decodedAsStored(file: string, width: number, height: number, limits: DecodeLimits): boolean {
  if (width * height > SHRINK_ABOVE_PIXELS) return false
  try {
    checkImageSize(file, width, height, limits)
    return true
  } catch {
    return false
  }
}

/** Whether the header says more than SHRINK_ABOVE_PIXELS (a header that fails to read is not large: the decode names the error). */
async function isLarge(input: Buffer, limits: DecodeLimits): Promise<boolean> {
  if (limits.maxPixels <= SHRINK_ABOVE_PIXELS) return false
  const sharp = await loadSharp()
  const meta = await withSharp(() => sharp(input, { limitInputPixels: false }).metadata()).catch(() => undefined)
  return meta !== undefined && (meta.width ?? 0) * (meta.height ?? 0) > SHRINK_ABOVE_PIXELS
}

/** BMP through bmp-ts (whole-image decoder): refused from its header over the limits or over SHRINK_ABOVE_PIXELS. */
function decodeBmp(file: string, buffer: Buffer, limits: DecodeLimits): RawImage {
  const width = buffer.length >= 26 ? Math.abs(buffer.readInt32LE(18)) : 0
  const height = buffer.length >= 26 ? Math.abs(buffer.readInt32LE(22)) : 0
  checkImageSize(file, width, height, limits)
  if (width * height > SHRINK_ABOVE_PIXELS)
    throw new ImageRefusal(
      `${file}: ${width}×${height} BMP is over ${SHRINK_ABOVE_PIXELS} pixels: BMP is decoded whole, not in bands, so it is not decoded`,
    )
  return finish(bmpToRaw(buffer), undefined, limits)
}
