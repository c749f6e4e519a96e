import { z } from 'zod'
import { LIMITS } from '../base/limits.js'
import { EMOTIONS, parseEmotion, type Emotion } from '../labels/emotions.js'

/**
 * The model card: how a model wants its input and what its outputs mean. A JSON sidecar
 * `<model>.ferbench.json`, a file given with --card, or a preset. Input fields the model's own
 * input shape answers unambiguously may be left out (see resolveCard).
 */
const emotionName = z.string().transform((name, ctx): Emotion => {
  const emotion = parseEmotion(name)
  if (!emotion) {
    ctx.addIssue({ code: 'custom', message: `'${name}' is not an emotion; use one of ${EMOTIONS.join(', ')}` })
    return z.NEVER
  }
  return emotion
})

export const scaleKinds = ['raw255', 'unit', 'symmetric', 'meanstd'] as const
export const resizeKinds = ['bilinear', 'bicubic', 'nearest', 'lanczos3'] as const
export const ttaKinds = ['none', 'flip', 'tencrop'] as const
/**
 * What a 3-channel input carries: RGB (the default), BGR (OpenCV's order: cv2.imread) or gray (the
 * BT.601 luma replicated into all three channels, as for models trained on gray FER2013 faces).
 */
export const channelOrders = ['RGB', 'BGR', 'gray'] as const

export const cardInputSchema = z.strictObject({
  height: z.number().int().positive().max(LIMITS.inputSide).optional(),
  width: z.number().int().positive().max(LIMITS.inputSide).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  layout: z.enum(['NCHW', 'NHWC']).optional(),
  /** 3-channel inputs only; default RGB. */
  channelOrder: z.enum(channelOrders).optional(),
  name: z.string().min(1).optional(),
})

export const cardFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    input: cardInputSchema.default({}),
    scale: z.enum(scaleKinds),
    mean: z.array(z.number()).min(1).max(3).optional(),
    std: z.array(z.number().positive()).min(1).max(3).optional(),
    resize: z.enum(resizeKinds).optional(),
    /** Center crop (or ten-crop with tta) of this side, taken after resizing to input size + margin. */
    crop: z.strictObject({ size: z.number().int().positive().max(LIMITS.inputSide), from: z.number().int().positive().max(LIMITS.inputSide).optional() }).optional(),
    tta: z.enum(ttaKinds).optional(),
    /** What TTA averages over: the card's output kind by default. */
    ttaAverage: z.enum(['logits', 'probabilities']).optional(),
    labels: z.array(emotionName).min(2),
    output: z.enum(['logits', 'probabilities']).optional(),
    /** A batch size the model's graph fixes (e.g. 1); inferred from the input shape when left out. */
    batch: z.number().int().positive().max(LIMITS.batch).optional(),
    source: z.string().optional(),
    /** Written by `ferbench models doctor --write-card`: which fields it inferred, and the evidence. */
    origin: z.strictObject({ inferred: z.array(z.string()), evidence: z.record(z.string(), z.unknown()) }).optional(),
  })
  .superRefine((card, ctx) => {
    if (card.scale === 'meanstd' && (!card.mean || !card.std)) {
      ctx.addIssue({ code: 'custom', path: ['scale'], message: "scale 'meanstd' needs both 'mean' and 'std' arrays" })
    }
    const seen = new Set<Emotion>()
    card.labels.forEach((label, i) => {
      if (seen.has(label)) ctx.addIssue({ code: 'custom', path: ['labels', i], message: `label '${label}' appears twice` })
      seen.add(label)
    })
  })

export type CardFile = z.infer<typeof cardFileSchema>

/**
 * What a card that leaves these fields out gets. resolveCard applies them and lists each applied
 * one in the resolved card's origin.inferred (`resize=bilinear (default)`); eval and speed say so once.
 */
export const CARD_DEFAULTS = { resize: 'bilinear', tta: 'none', output: 'logits' } as const satisfies Partial<Record<keyof CardFile, string>>
export type ScaleKind = (typeof scaleKinds)[number]
export type ResizeKind = (typeof resizeKinds)[number]
export type TtaKind = (typeof ttaKinds)[number]
export type ChannelOrder = (typeof channelOrders)[number]

/** A card with every input field known: what the pipeline runs on. */
export interface ModelCard {
  /** channelOrder: present only when a 3-channel card says BGR or gray (absent = RGB). */
  input: { height: number; width: number; channels: 1 | 3; layout: 'NCHW' | 'NHWC'; name: string; channelOrder?: 'BGR' | 'gray' }
  scale: ScaleKind
  mean?: number[]
  std?: number[]
  resize: ResizeKind
  crop?: { size: number; from?: number }
  tta: TtaKind
  ttaAverage: 'logits' | 'probabilities'
  labels: Emotion[]
  output: 'logits' | 'probabilities'
  /** Batch size fixed by the model graph, or undefined when the batch dimension is dynamic. */
  fixedBatch?: number
  /** Where the card came from: a file path, `preset:<name>`, and which fields were inferred from the model. */
  origin: { source: string; inferred: string[] }
}
