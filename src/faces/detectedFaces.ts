import type { DatasetAdapter, Sample } from '../datasets/types.js'
import type { DetectedFace, FaceDetector } from './blazeface.js'
import { cropFace, type FaceCropRule } from './faceCrop.js'

/** What `--faces detect` did over a run, for the result's `dataset.faces`. */
export class FaceStats {
  samples = 0
  detected = 0
  noFace = 0
  multipleFaces = 0
}

const area = (f: DetectedFace): number => f.box.width * f.box.height

/**
 * The adapter's samples with each image replaced by its detected face, cropped by the rule. An
 * image with no face (or fewer faces than --face-index asks for) is a sample failure naming the
 * file — never a silent whole-frame fallback; several faces: the largest (or the one asked for),
 * counted. Detections run one at a time (the detector shares one tfjs backend).
 */
export function withDetectedFaces(
  adapter: DatasetAdapter,
  detector: FaceDetector,
  rule: FaceCropRule,
  stats: FaceStats,
): DatasetAdapter {
  let queue: Promise<unknown> = Promise.resolve()
  const detect = (sample: Sample, image: Parameters<FaceDetector['detect']>[0]): Promise<DetectedFace[]> => {
    const next = queue.then(() => detector.detect(image))
    queue = next.catch(() => undefined)
    return next.then(
      (faces) => faces,
      (error: unknown) => {
        throw new Error(
          `${sample.source}: face detection failed: ${error instanceof Error ? error.message : String(error)}`,
        )
      },
    )
  }
  // the sample itself stays the prototype: its id, label, source and attributes() are read through it
  const wrap = (sample: Sample): Sample =>
    Object.create(sample, { load: { value: load(sample), enumerable: true } }) as Sample
  const load = (sample: Sample) => async () => {
    const image = await sample.load()
    stats.samples += 1
    const faces = [...(await detect(sample, image))].sort((a, b) => area(b) - area(a))
    if (faces.length > 1) stats.multipleFaces += 1
    const face = faces[rule.faceIndex]
    if (!face) {
      stats.noFace += 1
      throw new Error(
        faces.length === 0
          ? `${sample.source}: no face detected (${detector.name.split(' ')[0]}, score ≥ ${detector.thresholds.minScore})`
          : `${sample.source}: ${faces.length} face(s) detected, --face-index ${rule.faceIndex} asks for face ${rule.faceIndex + 1}`,
      )
    }
    stats.detected += 1
    return cropFace(image, face, rule)
  }
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
