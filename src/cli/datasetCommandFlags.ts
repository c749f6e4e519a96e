import { Flags } from '@oclif/core'
import { LIMITS } from '../base/limits.js'
import { DEFAULT_MAX_PIXELS } from '../datasets/decode.js'
import { datasetNames } from '../datasets/registry.js'

/** --allow-outside-root: the dataset-root rule's escape hatch (docs/robustness.md). */
export const allowOutsideRootFlag = Flags.boolean({
  description: 'read image paths (manifest/AffectNet list entries, symlinked class folders) that lie outside the dataset root; by default they are refused',
})

/** --max-pixels: the per-image pixel limit, checked from the header before decoding. */
export const maxPixelsFlag = Flags.integer({
  description: `images with more pixels (width × height) than this are per-sample failures, refused from the header (default ${DEFAULT_MAX_PIXELS} = 4096², max ${LIMITS.maxPixels})`,
  min: 1,
  max: LIMITS.maxPixels,
})

/** Flags shared by `datasets inspect` and `datasets audit`: which dataset, where, and adapter options. */
export const datasetSelectionFlags = {
  dataset: Flags.string({ char: 'd', description: `dataset adapter (${datasetNames().join(', ')})`, required: true }),
  data: Flags.string({ description: 'the dataset file or folder as downloaded', required: true }),
  split: Flags.string({ char: 's', description: 'only this split (default: every split)' }),
  labels: Flags.string({ description: 'ferplus: the fer2013new.csv votes file (default: beside --data)' }),
  'class-map': Flags.string({ description: "folder/manifest: class names → emotions, e.g. '0=neutral,1=happiness'" }),
  'ckplus-neutral': Flags.boolean({ description: 'ckplus (original layout): add the first frame of each labelled sequence as neutral' }),
  classes: Flags.string({ description: 'affectnet: 8 classes, or 7 (contempt dropped)', options: ['7', '8'] }),
  'allow-outside-root': allowOutsideRootFlag,
}
