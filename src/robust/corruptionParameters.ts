import type { Corruption } from '../results/robustDocument.js'

/**
 * The corruptions' parameters per severity (src/robust/corruptions.ts), on their own so that the
 * WebAssembly glue (src/robust/wasm/noiseKernel.ts) reads them without importing the corruptions.
 */

/** The parameter of each corruption per severity 1–5 (index 0 = severity 1). */
export const CORRUPTION_PARAMETERS: Record<Corruption, { values: readonly number[]; meaning: string }> = {
  'gaussian-noise': {
    values: [0.08, 0.12, 0.18, 0.26, 0.38],
    meaning: 'σ of added N(0, σ²) noise, in units of the 0–255 range (ImageNet-C)',
  },
  'gaussian-blur': {
    values: [1.5, 2, 3, 4, 6],
    meaning: 'σ = value · s / 100 pixels (at least 0.6: libvips leaves an image unchanged below about 0.5), sharp blur',
  },
  'motion-blur': {
    values: [4, 7, 10, 14, 19],
    meaning:
      'line kernel of length max(2, round(value · s / 100)) pixels at a seeded angle in [−45°, 45°], sharp convolve',
  },
  jpeg: { values: [25, 18, 15, 10, 7], meaning: 'JPEG quality (ImageNet-C), encoded and decoded by sharp' },
  'low-resolution': {
    values: [1.5, 2, 3, 4, 6],
    meaning: 'down-sampled by this factor (sharp lanczos3), then up to the original size (sharp linear)',
  },
  brightness: {
    values: [0.1, 0.2, 0.3, 0.4, 0.5],
    meaning: 'value · 255 added to every channel, clipped (ImageNet-C brightness shift)',
  },
  contrast: { values: [0.4, 0.3, 0.2, 0.1, 0.05], meaning: 'x → (x − mean) · value + mean per channel (ImageNet-C)' },
  rotation: {
    values: [5, 10, 15, 20, 25],
    meaning: 'rotated by ± value degrees (sign seeded), same size, corners filled with the image mean, sharp rotate',
  },
  'occlusion-eyes': {
    values: [0.1, 0.14, 0.18, 0.22, 0.26],
    meaning: 'black box of height value · h centred on row 0.42 · h, columns 0.1 · w to 0.9 · w',
  },
  'occlusion-mouth': {
    values: [0.1, 0.14, 0.18, 0.22, 0.26],
    meaning: 'black box of height value · h centred on row 0.75 · h, width (0.3 + (value − 0.1) · 1.5) · w centred',
  },
}
