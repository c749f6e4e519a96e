/** Decoded pixels as the dataset adapters hand them over: row-major, interleaved channels. */
export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: 1 | 3
}
