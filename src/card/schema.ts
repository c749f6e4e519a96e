import { z } from 'zod'
import { cardError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import { EMOTIONS, parseEmotion, type Emotion } from '../base/emotions.js'

/**
 * The model card: how a model wants its input and what its outputs mean. A JSON sidecar
 * `<model>.ferbench.json`, a file given with --card, or a preset (src/card/load.ts finds it).
 * Input fields the model's own input shape answers unambiguously may be left out; resolveCard
 * (src/card/resolve.ts) fills them and the defaults, giving the resolved card (modelCardSchema).
 * These zod schemas are the one definition of both; the documents embed them.
 */

/** An emotion name or a synonym (happy, angry…), read as the canonical name. */
const emotionName = z
  .string()
  .transform((name, ctx): Emotion => {
    const emotion = parseEmotion(name)
    if (!emotion) {
      ctx.addIssue({ code: 'custom', message: `'${name}' is not an emotion; use one of ${EMOTIONS.join(', ')}` })
      return z.NEVER
    }
    return emotion
  })
  .pipe(z.enum(EMOTIONS))

export const scaleKinds = ['raw255', 'unit', 'symmetric', 'meanstd'] as const
export const resizeKinds = ['bilinear', 'bicubic', 'nearest', 'lanczos3'] as const
export const ttaKinds = ['none', 'flip', 'tencrop'] as const
/**
 * What a 3-channel input carries: RGB (the default), BGR (OpenCV's order: cv2.imread) or gray (the
 * BT.601 luma replicated into all three channels, as for models trained on gray FER2013 faces).
 */
export const channelOrders = ['RGB', 'BGR', 'gray'] as const
const layouts = ['NCHW', 'NHWC'] as const
const outputKinds = ['logits', 'probabilities'] as const

const side = z.number().int().positive().max(LIMITS.inputSide)

const cardInputSchema = z.strictObject({
  height: side.optional(),
  width: side.optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  layout: z.enum(layouts).optional(),
  /** 3-channel inputs only; default RGB. */
  channelOrder: z.enum(channelOrders).optional(),
  name: z.string().min(1).optional(),
})

const cardFileFields = {
  $comment: z.string().optional(),
  input: cardInputSchema.default({}),
  scale: z.enum(scaleKinds),
  mean: z.array(z.number()).min(1).max(3).optional(),
  std: z.array(z.number().positive()).min(1).max(3).optional(),
  resize: z.enum(resizeKinds).optional(),
  /** Center crop (or ten-crop with tta) of this side, taken after resizing to input size + margin. */
  crop: z.strictObject({ size: side, from: side.optional() }).optional(),
  tta: z.enum(ttaKinds).optional(),
  /** What TTA averages over: the card's output kind by default. */
  ttaAverage: z.enum(outputKinds).optional(),
  labels: z.array(emotionName).min(2),
  output: z.enum(outputKinds).optional(),
  /** A batch size the model's graph fixes (e.g. 1); inferred from the input shape when left out. */
  batch: z.number().int().positive().max(LIMITS.batch).optional(),
  source: z.string().optional(),
  /** Written by `ferbench models doctor --write-card`: which fields it inferred, and the evidence. */
  origin: z.strictObject({ inferred: z.array(z.string()), evidence: z.record(z.string(), z.unknown()) }).optional(),
}

/** What no single field can say: meanstd needs mean and std; a label appears once. */
function checkCard(
  card: { scale: ScaleKind; mean?: number[] | undefined; std?: number[] | undefined; labels: Emotion[] },
  ctx: z.RefinementCtx,
): void {
  if (card.scale === 'meanstd' && (!card.mean || !card.std)) {
    ctx.addIssue({ code: 'custom', path: ['scale'], message: "scale 'meanstd' needs both 'mean' and 'std' arrays" })
  }
  const seen = new Set<Emotion>()
  card.labels.forEach((label, i) => {
    if (seen.has(label))
      ctx.addIssue({ code: 'custom', path: ['labels', i], message: `label '${label}' appears twice` })
    seen.add(label)
  })
}

/** A card file as a user writes it (--card, a sidecar) and as a preset is written. */
const cardFileSchema = z.strictObject(cardFileFields).superRefine(checkCard)

/**
 * A card file that states every field with a default (resize, tta, output): the card
 * `ferbench models doctor` writes into its document and with --write-card.
 */
export const statedCardSchema = z
  .strictObject({ ...cardFileFields, resize: z.enum(resizeKinds), tta: z.enum(ttaKinds), output: z.enum(outputKinds) })
  .superRefine(checkCard)

export type CardFile = z.infer<typeof cardFileSchema>

/**
 * A card with every input field known: what the pipeline runs on, and what eval and speed
 * documents record as model.card.
 */
export const modelCardSchema = z.object({
  input: z.object({
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    layout: z.enum(layouts),
    name: z.string(),
    /** Present only when a 3-channel card says BGR or gray (absent = RGB). */
    channelOrder: z.enum(['BGR', 'gray']).optional(),
  }),
  scale: z.enum(scaleKinds),
  mean: z.array(z.number()).optional(),
  std: z.array(z.number()).optional(),
  resize: z.enum(resizeKinds),
  crop: z.object({ size: z.number().int().positive(), from: z.number().int().positive().optional() }).optional(),
  tta: z.enum(ttaKinds),
  ttaAverage: z.enum(outputKinds),
  labels: z.array(z.enum(EMOTIONS)),
  output: z.enum(outputKinds),
  /** Batch size fixed by the model graph, or undefined when the batch dimension is dynamic. */
  fixedBatch: z.number().int().positive().optional(),
  /** Where the card came from: a file path, `preset:<name>`, and which fields were inferred from the model. */
  origin: z.object({ source: z.string(), inferred: z.array(z.string()) }),
})

export type ModelCard = z.infer<typeof modelCardSchema>

/**
 * What a card that leaves these fields out gets. resolveCard applies them and lists each applied
 * one in the resolved card's origin.inferred (`resize=bilinear (default)`); eval and speed say so once.
 */
export const CARD_DEFAULTS = { resize: 'bilinear', tta: 'none', output: 'logits' } as const satisfies Partial<
  Record<keyof CardFile, string>
>
export type ScaleKind = (typeof scaleKinds)[number]
export type ResizeKind = (typeof resizeKinds)[number]
export type TtaKind = (typeof ttaKinds)[number]
export type ChannelOrder = (typeof channelOrders)[number]

/** `issue at path: message (received: value)` for each zod issue, so a user sees field and value. */
function describeIssues(error: z.ZodError, raw: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(card)'
      let value: unknown = raw
      for (const key of issue.path) {
        value =
          value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(key)] : undefined
      }
      const received = value === undefined ? 'missing' : JSON.stringify(value)
      return `${path}: ${issue.message} (received: ${received})`
    })
    .join('; ')
}

/** A card file validated by the schema; `source` (a path, `preset:<name>`) starts the error, which names each field and value. */
export function parseCard(raw: unknown, source: string): CardFile {
  const parsed = cardFileSchema.safeParse(raw)
  if (!parsed.success) throw cardError(`${source}: invalid model card: ${describeIssues(parsed.error, raw)}`)
  return parsed.data
}
