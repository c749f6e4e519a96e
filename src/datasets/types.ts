import type { RawImage } from '../base/image.js'
import type { Emotion } from '../base/emotions.js'

/** Decoded pixels, interleaved (HWC), 8 bits per channel. */
export interface Sample {
  /** Stable id: unique in the dataset, the same on every machine (row number, relative path). */
  id: string
  /** Subject (person) id where the dataset has one: folds are made over subjects. */
  subject?: string
  label: Emotion
  /** Where the sample came from, for messages: `fer2013.csv row 17`, a file path. */
  source: string
  load(): Promise<RawImage>
  /**
   * Per-sample attributes for `eval --slice-by` beyond the subject (RAF-DB's gender/race/age,
   * a manifest's extra columns); read only when slicing. Missing ones are absent keys. A Map: the
   * names and values are text from the dataset (src/base/textKeys.ts).
   */
  attributes?(): Promise<ReadonlyMap<string, string>>
}

export interface DatasetOptions {
  /** The file or folder the user downloaded. */
  data: string
  split?: string
  /** FER+: the fer2013new.csv votes file (default: fer2013new.csv beside fer2013.csv). */
  labels?: string
  /** Folder/manifest: numeric (or other) class names → emotion, e.g. `0=neutral,1=happiness` (parsed by parseClassMap). */
  classMap?: string
  /** CK+: add the first frame of each labelled sequence as class neutral. */
  ckplusNeutral?: boolean
  /** AffectNet: 7 (contempt dropped) or 8 classes. */
  classes?: 7 | 8
  /** Subject-independent folds: number of folds (default: the dataset's own, e.g. CK+ 10). */
  folds?: number
  /** 1-based test fold; with it, the adapter yields only that fold of the split. */
  fold?: number
  /** --max-pixels: images larger than this (width × height, from the header) are per-sample failures. */
  maxPixels?: number
  /** --max-side: images with a side over this (from the header) are per-sample failures. */
  maxSide?: number
  /** --max-aspect: images whose longer side is over this many times the shorter are per-sample failures. */
  maxAspect?: number
  /** --ignore-exif-orientation: use the stored pixels as stored, whatever the EXIF orientation tag says. */
  ignoreExifOrientation?: boolean
  /** --allow-outside-root: list-based adapters may read image paths outside the dataset root. */
  allowOutsideRoot?: boolean
  /**
   * --faces: `dataset` crops with the boxes or landmarks the dataset ships (the default; whole images
   * where it ships none), `none` feeds whole images, `detect` crops detected faces (src/faces/, applied by the engine).
   */
  faces?: 'dataset' | 'detect' | 'none'
  /** --face-margin, --face-index, --align: the crop rule of `--faces detect` (src/faces/faceCrop.ts). */
  faceMargin?: number
  faceIndex?: number
  faceAlign?: boolean
}

/** Which fold of which split an adapter yields (set by the fold wrapper in folds.ts). */
export interface FoldInfo {
  fold: number
  folds: number
  /** The split the folds were made from. */
  split: string
  /** The documented assignment rule. */
  rule: string
  /** Subjects in this (test) fold. */
  subjects: string[]
}

export interface DatasetAdapter {
  readonly name: string
  /** The dataset's native label order, in canonical names (e.g. FER2013: anger, disgust, fear, ...). */
  readonly labels: readonly Emotion[]
  splits(): readonly string[]
  /** The split used when none is given. */
  readonly defaultSplit: string
  /** Streams the samples of one split: never holds the whole dataset in memory. */
  samples(split: string): AsyncIterable<Sample>
  /** Non-fatal observations made while reading (skipped files, counts that differ from the canonical ones). */
  readonly warnings: string[]
  /** Set when the adapter yields one subject-independent fold (see folds.ts). */
  readonly fold?: FoldInfo
  /** Attribute names `eval --slice-by` can use with this data (`subject` where samples carry one). */
  sliceAttributes?(): readonly string[]
  /** Rows per split value found by the last complete read (FER2013's Usage column), for messages. */
  splitsFound?(): Readonly<Record<string, number>> | undefined
  /** Milliseconds spent inside samples() turning stored pixels into images (FER2013's pixel text), where the adapter measures it. */
  readonly decodeMs?: number
}

export interface DatasetInfo {
  name: string
  description: string
  labels: readonly Emotion[]
  splits: readonly string[]
  /** Canonical sample counts per split where the dataset's owners publish them. */
  canonicalCounts?: Readonly<Record<string, number>>
  /** Folds used when --fold is given without --folds (CK+ 10, JAFFE 10 = leave-one-subject-out). */
  defaultFolds?: number
  /** How to point --data at it, for `datasets list` and docs/datasets.md. */
  dataHint?: string
}
