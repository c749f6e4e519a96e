/**
 * The size, progressive flag and EXIF orientation of a JPEG from its first bytes, read in
 * JavaScript so that the JPEG fast path needs no separate sharp metadata call (one libuv round trip
 * per image instead of two). Markers are walked from SOI to the first SOF; the orientation is tag
 * 0x0112 of IFD0 in the first APP1 `Exif` segment. Returns undefined whenever the bytes given do not
 * settle it (the SOF lies further in, a segment is cut off or malformed): the caller then asks sharp.
 */
export interface JpegHeader {
  width: number
  height: number
  progressive: boolean
  /** EXIF orientation 1–8 when the file has one. */
  orientation?: number
}

/** SOF markers (C0–CF but DHT C4, JPG C8 and DAC CC); progressive ones are C2, C6, CA, CE. */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

/** Tag 0x0112 (SHORT) of IFD0 of a TIFF-structured EXIF block, or undefined. */
function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength)
  const little = tiff[0] === 0x49 && tiff[1] === 0x49
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined
  if (view.getUint16(2, little) !== 42) return undefined
  const ifd = view.getUint32(4, little)
  if (ifd + 2 > tiff.length) return undefined
  const entries = view.getUint16(ifd, little)
  for (let k = 0; k < entries; k++) {
    const at = ifd + 2 + k * 12
    if (at + 12 > tiff.length) return undefined
    if (view.getUint16(at, little) !== 0x0112) continue
    if (view.getUint16(at + 2, little) !== 3 || view.getUint32(at + 4, little) !== 1) return undefined
    const value = view.getUint16(at + 8, little)
    return value >= 1 && value <= 8 ? value : undefined
  }
  return undefined
}

export function readJpegHeader(bytes: Uint8Array): JpegHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined
  let orientation: number | undefined
  let exifSeen = false
  let i = 2
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined
    const marker = bytes[i + 1]!
    if (marker === 0xff) {
      i += 1 // fill byte
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2 // markers without a length
      continue
    }
    if (marker === 0xd9 || marker === 0xda) return undefined // end of image or scan data before any SOF
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!
    if (length < 2) return undefined
    const start = i + 4
    const end = i + 2 + length
    if (isSof(marker)) {
      if (start + 5 > bytes.length) return undefined
      const height = (bytes[start + 1]! << 8) | bytes[start + 2]!
      const width = (bytes[start + 3]! << 8) | bytes[start + 4]!
      const progressive = marker === 0xc2 || marker === 0xc6 || marker === 0xca || marker === 0xce
      return { width, height, progressive, ...(orientation !== undefined ? { orientation } : {}) }
    }
    if (marker === 0xe1 && !exifSeen && end <= bytes.length && end - start >= 6) {
      const id = bytes.subarray(start, start + 6)
      if (id[0] === 0x45 && id[1] === 0x78 && id[2] === 0x69 && id[3] === 0x66 && id[4] === 0 && id[5] === 0) {
        exifSeen = true
        orientation = exifOrientation(bytes.subarray(start + 6, end))
      }
    } else if (marker === 0xe1 && !exifSeen && end > bytes.length) return undefined // an APP1 cut off: maybe Exif
    i = end
  }
  return undefined
}
