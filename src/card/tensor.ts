import { cardError, dataError } from '../base/errors.js'
import type { RawImage } from '../base/image.js'
import type { ModelCard } from './schema.js'
import { crop, cropWindow, flipHorizontal, resize, toInputChannels } from './pixels.js'
import { checkInputSize, pixelScale, writePixels } from './pixelTensor.js'

/**
 * Writes one image into `out` at `offset` as the card says: scale mode, then layout.
 *  raw255: x · unit: x/255 · symmetric: (x/255 − 0.5)·2 · meanstd: (x/255 − mean[c]) / std[c]
 */
export function writeTensor(image: RawImage, card: ModelCard, out: Float32Array, offset: number): void {
  checkInputSize(image, card)
  writePixels(image.data, pixelScale(card), out, offset)
}

/** Number of views one sample becomes under the card's test-time augmentation. */
export function viewCount(card: ModelCard): number {
  return card.tta === 'tencrop' ? 10 : card.tta === 'flip' ? 2 : 1
}

/**
 * The model-ready views of one image: channel conversion (gray, RGB, BGR), resize, optional crop, and TTA views.
 *  - no crop: resize to the input size; flip adds the mirror image.
 *  - crop {size, from}: resize to from×from (or keep the image as given when `from` is absent),
 *    then take size×size windows (size = the input side, checked by resolveCard): the center, or
 *    for tencrop the 4 corners + center, each also mirrored (torchvision TenCrop order:
 *    tl, tr, bl, br, center, then the same five flipped); flip = center + its mirror.
 * Returned as pixel images; writeTensor turns each into floats. Besides the channel conversion of
 * the image to resize, everything allocated is the size of what is produced (rows of the output, the
 * crops, their mirrors).
 */
/**
 * prepareViews without waiting, where no resize is needed (no crop, the image already the input's
 * size once in its channels, no ten-crop): the same views, or undefined (then prepareViews). A robust
 * run prepares one image per condition, 50,000 of them for the CK+ defaults, nearly all at the size
 * they were decoded at.
 */
export function prepareViewsNow(image: RawImage, card: ModelCard): RawImage[] | undefined {
  if (card.crop || (card.tta !== 'none' && card.tta !== 'flip')) return undefined
  if (image.width !== card.input.width || image.height !== card.input.height) return undefined
  const converted = toInputChannels(image, card.input)
  return card.tta === 'none' ? [converted] : [converted, flipHorizontal(converted)]
}

export async function prepareViews(image: RawImage, card: ModelCard): Promise<RawImage[]> {
  const now = prepareViewsNow(image, card)
  if (now) return now
  const { width, height } = card.input
  if (!card.crop) {
    const resized = await resize(toInputChannels(image, card.input), width, height, card.resize)
    if (card.tta === 'none') return [resized]
    if (card.tta === 'flip') return [resized, flipHorizontal(resized)]
    throw cardError(`tta 'tencrop' needs "crop": {"size": <input side>, "from": <side to resize to first>} in the card`)
  }
  const { size, from } = card.crop
  // Without crop.from the windows are cut first and converted after (per-pixel, so the same values):
  // no full-size copy of a large image is made.
  const source = from !== undefined ? await resize(toInputChannels(image, card.input), from, from, card.resize) : image
  if (source.width < size || source.height < size) {
    throw dataError(
      `image ${source.width}×${source.height} is smaller than the card's ${size}×${size} crop; set crop.from to resize it first`,
    )
  }
  const positions = card.tta === 'tencrop' ? (['tl', 'tr', 'bl', 'br', 'center'] as const) : (['center'] as const)
  const views: RawImage[] = []
  for (const at of positions) {
    const { left, top } = cropWindow(source, size, at)
    views.push(toInputChannels(crop(source, left, top, width, height), card.input))
  }
  if (card.tta === 'none') return views
  return card.tta === 'tencrop' ? [...views, ...views.map(flipHorizontal)] : [views[0]!, flipHorizontal(views[0]!)]
}
