import { Flags } from '@oclif/core'
import { datasetNames } from '../datasets/registry.js'

/** Flags shared by `datasets inspect` and `datasets audit`: which dataset, where, and adapter options. */
export const datasetSelectionFlags = {
  dataset: Flags.string({ char: 'd', description: `dataset adapter (${datasetNames().join(', ')})`, required: true }),
  data: Flags.string({ description: 'the dataset file or folder as downloaded', required: true }),
  split: Flags.string({ char: 's', description: 'only this split (default: every split)' }),
  labels: Flags.string({ description: 'ferplus: the fer2013new.csv votes file (default: beside --data)' }),
  'class-map': Flags.string({ description: "folder/manifest: class names → emotions, e.g. '0=neutral,1=happiness'" }),
  'ckplus-neutral': Flags.boolean({ description: 'ckplus (original layout): add the first frame of each labelled sequence as neutral' }),
  classes: Flags.string({ description: 'affectnet: 8 classes, or 7 (contempt dropped)', options: ['7', '8'] }),
}
