import path from 'node:path'
import type { DatasetAdapter, DatasetOptions } from '../datasets/types.js'
import { cacheRoot } from '../zoo/cache.js'
import { DEFAULT_FACE_MARGIN, type FaceCropRule } from './faceCrop.js'
import type { FaceCropper } from './detectedFaces.js'

/** `--faces`: the boxes or landmarks a dataset ships (`dataset`), a face detector (`detect`), or whole images (`none`). */
export const FACE_MODES = ['dataset', 'detect', 'none'] as const
export type FaceMode = (typeof FACE_MODES)[number]

/** What a result records under `dataset.faces` (docs/faces.md). */
export interface FacesSummary {
  mode: FaceMode
  detector?: string
  sha256?: string
  backend?: string
  thresholds?: { minScore: number; nmsIou: number }
  crop?: { shape: 'square'; margin: number; align: boolean; faceIndex: number }
  /** Images the detector looked at, those where it found the face asked for, those where it found none. */
  samples?: number
  detected?: number
  missed?: number
  detectionRate?: number
  /** Images with more than one face (the largest, or --face-index, was used). */
  multipleFaces?: number
  /** Correct predictions over every image the detector saw, a missed face counting as wrong. */
  accuracyCountingMisses?: number
  /** The box cache: its file, the images whose boxes came from it, and those added by this run. */
  cache?: { path: string; hits: number; stored: number }
}

export interface FaceRun {
  adapter: DatasetAdapter
  /** The crop step alone, for a caller that decodes the images itself (`datasets inspect --faces detect`); undefined unless detecting. */
  crop?: FaceCropper
  summary(correct: number): FacesSummary
  release(): void
  /** Fallbacks taken (the box cache could not be written), each said once. */
  notes(): string[]
}

/**
 * The samples as `--faces` asks for them. Nothing is changed (and nothing recorded) when the flag
 * is not given; `dataset` and `none` are the adapter's own business (it crops with its boxes or
 * landmarks, or not) and are recorded; `detect` runs BlazeFace on every image and crops by the rule.
 */
export async function openFaces(adapter: DatasetAdapter, options: DatasetOptions): Promise<FaceRun | undefined> {
  const mode = options.faces
  if (mode === undefined) return undefined
  if (mode !== 'detect') return { adapter, summary: () => ({ mode }), release: () => undefined, notes: () => [] }
  // the detector (and tfjs behind it) loads only when asked for: `--faces dataset|none` needs none of it
  const [{ loadBlazeFace }, { FaceBoxCache }, { faceCropper, FaceStats, withDetectedFaces }] = await Promise.all([
    import('./blazeface.js'),
    import('./boxCache.js'),
    import('./detectedFaces.js'),
  ])
  const detector = await loadBlazeFace()
  const rule: FaceCropRule = {
    margin: options.faceMargin ?? DEFAULT_FACE_MARGIN,
    align: options.faceAlign ?? false,
    faceIndex: options.faceIndex ?? 0,
  }
  const stats = new FaceStats()
  // boxes per image and detector, so that another run skips detection (docs/faces.md)
  const cache = new FaceBoxCache(path.join(cacheRoot(), 'faces', `${detector.sha256}.jsonl`))
  const crop = faceCropper(detector, rule, stats, cache)
  return {
    adapter: withDetectedFaces(adapter, crop),
    crop,
    summary: (correct) => ({
      mode,
      detector: detector.name,
      sha256: detector.sha256,
      backend: detector.backend,
      thresholds: detector.thresholds,
      crop: { shape: 'square', ...rule },
      samples: stats.samples,
      detected: stats.detected,
      missed: stats.noFace,
      detectionRate: stats.samples > 0 ? stats.detected / stats.samples : 0,
      multipleFaces: stats.multipleFaces,
      accuracyCountingMisses: stats.samples > 0 ? correct / stats.samples : 0,
      cache: { path: cache.file, hits: cache.hits, stored: cache.stored },
    }),
    release: () => detector.dispose(),
    notes: () => (cache.failure ? [cache.failure] : []),
  }
}
