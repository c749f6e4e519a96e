import type { RawImage } from '../base/image.js'
import { crop } from '../card/pixels.js'
import type { DetectedFace } from './blazeface.js'

/**
 * The crop rule of `--faces detect` (docs/faces.md): a square centred on the detector's box, its
 * side `margin` × the box's longer side (BlazeFace's box runs from the brows to the chin, so the
 * default 1.4 takes in the forehead and chin as FER crops do), rounded to whole pixels, shifted to
 * lie inside the image and shrunk only where the image is smaller. With `align`, the square is
 * turned about its centre so that the line between the eyes is level (bilinear sampling, edges
 * repeated), as alignment steps in FER papers do.
 */
export const DEFAULT_FACE_MARGIN = 1.4

export interface FaceCropRule {
  margin: number
  align: boolean
  /** 0: the largest face; k: the (k+1)-th largest. */
  faceIndex: number
}

export interface SquareBox {
  left: number
  top: number
  side: number
}

export function faceSquare(face: DetectedFace, imageWidth: number, imageHeight: number, margin: number): SquareBox {
  const { left, top, width, height } = face.box
  const side = Math.max(1, Math.min(Math.round(margin * Math.max(width, height)), imageWidth, imageHeight))
  const cx = left + width / 2
  const cy = top + height / 2
  return {
    left: Math.min(Math.max(Math.round(cx - side / 2), 0), imageWidth - side),
    top: Math.min(Math.max(Math.round(cy - side / 2), 0), imageHeight - side),
    side,
  }
}

/** The eye line's angle in radians (subject's right eye → left eye, as the image shows them). */
export function eyeAngle(face: DetectedFace): number {
  const [right, left] = [face.keypoints[0]!, face.keypoints[1]!]
  return Math.atan2(left[1] - right[1], left[0] - right[0])
}

/** The square of `side` pixels centred at (cx, cy), turned by `angle`: bilinear, out-of-image points take the nearest edge. */
function rotatedSquare(image: RawImage, cx: number, cy: number, side: number, angle: number): RawImage {
  const { width, height, channels, data } = image
  const out = new Uint8Array(side * side * channels)
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const half = side / 2
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const dx = u + 0.5 - half
      const dy = v + 0.5 - half
      const sx = Math.min(Math.max(cx + cos * dx - sin * dy - 0.5, 0), width - 1)
      const sy = Math.min(Math.max(cy + sin * dx + cos * dy - 0.5, 0), height - 1)
      const x0 = Math.floor(sx)
      const y0 = Math.floor(sy)
      const x1 = Math.min(x0 + 1, width - 1)
      const y1 = Math.min(y0 + 1, height - 1)
      const fx = sx - x0
      const fy = sy - y0
      for (let c = 0; c < channels; c++) {
        const p = (y: number, x: number) => data[(y * width + x) * channels + c]!
        const top = p(y0, x0) * (1 - fx) + p(y0, x1) * fx
        const bottom = p(y1, x0) * (1 - fx) + p(y1, x1) * fx
        out[(v * side + u) * channels + c] = Math.round(top * (1 - fy) + bottom * fy)
      }
    }
  }
  return { data: out, width: side, height: side, channels }
}

/** The face crop the rule gives for one detected face. */
export function cropFace(image: RawImage, face: DetectedFace, rule: FaceCropRule): RawImage {
  const square = faceSquare(face, image.width, image.height, rule.margin)
  if (!rule.align) return crop(image, square.left, square.top, square.side, square.side)
  const cx = face.box.left + face.box.width / 2
  const cy = face.box.top + face.box.height / 2
  return rotatedSquare(image, cx, cy, square.side, eyeAngle(face))
}
