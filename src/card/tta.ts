import { cardError } from '../base/errors.js'
import type { ModelCard, TtaKind } from './schema.js'

/**
 * The card with `--tta` applied: the flag overrides the card's own `tta` (the caller says so in
 * the result's warnings). tencrop needs the card's crop, because the ten windows are crops of a
 * larger image.
 */
export function withTta(card: ModelCard, tta: TtaKind | undefined): ModelCard {
  if (tta === undefined || tta === card.tta) return card
  if (tta === 'tencrop' && !card.crop) {
    throw cardError(
      `--tta tencrop: the card (${card.origin.source}) has no "crop"; ten-crop needs "crop": {"size": ${card.input.width}, "from": <larger side>} ` +
        '(e.g. size 44 from 48 for FER2013 VGG/ResNet models)',
    )
  }
  return { ...card, tta }
}
