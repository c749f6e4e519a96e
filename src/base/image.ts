/** What the decoder did to a file's pixels beyond decoding them (src/datasets/decode.ts). */
export interface DecodeNotes {
  /** The file's EXIF orientation tag when it is 2–8 (1 and no tag: absent). */
  exifOrientation?: number
  /** Whether the EXIF orientation was applied to the pixels (false with --ignore-exif-orientation). */
  orientationApplied: boolean
  /** Frames (pages) in the file when more than one: only the first was decoded. */
  frames?: number
  /** The stored size when the decoder shrank the image (over DEFAULT_MAX_PIXELS pixels). */
  shrunkFrom?: { width: number; height: number }
}

/** Decoded pixels as the dataset adapters hand them over: row-major, interleaved channels. */
export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: 1 | 3
  /** Set by the image-file decoder (absent for pixels from a CSV or made in memory). */
  notes?: DecodeNotes
}
