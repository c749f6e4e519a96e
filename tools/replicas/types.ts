import type { CardFile } from '../../src/card/schema.js'

/** A parameter count a paper or repository states, to check a replica against. */
export interface StatedParams {
  value: number
  /** 'total' = all stored weights incl. BatchNorm running statistics (Keras "Total params"); 'trainable' = PyTorch parameters(). */
  kind: 'total' | 'trainable'
  /** Relative tolerance of the check (0 = exact). */
  tolerance: number
  source: string
}

/** Speed/size claims from docs/claims.md, to print beside the measured numbers. */
export interface ReplicaClaim {
  text: string
  sizeBytes?: number
  /** Claimed frames per second, on the machine the claim names. */
  fps?: number
  machine?: string
}

/**
 * An architecture replica of a published FER model: the same layers and shapes with deterministic
 * random weights. Weights do not change speed, so a replica measures size and latency of the
 * published architecture; it cannot measure accuracy.
 */
export interface Replica {
  id: string
  title: string
  /** Where the architecture comes from (paper and code). */
  source: string
  /** The layer list, one line per stage, as documented in the source. */
  layers: string[]
  /** Input channels, height, width (NCHW; batch dimension dynamic). */
  input: [number, number, number]
  classes: number
  card: CardFile & { $comment: string }
  stated?: StatedParams
  claim?: ReplicaClaim
  build(): Uint8Array
}
