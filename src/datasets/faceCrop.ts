import { crop } from '../card/pixels.js'
import type { RawImage } from '../base/image.js'

/** CK+ crop margin: the square side is this many times the larger side of the landmarks' box. */
const LANDMARK_CROP_SCALE = 1.2

export interface Box {
  left: number
  top: number
  width: number
  height: number
}

/**
 * The square crop around a set of landmarks: centred on their bounding box, side = 1.2 × the
 * box's larger side (a 10% margin on each side of the larger dimension), rounded to whole pixels,
 * shifted to lie inside the image and shrunk only when the image is smaller than the square.
 */
export function landmarkSquare(
  points: ReadonlyArray<readonly [number, number]>,
  imageWidth: number,
  imageHeight: number,
): Box {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const [x, y] of points) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  const side = Math.min(Math.round(LANDMARK_CROP_SCALE * Math.max(x1 - x0, y1 - y0)), imageWidth, imageHeight)
  const cx = (x0 + x1) / 2
  const cy = (y0 + y1) / 2
  const left = Math.min(Math.max(Math.round(cx - side / 2), 0), imageWidth - side)
  const top = Math.min(Math.max(Math.round(cy - side / 2), 0), imageHeight - side)
  return { left, top, width: side, height: side }
}

/** Crops `box`; throws (naming `where`) when the box is empty or not inside the image. */
export function cropBox(image: RawImage, box: Box, where: string): RawImage {
  const { left, top, width, height } = box
  const inside =
    Number.isInteger(left) &&
    Number.isInteger(top) &&
    width >= 1 &&
    height >= 1 &&
    left >= 0 &&
    top >= 0 &&
    left + width <= image.width &&
    top + height <= image.height
  if (!inside) {
    throw new Error(
      `${where}: face box x=${left} y=${top} w=${width} h=${height} is not inside the ${image.width}×${image.height} image`,
    )
  }
  return crop(image, left, top, width, height)
}
