import type { Emotion } from '../labels/emotions.js'

/** Decoded pixels, interleaved (HWC), 8 bits per channel. */
export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: 1 | 3
}

export interface Sample {
  /** Stable id: unique in the dataset, the same on every machine (row number, relative path). */
  id: string
  /** Subject (person) id where the dataset has one: folds are made over subjects. */
  subject?: string
  label: Emotion
  /** Where the sample came from, for messages: `fer2013.csv row 17`, a file path. */
  source: string
  load(): Promise<RawImage>
}

export interface DatasetOptions {
  /** The file or folder the user downloaded. */
  data: string
  split?: string
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
}

export interface DatasetInfo {
  name: string
  description: string
  labels: readonly Emotion[]
  splits: readonly string[]
  /** Canonical sample counts per split where the dataset's owners publish them. */
  canonicalCounts?: Readonly<Record<string, number>>
}
