import { crc32, inflateSync } from 'node:zlib'
import type { RawImage } from '../base/image.js'

/**
 * A PNG decoded in JavaScript (node:zlib inflate + unfilter) instead of by sharp, for the simple files
 * where the result is certain to equal sharp's (libvips' libpng loader, which applies no gamma, ICC
 * or other transform to such a file): 8-bit, not interlaced, gray (colour type 0), RGB (2) or palette
 * (3, expanded to RGB as libpng does), every chunk's CRC right, the zlib stream whole (Adler-32 right)
 * and ending exactly where the IDAT data ends, the inflated data exactly height × (1 + row bytes) with
 * filter types 0–4, every palette index inside the palette, at most MAX_SIMPLE_PNG_BYTES decoded, and
 * only these chunks: IHDR, PLTE (palette images only, before IDAT), consecutive IDATs, IEND (empty,
 * the file's last bytes), pHYs (once, before IDAT, unit 0 or 1), tIME (once, a valid date), gAMA, cHRM
 * and sRGB (once each, before PLTE and IDAT, valid values: libpng stores them, and libvips asks for
 * no transform that would use them), bKGD (once, before IDAT, valid: only noted by libvips) and at
 * most MAX_TEXT_CHUNKS tEXt (keyword of 1–79 bytes, not XMP or a raw EXIF profile). Anything else
 * (tRNS, iCCP, sBIT, eXIf, zTXt, iTXt, acTL, an unknown chunk, bytes after IEND, …)
 * gives undefined, and the caller decodes the file with sharp as before, so every error, refusal and
 * note stays sharp's.
 */
export interface SimplePng {
  image: RawImage
  /** Whether sharp reads it as gray ('b-w': colour type 0); palette and RGB files are 'srgb'. */
  gray: boolean
}

/** At most this many tEXt chunks (libvips keeps 50, libpng caches 100 ancillary chunks): more goes to sharp. */
const MAX_TEXT_CHUNKS = 16

/**
 * Decoded bytes (width × height × channels) above which the file goes to sharp (256 KiB: 512² gray,
 * 295² RGB). Near this size inflate + unfilter here (on the main thread) took about the CPU of sharp's
 * two calls (on libuv's threads), so larger files gain nothing; CPU ms per file measured at 00:02 UTC on
 * this 2-core machine at load 5, JS vs sharp: 48² gray 0.05–0.1 vs 0.5–0.9, 200² RGB 0.9 vs 1.3–1.9,
 * 362² gray 2.0–2.2 vs 2.1–3.1, 640×490 gray 4.6–4.9 vs 4.5–4.6.
 */
export const MAX_SIMPLE_PNG_BYTES = 256 * 1024

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

const IHDR = 'IHDR'
const PLTE = 'PLTE'
const IDAT = 'IDAT'
const IEND = 'IEND'

interface Chunk {
  type: string
  start: number
  length: number
}

/** The file's chunks if its layout is plain (signature, lengths, CRCs, IEND last and nothing after), else undefined. */
function readChunks(buffer: Uint8Array): Chunk[] | undefined {
  if (buffer.length < SIGNATURE.length || SIGNATURE.some((b, i) => buffer[i] !== b)) return undefined
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  const chunks: Chunk[] = []
  let at = SIGNATURE.length
  while (at + 12 <= buffer.length) {
    const length = view.getUint32(at)
    if (length > 0x7fffffff || at + 12 + length > buffer.length) return undefined
    const type = String.fromCharCode(buffer[at + 4]!, buffer[at + 5]!, buffer[at + 6]!, buffer[at + 7]!)
    const crc = view.getUint32(at + 8 + length)
    if (crc32(buffer.subarray(at + 4, at + 8 + length)) !== crc) return undefined
    chunks.push({ type, start: at + 8, length })
    at += 12 + length
    if (type === IEND) return at === buffer.length && length === 0 ? chunks : undefined
  }
  return undefined
}

function validKeyword(data: Uint8Array): boolean {
  const nul = data.indexOf(0)
  if (nul < 1 || nul > 79 || data.indexOf(0, nul + 1) !== -1) return false
  const keyword = Buffer.from(data.subarray(0, nul)).toString('latin1')
  return keyword !== 'XML:com.adobe.xmp' && !keyword.toLowerCase().startsWith('raw profile type')
}

/** A tIME libpng keeps without a warning: month 1–12, day 1–31, hour ≤ 23, minute ≤ 59, second ≤ 60. */
function validTime(data: Uint8Array): boolean {
  const [month, day, hour, minute, second] = data.subarray(2, 7)
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31 && hour! <= 23 && minute! <= 59 && second! <= 60
}

/** A gAMA, cHRM or sRGB chunk libpng keeps without a warning: its length, no value over 2³¹ − 1, intent 0–3. */
function validColourChunk(type: 'gAMA' | 'cHRM' | 'sRGB', data: Uint8Array): boolean {
  if (type === 'sRGB') return data.length === 1 && data[0]! <= 3
  if (data.length !== (type === 'gAMA' ? 4 : 32)) return false
  for (let i = 0; i < data.length; i += 4) if (data[i]! >= 0x80) return false
  return true
}

/** A bKGD libpng keeps without a warning: a palette index inside the (earlier) PLTE, or 8-bit gray / RGB values. */
function validBackground(data: Uint8Array, colourType: number, palette: Uint8Array | undefined): boolean {
  if (colourType === 3) return palette !== undefined && data.length === 1 && data[0]! < palette.length / 3
  if (colourType === 0) return data.length === 2 && data[0] === 0
  return data.length === 6 && data[0] === 0 && data[2] === 0 && data[4] === 0
}

/** The header fields of a file this path takes, or undefined. */
interface Layout {
  width: number
  height: number
  colourType: 0 | 2 | 3
  palette?: Uint8Array
  idat: Uint8Array[]
}

function layoutOf(buffer: Uint8Array, chunks: Chunk[]): Layout | undefined {
  const first = chunks[0]
  if (first?.type !== IHDR || first.length !== 13) return undefined
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  const width = view.getUint32(first.start)
  const height = view.getUint32(first.start + 4)
  const [depth, colourType, compression, filter, interlace] = buffer.subarray(first.start + 8, first.start + 13)
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return undefined
  if (depth !== 8 || compression !== 0 || filter !== 0 || interlace !== 0) return undefined
  if (colourType !== 0 && colourType !== 2 && colourType !== 3) return undefined
  let palette: Uint8Array | undefined
  const idat: Uint8Array[] = []
  let idatDone = false
  let texts = 0
  const seen = new Set<string>()
  for (const chunk of chunks.slice(1, -1)) {
    const data = buffer.subarray(chunk.start, chunk.start + chunk.length)
    if (chunk.type === IDAT) {
      if (idatDone) return undefined
      idat.push(data)
      continue
    }
    if (idat.length > 0) idatDone = true
    if (chunk.type === 'tEXt') {
      if (++texts > MAX_TEXT_CHUNKS || !validKeyword(data)) return undefined
      continue
    }
    if (seen.has(chunk.type)) return undefined
    seen.add(chunk.type)
    if (chunk.type === PLTE) {
      if (colourType !== 3 || idat.length > 0 || chunk.length < 3 || chunk.length > 768 || chunk.length % 3 !== 0)
        return undefined
      palette = data
    } else if (chunk.type === 'pHYs') {
      if (idat.length > 0 || chunk.length !== 9 || data[8]! > 1) return undefined
    } else if (chunk.type === 'tIME') {
      if (chunk.length !== 7 || !validTime(data)) return undefined
    } else if (chunk.type === 'gAMA' || chunk.type === 'cHRM' || chunk.type === 'sRGB') {
      // stored by libpng and never applied (libvips asks for no gamma or colour transform)
      if (idat.length > 0 || palette !== undefined || !validColourChunk(chunk.type, data)) return undefined
    } else if (chunk.type === 'bKGD') {
      // only noted by libvips ("background"), never applied to an image without alpha
      if (idat.length > 0 || !validBackground(data, colourType, palette)) return undefined
    } else return undefined
  }
  if (idat.length === 0 || (colourType === 3 && palette === undefined)) return undefined
  return { width, height, colourType: colourType as 0 | 2 | 3, ...(palette ? { palette } : {}), idat }
}

/** The Paeth predictor of a (left), b (above), c (above left): the one nearest to a + b - c, ties to a, then b. */
function paethPredictor(a: number, b: number, c: number): number {
  // |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |(b - c) + (a - c)| for p = a + b - c
  const bc = b - c
  const ac = a - c
  const pa = bc < 0 ? -bc : bc
  const pb = ac < 0 ? -ac : ac
  const pc = bc + ac < 0 ? -(bc + ac) : bc + ac
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** The Paeth filter undone on one row of 1 byte a pixel, from its second byte (a and c carried along). */
function paethRow1(raw: Uint8Array, out: Uint8Array, src: number, row: number, up: number, stride: number): void {
  let a = out[row]!
  let c = out[up]!
  for (let i = 1; i < stride; i++) {
    const b = out[up + i]!
    a = (raw[src + i]! + paethPredictor(a, b, c)) & 0xff
    out[row + i] = a
    c = b
  }
}

/** Undoes the PNG filters (types 0–4, `bpp` bytes per pixel) row by row into `out`; false on a bad filter type. */
function unfilter(raw: Uint8Array, out: Uint8Array, height: number, stride: number, bpp: number): boolean {
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1
    const type = raw[src - 1]
    const row = y * stride
    const up = row - stride
    if (type === 0 || (type === 2 && y === 0)) {
      out.set(raw.subarray(src, src + stride), row)
    } else if (type === 1) {
      for (let i = 0; i < bpp; i++) out[row + i] = raw[src + i]!
      for (let i = bpp; i < stride; i++) out[row + i] = (raw[src + i]! + out[row + i - bpp]!) & 0xff
    } else if (type === 2) {
      for (let i = 0; i < stride; i++) out[row + i] = (raw[src + i]! + out[up + i]!) & 0xff
    } else if (type === 3) {
      if (y === 0) {
        for (let i = 0; i < bpp; i++) out[row + i] = raw[src + i]!
        for (let i = bpp; i < stride; i++) out[row + i] = (raw[src + i]! + (out[row + i - bpp]! >> 1)) & 0xff
      } else {
        for (let i = 0; i < bpp; i++) out[row + i] = (raw[src + i]! + (out[up + i]! >> 1)) & 0xff
        for (let i = bpp; i < stride; i++)
          out[row + i] = (raw[src + i]! + ((out[row + i - bpp]! + out[up + i]!) >> 1)) & 0xff
      }
    } else if (type === 4) {
      if (y === 0) {
        // no row above: Paeth(a, 0, 0) = a, i.e. the Sub filter
        for (let i = 0; i < bpp; i++) out[row + i] = raw[src + i]!
        for (let i = bpp; i < stride; i++) out[row + i] = (raw[src + i]! + out[row + i - bpp]!) & 0xff
      } else {
        // first pixel: Paeth(0, b, 0) = b
        for (let i = 0; i < bpp; i++) out[row + i] = (raw[src + i]! + out[up + i]!) & 0xff
        if (bpp === 1) paethRow1(raw, out, src, row, up, stride)
        else
          for (let i = bpp; i < stride; i++) {
            const a = out[row + i - bpp]!
            const b = out[up + i]!
            const c = out[up + i - bpp]!
            out[row + i] = (raw[src + i]! + paethPredictor(a, b, c)) & 0xff
          }
      }
    } else return false
  }
  return true
}

/**
 * A first look at IHDR (bytes 8–32, before any CRC is computed): 8-bit, gray/RGB/palette, not interlaced,
 * at most MAX_SIMPLE_PNG_BYTES decoded. Large or other PNGs go to sharp without the whole file being read here.
 */
function plausibleHeader(buffer: Uint8Array): boolean {
  if (buffer.length < 33 || buffer[11] !== 13 || buffer[8]! + buffer[9]! + buffer[10]! !== 0) return false
  if (String.fromCharCode(buffer[12]!, buffer[13]!, buffer[14]!, buffer[15]!) !== IHDR) return false
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  const colourType = buffer[25]
  const channels = colourType === 0 ? 1 : colourType === 2 || colourType === 3 ? 3 : 0
  const bytes = view.getUint32(16) * view.getUint32(20) * channels
  return buffer[24] === 8 && buffer[28] === 0 && bytes > 0 && bytes <= MAX_SIMPLE_PNG_BYTES
}

/**
 * The file's pixels (1 channel for gray, 3 for RGB and palette) when it is a simple PNG as described
 * on SimplePng and `fits(width, height)` says its size is one the caller decodes as stored; otherwise
 * undefined, and the caller goes to sharp. Never throws for any input.
 */
export function decodeSimplePng(
  buffer: Uint8Array,
  fits: (width: number, height: number) => boolean,
): SimplePng | undefined {
  if (!plausibleHeader(buffer)) return undefined
  const chunks = readChunks(buffer)
  const layout = chunks && layoutOf(buffer, chunks)
  if (!layout || !fits(layout.width, layout.height)) return undefined
  const { width, height, colourType } = layout
  const bpp = colourType === 2 ? 3 : 1
  const stride = width * bpp
  if (width * height * (colourType === 0 ? 1 : 3) > MAX_SIMPLE_PNG_BYTES) return undefined
  const expected = height * (stride + 1)
  const compressed = layout.idat.length === 1 ? layout.idat[0]! : Buffer.concat(layout.idat)
  let raw: Uint8Array
  try {
    // with `info`, inflateSync gives the engine too (its bytesWritten: the input bytes zlib consumed)
    const { buffer: inflated, engine } = inflateSync(compressed, {
      info: true,
      maxOutputLength: expected,
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
    // the whole stream read (trailing bytes would make libpng warn), and exactly the rows' bytes
    if (engine.bytesWritten !== compressed.length || inflated.length !== expected) return undefined
    raw = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length)
  } catch {
    return undefined
  }
  const indices = new Uint8Array(height * stride)
  if (!unfilter(raw, indices, height, stride, bpp)) return undefined
  if (colourType !== 3) {
    return { image: { data: indices, width, height, channels: colourType === 0 ? 1 : 3 }, gray: colourType === 0 }
  }
  const palette = layout.palette!
  const entries = palette.length / 3
  const rgb = new Uint8Array(indices.length * 3)
  for (let i = 0, j = 0; i < indices.length; i++, j += 3) {
    const k = indices[i]!
    if (k >= entries) return undefined
    rgb[j] = palette[k * 3]!
    rgb[j + 1] = palette[k * 3 + 1]!
    rgb[j + 2] = palette[k * 3 + 2]!
  }
  return { image: { data: rgb, width, height, channels: 3 }, gray: false }
}
