/**
 * Images decoded and preprocessed at once, whatever --concurrency says (--concurrency sets how
 * many prepared samples wait for inference). With sharp on libuv's 4 threads more would not run
 * in parallel anyway; this keeps memory at most this many decoded images (each ≤ --max-pixels).
 * Here, not in decode.ts, so that flags and loops read it without loading the decoders.
 */
export const DECODE_SLOTS = 4

/** The default --max-pixels: 4096 × 4096. Face images are far smaller (FER2013 48², RAF-DB 100², CK+ 640×490). */
export const DEFAULT_MAX_PIXELS = 4096 * 4096

/** The default --max-side: no stored side over 16,384 pixels (0x4000; WebP's own limit is 16,383). */
export const DEFAULT_MAX_SIDE = 16_384

/** The default --max-aspect: the longer side at most 16 times the shorter (face crops are near 1:1, photos ≤ 4:1). */
export const DEFAULT_MAX_ASPECT = 16

/**
 * Images over this many pixels (reachable only with --max-pixels raised) are shrunk by the decoder
 * (sharp resizes while it decodes, in bands) to at most this many pixels, keeping their aspect, so no
 * decoded image exceeds 4096² pixels. Images at or under it are decoded exactly as stored.
 */
export const SHRINK_ABOVE_PIXELS = 4096 * 4096

/** Limits and choices applied to every image file before its pixels are decoded (docs/bad-input.md). */
export interface DecodeLimits {
  /** Width × height above which an image is a per-sample failure, decided from its header. */
  maxPixels: number
  /** Width or height above which an image is a per-sample failure, from its header. */
  maxSide: number
  /** Longer side / shorter side above which an image is a per-sample failure, from its header. */
  maxAspect: number
  /** false with --ignore-exif-orientation: the stored pixels are used as stored. */
  applyExifOrientation: boolean
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxPixels: DEFAULT_MAX_PIXELS,
  maxSide: DEFAULT_MAX_SIDE,
  maxAspect: DEFAULT_MAX_ASPECT,
  applyExifOrientation: true,
}

/** The decode limits an adapter applies, from its options (--max-pixels, --max-side, --max-aspect, --ignore-exif-orientation). */
export function decodeLimitsOf(options: {
  maxPixels?: number | undefined
  maxSide?: number | undefined
  maxAspect?: number | undefined
  ignoreExifOrientation?: boolean | undefined
}): DecodeLimits {
  return {
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxSide: options.maxSide ?? DEFAULT_MAX_SIDE,
    maxAspect: options.maxAspect ?? DEFAULT_MAX_ASPECT,
    applyExifOrientation: options.ignoreExifOrientation !== true,
  }
}

/** An image refused by ferbench itself (a limit, a format): its message is final, never retried. */
export class ImageRefusal extends Error {}

/**
 * Refuses an image from the size in its header, before any pixel is decoded: an empty size, more
 * pixels than --max-pixels, a side over --max-side, or an aspect over --max-aspect. The message names
 * the file, the size, the limit and the flag that raises it.
 */
export function checkImageSize(file: string, width: number, height: number, limits: DecodeLimits): void {
  const size = `${width}×${height}`
  if (!(width > 0 && height > 0)) throw new ImageRefusal(`${file}: its header gives the size ${size}; not decoded`)
  if (width * height > limits.maxPixels)
    throw new ImageRefusal(
      `${file}: ${size} = ${width * height} pixels is over the pixel limit of ${limits.maxPixels} ` +
        '(face images are far smaller; raise the limit with --max-pixels); not decoded',
    )
  const side = Math.max(width, height)
  if (side > limits.maxSide)
    throw new ImageRefusal(
      `${file}: ${size} has a side of ${side} pixels, over the side limit of ${limits.maxSide} ` +
        '(raise it with --max-side); not decoded',
    )
  const aspect = side / Math.min(width, height)
  if (aspect > limits.maxAspect)
    throw new ImageRefusal(
      `${file}: ${size} has an aspect ratio of ${Number(aspect.toPrecision(4))}:1, over the aspect limit of ${limits.maxAspect}:1 ` +
        '(raise it with --max-aspect); not decoded',
    )
}

/** The size an image over SHRINK_ABOVE_PIXELS is shrunk to (aspect kept, each side ≥ 1), or undefined for one at or under it. */
export function shrinkTarget(width: number, height: number): { width: number; height: number } | undefined {
  if (width * height <= SHRINK_ABOVE_PIXELS) return undefined
  const f = Math.sqrt(SHRINK_ABOVE_PIXELS / (width * height))
  return { width: Math.max(1, Math.floor(width * f)), height: Math.max(1, Math.floor(height * f)) }
}
