import type { RawImage } from '../base/image.js'
import type { DatasetAdapter, Sample } from '../datasets/types.js'
import type { DetectedFace, FaceDetector } from './blazeface.js'
import { FaceBoxCache } from './boxCache.js'
import { cropFace, type FaceCropRule } from './faceCrop.js'

/** What `--faces detect` did over a run, for the result's `dataset.faces`. */
export class FaceStats {
  samples = 0
  detected = 0
  noFace = 0
  multipleFaces = 0
}

const area = (f: DetectedFace): number => f.box.width * f.box.height

/** Turns a decoded image into its face crop, or throws naming `source`; counts into `stats`. */
export type FaceCropper = (image: RawImage, source: string) => Promise<RawImage>

/**
 * The detector and the crop rule as one step. An image with no face (or fewer faces than
 * --face-index asks for) throws, naming the file — never a silent whole-frame fallback; several
 * faces: the largest (or the one asked for), counted. Detections run one at a time (the detector
 * shares one tfjs backend).
 */
export function faceCropper(
  detector: FaceDetector,
  rule: FaceCropRule,
  stats: FaceStats,
  cache?: FaceBoxCache,
): FaceCropper {
  let queue: Promise<unknown> = Promise.resolve()
  const detect = (image: RawImage, source: string): Promise<DetectedFace[]> => {
    const next = queue.then(() => detector.detect(image))
    queue = next.catch(() => undefined)
    return next.catch((error: unknown) => {
      throw new Error(`${source}: face detection failed: ${error instanceof Error ? error.message : String(error)}`)
    })
  }
  return async (image, source) => {
    stats.samples += 1
    const key = cache ? FaceBoxCache.keyOf(image) : ''
    let found = cache?.get(key)
    if (!found) {
      found = await detect(image, source)
      cache?.put(key, found)
    }
    const faces = [...found].sort((a, b) => area(b) - area(a))
    if (faces.length > 1) stats.multipleFaces += 1
    const face = faces[rule.faceIndex]
    if (!face) {
      stats.noFace += 1
      throw new Error(
        faces.length === 0
          ? `${source}: no face detected (${detector.name.split(' ')[0]}, score ≥ ${detector.thresholds.minScore})`
          : `${source}: ${faces.length} face(s) detected, --face-index ${rule.faceIndex} asks for face ${rule.faceIndex + 1}`,
      )
    }
    stats.detected += 1
    return cropFace(image, face, rule)
  }
}

/** The adapter's samples, each image replaced by its face crop (the sample stays the prototype: id, label, attributes). */
export function withDetectedFaces(adapter: DatasetAdapter, crop: FaceCropper): DatasetAdapter {
  const wrap = (sample: Sample): Sample =>
    Object.create(sample, {
      load: { value: async () => crop(await sample.load(), sample.source), enumerable: true },
    }) as Sample
  return new Proxy(adapter, {
    get(target, prop) {
      if (prop === 'samples')
        return async function* (split: string) {
          for await (const sample of target.samples(split)) yield wrap(sample)
        }
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
