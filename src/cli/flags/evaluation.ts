import { Flags } from '@oclif/core'
import { LIMITS } from '../../base/limits.js'
import { ttaKinds } from '../../card/schema.js'
import { DECODE_SLOTS } from '../../datasets/decodeLimits.js'
import { DEFAULT_CONCURRENCY } from '../../engine/spec.js'
import { EXTRA_CLASS_POLICIES } from '../../base/labelMapping.js'

/** How an evaluation scores (eval and robust): --tta over the card's, and what to do with the model's extra classes. */
export const scoringFlags = {
  tta: Flags.option({
    description:
      "test-time augmentation, overriding the card's: none, flip (image + mirror), tencrop (4 corners + center, each mirrored; needs the card's crop)",
    options: ttaKinds,
  })(),
  'extra-classes': Flags.option({
    description:
      'model classes the dataset lacks (e.g. contempt on FER2013): drop = exclude from the argmax, keep = count as wrong',
    options: EXTRA_CLASS_POLICIES,
    default: 'drop',
  })(),
}

export const strictFlag = Flags.boolean({ description: 'stop at the first sample that fails to load' })

/** --concurrency: samples prepared ahead of inference. */
export const concurrencyFlag = Flags.integer({
  description: `samples prepared ahead of inference (1 = serial, max ${LIMITS.concurrency}; at most ${DECODE_SLOTS} are decoded at a time); results are identical for every value`,
  default: DEFAULT_CONCURRENCY,
  min: 1,
  max: LIMITS.concurrency,
})
