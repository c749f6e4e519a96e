import type * as tf from '@tensorflow/tfjs-core'
import type * as tfconv from '@tensorflow/tfjs-converter'
import path from 'node:path'
import { messageOf, modelError } from '../base/errors.js'
import type { RawImage } from '../base/image.js'
import { FIXTURES_DIR } from '../base/paths.js'
import { modelIdentity } from '../base/modelFiles.js'
import { toRgb } from '../card/pixels.js'
import { resample } from '../card/resample.js'
import { chooseTfjsBackend } from '../runners/tfjsBackends.js'
import { fileLoadHandler } from '../runners/tfjsModelFile.js'
import { loadTfjsGraph } from '../runners/tfjsModule.js'

/**
 * BlazeFace (MediaPipe, the 256×256 "back" model), the face detector behind `--faces detect`
 * (docs/faces.md). The model ships in fixtures/detectors/blazeface/ (README there: source, hashes,
 * licences), so detection works offline. An image is letterboxed into 256×256 (top-left, scale
 * 256 / its longer side), scored on 896 anchors, and overlapping boxes are merged by greedy
 * non-maximum suppression.
 */
export const BLAZEFACE_PATH = path.join(FIXTURES_DIR, 'detectors', 'blazeface', 'blazeface.json')
export const BLAZEFACE_NAME = 'blazeface (MediaPipe BlazeFace back model, tfjs graph from @vladmandic/human 3.3.6)'

const INPUT_SIDE = 256
/** Faces scoring below this (sigmoid of the face logit) are not faces. */
export const DEFAULT_MIN_SCORE = 0.75
/** A box overlapping a better one by more than this IoU is the same face. */
export const DEFAULT_NMS_IOU = 0.3

export interface DetectedFace {
  /** Box in image pixels (float): left, top, width, height. */
  box: { left: number; top: number; width: number; height: number }
  score: number
  /** Six keypoints in image pixels: the subject's right eye, left eye, nose tip, mouth centre, right ear, left ear. */
  keypoints: Array<[number, number]>
}

export interface FaceDetector {
  readonly name: string
  readonly sha256: string
  readonly backend: string
  readonly thresholds: { minScore: number; nmsIou: number }
  detect(image: RawImage): Promise<DetectedFace[]>
  dispose(): void
}

/** Anchor centres in 256-pixel units: stride 16 (2 per cell), then stride 32 (6 per cell). */
function anchors(): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [stride, perCell] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = Math.ceil(INPUT_SIDE / stride)
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++)
        for (let k = 0; k < perCell; k++) out.push([stride * (x + 0.5), stride * (y + 0.5)])
  }
  return out
}

function iou(a: DetectedFace['box'], b: DetectedFace['box']): number {
  const x0 = Math.max(a.left, b.left)
  const y0 = Math.max(a.top, b.top)
  const x1 = Math.min(a.left + a.width, b.left + b.width)
  const y1 = Math.min(a.top + a.height, b.top + b.height)
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0)
  const union = a.width * a.height + b.width * b.height - inter
  return union > 0 ? inter / union : 0
}

/** Greedy non-maximum suppression, best score first. */
export function suppress(faces: DetectedFace[], maxIou: number): DetectedFace[] {
  const kept: DetectedFace[] = []
  for (const face of [...faces].sort((a, b) => b.score - a.score))
    if (kept.every((k) => iou(k.box, face.box) <= maxIou)) kept.push(face)
  return kept
}

/** The letterboxed 256×256 RGB input, x/127.5 − 1, and the factor from 256-units back to image pixels. */
function letterbox(image: RawImage): { input: Float32Array; toImage: number } {
  const rgb = toRgb(image)
  const scale = INPUT_SIDE / Math.max(rgb.width, rgb.height)
  const w = Math.max(1, Math.round(rgb.width * scale))
  const h = Math.max(1, Math.round(rgb.height * scale))
  const small = resample(rgb, w, h, 'bilinear')
  const input = new Float32Array(INPUT_SIDE * INPUT_SIDE * 3).fill(-1)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w * 3; x++) input[y * INPUT_SIDE * 3 + x] = small.data[y * w * 3 + x]! / 127.5 - 1
  return { input, toImage: Math.max(rgb.width, rgb.height) / INPUT_SIDE }
}

async function outputsBySize(outputs: tf.Tensor[]): Promise<{ scores: Float32Array; boxes: Float32Array }> {
  const find = (rows: number, cols: number): tf.Tensor => {
    const t = outputs.find((o) => o.shape[1] === rows && o.shape[2] === cols)
    if (!t) throw modelError(`${BLAZEFACE_PATH}: no [1,${rows},${cols}] output; is it the BlazeFace back model?`)
    return t
  }
  const [s512, s384, b512, b384] = await Promise.all(
    [find(512, 1), find(384, 1), find(512, 16), find(384, 16)].map((t) => t.data() as Promise<Float32Array>),
  )
  const scores = new Float32Array(896)
  scores.set(s512!, 0)
  scores.set(s384!, 512)
  const boxes = new Float32Array(896 * 16)
  boxes.set(b512!, 0)
  boxes.set(b384!, 512 * 16)
  return { scores, boxes }
}

export async function loadBlazeFace(
  options: { minScore?: number; nmsIou?: number; modelPath?: string } = {},
): Promise<FaceDetector> {
  const modelPath = options.modelPath ?? BLAZEFACE_PATH
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE
  const nmsIou = options.nmsIou ?? DEFAULT_NMS_IOU
  const chosen = await chooseTfjsBackend('cpu')
  const { core, converter } = await loadTfjsGraph()
  let model: tfconv.GraphModel
  try {
    model = await converter.loadGraphModel(fileLoadHandler(modelPath))
  } catch (error) {
    throw modelError(`${modelPath}: the face detector could not be loaded: ${messageOf(error).split('\n')[0]}`)
  }
  const { sha256 } = await modelIdentity(modelPath)
  const grid = anchors()
  return {
    name: BLAZEFACE_NAME,
    sha256,
    backend: `tfjs/${chosen.candidate.name}`,
    thresholds: { minScore, nmsIou },
    async detect(image: RawImage): Promise<DetectedFace[]> {
      const { input, toImage } = letterbox(image)
      const x = core.tensor4d(input, [1, INPUT_SIDE, INPUT_SIDE, 3])
      let out: tf.Tensor[] = []
      try {
        const result = model.execute(x)
        out = Array.isArray(result) ? result : [result as tf.Tensor]
        const { scores, boxes } = await outputsBySize(out)
        const faces: DetectedFace[] = []
        for (let i = 0; i < 896; i++) {
          const score = 1 / (1 + Math.exp(-scores[i]!))
          if (score < minScore) continue
          const [ax, ay] = grid[i]!
          const r = boxes.subarray(i * 16, i * 16 + 16)
          const cx = r[0]! + ax
          const cy = r[1]! + ay
          const w = r[2]!
          const h = r[3]!
          if (!(w > 0 && h > 0)) continue
          const keypoints: Array<[number, number]> = []
          for (let k = 0; k < 6; k++) keypoints.push([(r[4 + 2 * k]! + ax) * toImage, (r[5 + 2 * k]! + ay) * toImage])
          faces.push({
            box: { left: (cx - w / 2) * toImage, top: (cy - h / 2) * toImage, width: w * toImage, height: h * toImage },
            score,
            keypoints,
          })
        }
        return suppress(faces, nmsIou)
      } finally {
        x.dispose()
        for (const t of out) t.dispose()
      }
    },
    dispose: () => model.dispose(),
  }
}
