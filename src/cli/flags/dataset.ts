import { Flags } from '@oclif/core'
import { usageError } from '../../base/errors.js'
import { LIMITS } from '../../base/limits.js'
import { DEFAULT_MAX_ASPECT, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE } from '../../datasets/decodeLimits.js'
import { datasetNames } from '../../datasets/registry.js'
import type { DatasetOptions } from '../../datasets/types.js'

/**
 * Which dataset, where, and the adapter options: each flag declared once here, as eval words it;
 * a command that narrows a flag's meaning passes its own description (`splitFlag({ description })`).
 */
export const datasetFlag = Flags.custom<string>({
  char: 'd',
  description: `dataset adapter (${datasetNames().join(', ')}, ...)`,
})

export const dataFlag = Flags.custom<string>({ description: 'the dataset file or folder as downloaded' })

export const splitFlag = Flags.custom<string>({
  char: 's',
  description: 'split to evaluate (fer2013: Training, PublicTest, PrivateTest; default PrivateTest)',
})

const labelsFlag = Flags.custom<string>({
  description: 'ferplus: the fer2013new.csv votes file (default: fer2013new.csv beside --data)',
})

const classMapFlag = Flags.custom<string>({
  description: "folder/manifest: class names → emotions, e.g. '0=neutral,1=happiness,2=surprise'",
})

const ckplusNeutralFlag = Flags.boolean({
  description: 'ckplus (original layout): add the first frame of each labelled sequence as neutral',
})

const classesFlag = Flags.option({
  description: 'affectnet: 8 classes, or 7 (contempt dropped)',
  options: ['7', '8'] as const,
})

/** --folds: subject-independent folds (at least 2). */
export function foldsFlag(
  description = 'subject-independent folds of the split (CK+ and JAFFE default to 10); without --fold, every fold is evaluated (--model may contain {fold})',
) {
  return Flags.integer({ description: `${description}; 2–${LIMITS.folds}`, min: 2, max: LIMITS.folds })
}

const foldFlag = Flags.integer({
  description: 'evaluate only this fold (1-based) of --folds',
  min: 1,
  max: LIMITS.folds,
})

/** --allow-outside-root: the dataset-root rule's escape hatch (docs/bad-input.md). */
const allowOutsideRootFlag = Flags.boolean({
  description:
    'read image paths (manifest/AffectNet list entries, symlinked class folders) that lie outside the dataset root; by default they are refused',
})

/** --max-pixels: the per-image pixel limit, checked from the header before decoding. */
export const maxPixelsFlag = Flags.integer({
  description: `images with more pixels (width × height) than this are per-sample failures, refused from the header (default ${DEFAULT_MAX_PIXELS} = 4096², max ${LIMITS.maxPixels})`,
  min: 1,
  max: LIMITS.maxPixels,
})

/** --max-side: the per-image side limit, checked from the header before decoding. */
export const maxSideFlag = Flags.integer({
  description: `images with a width or height over this are per-sample failures, refused from the header (default ${DEFAULT_MAX_SIDE}, max ${LIMITS.maxSide})`,
  min: 1,
  max: LIMITS.maxSide,
})

/** --max-aspect: the per-image aspect limit (longer side / shorter side), checked from the header. */
export const maxAspectFlag = Flags.integer({
  description: `images whose longer side is over this many times the shorter are per-sample failures, refused from the header (default ${DEFAULT_MAX_ASPECT}, max ${LIMITS.maxAspect})`,
  min: 1,
  max: LIMITS.maxAspect,
})

/** --ignore-exif-orientation: keep the stored pixels of images with an EXIF orientation tag. */
export const ignoreExifOrientationFlag = Flags.boolean({
  description:
    'use the stored pixels of images whose EXIF orientation tag says to rotate or mirror them (by default they are turned upright before preprocessing); for datasets whose models were trained ignoring the tag',
})

/** --dataset (default fer2013), --data, --split: what eval and robust score. */
export const dataFlags = {
  dataset: datasetFlag({ default: 'fer2013' }),
  data: dataFlag(),
  split: splitFlag(),
}

/** The adapter options eval and robust pass to the dataset (beyond --data and --split). */
export const adapterFlags = {
  labels: labelsFlag(),
  'class-map': classMapFlag(),
  'ckplus-neutral': ckplusNeutralFlag,
  classes: classesFlag(),
}

/** --folds and --fold: one fold (or, for eval, every fold) of a subject-independent split. */
export const foldFlags = {
  folds: foldsFlag(),
  fold: foldFlag,
}

/** --faces and the crop rule of --faces detect (docs/faces.md). */
export const faceFlags = {
  faces: Flags.option({
    options: ['dataset', 'detect', 'none'] as const,
    description:
      'dataset: crop with the boxes or landmarks the dataset ships (CK+ landmarks, AffectNet boxes; whole images where it ships none); detect: crop the face BlazeFace finds (an image without one is a failed sample); none: whole images (default: dataset)',
  })(),
  'face-margin': Flags.custom<number>({
    description: 'with --faces detect: the square crop is this many times the detected box (default 1.4)',
    parse: async (text) => {
      const value = Number(text)
      if (!(value >= 1 && value <= 4)) throw usageError(`--face-margin ${text}: expected a number from 1 to 4`)
      return value
    },
  })(),
  'face-index': Flags.integer({
    description: 'with --faces detect: which face when there are several, by size (0 = the largest, the default)',
    min: 0,
    max: 64,
  }),
  align: Flags.boolean({ description: 'with --faces detect: turn each crop so the eyes are level' }),
}

/** What a decoded image may be: its pixel count and where its file may lie. */
export const imageLimitFlags = {
  'max-pixels': maxPixelsFlag,
  'max-side': maxSideFlag,
  'max-aspect': maxAspectFlag,
  'ignore-exif-orientation': ignoreExifOrientationFlag,
  'allow-outside-root': allowOutsideRootFlag,
}

/** Flags shared by `datasets inspect` and `datasets audit`: which dataset, where, and adapter options. */
export const datasetSelectionFlags = {
  dataset: datasetFlag({ description: `dataset adapter (${datasetNames().join(', ')})`, required: true }),
  data: dataFlag({ required: true }),
  split: splitFlag({ description: 'only this split (default: every split)' }),
  labels: labelsFlag({ description: 'ferplus: the fer2013new.csv votes file (default: beside --data)' }),
  'class-map': classMapFlag({ description: "folder/manifest: class names → emotions, e.g. '0=neutral,1=happiness'" }),
  'ckplus-neutral': ckplusNeutralFlag,
  classes: classesFlag(),
  'allow-outside-root': allowOutsideRootFlag,
}

/** The eval flags that reach the dataset adapter (beyond --data and --split). */
export interface DatasetFlagValues {
  labels?: string | undefined
  'class-map'?: string | undefined
  'ckplus-neutral'?: boolean | undefined
  classes?: '7' | '8' | undefined
  folds?: number | undefined
  fold?: number | undefined
  'max-pixels'?: number | undefined
  'max-side'?: number | undefined
  'max-aspect'?: number | undefined
  'ignore-exif-orientation'?: boolean | undefined
  'allow-outside-root'?: boolean | undefined
  faces?: 'dataset' | 'detect' | 'none' | undefined
  'face-margin'?: number | undefined
  'face-index'?: number | undefined
  align?: boolean | undefined
}

/** The adapter options these flags give (an absent flag is undefined, an unset switch too). */
export function evalDatasetOptions(flags: DatasetFlagValues): Omit<DatasetOptions, 'data' | 'split'> {
  return {
    labels: flags.labels,
    classMap: flags['class-map'],
    ckplusNeutral: flags['ckplus-neutral'] || undefined,
    classes: flags.classes === undefined ? undefined : flags.classes === '7' ? 7 : 8,
    folds: flags.folds,
    fold: flags.fold,
    maxPixels: flags['max-pixels'],
    maxSide: flags['max-side'],
    maxAspect: flags['max-aspect'],
    ignoreExifOrientation: flags['ignore-exif-orientation'] || undefined,
    allowOutsideRoot: flags['allow-outside-root'] || undefined,
    faces: flags.faces,
    faceMargin: flags['face-margin'],
    faceIndex: flags['face-index'],
    faceAlign: flags.align || undefined,
  }
}
