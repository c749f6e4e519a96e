import { cardError, modelError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import { CARD_DEFAULTS, type CardFile, type ModelCard } from './schema.js'

/** What a runner knows about the model's image input. Symbolic dimensions are strings or -1. */
export interface ModelInputInfo {
  name: string
  shape: ReadonlyArray<number | string>
}

/** A dimension the model fixes (a positive number); undefined for a symbolic or −1 one. */
export const knownDim = (d: number | string | undefined): number | undefined =>
  typeof d === 'number' && d > 0 ? d : undefined

/** The layout a 4-D input shape settles by itself: 1 or 3 channels at one end only; undefined when it does not. */
export function shapeLayout(shape: ReadonlyArray<number | string>): 'NCHW' | 'NHWC' | undefined {
  if (shape.length !== 4) return undefined
  const isChannels = (d: number | string | undefined): boolean => knownDim(d) === 1 || knownDim(d) === 3
  if (isChannels(shape[1]) && !isChannels(shape[3])) return 'NCHW'
  if (isChannels(shape[3]) && !isChannels(shape[1])) return 'NHWC'
  return undefined
}

/**
 * The two readings side by side: what the card expects (`NCHW 1×64×64`, in its layout's order) and
 * what the model's shape is when read in the layout it settles by itself (`NHWC 48×48×1`).
 */
function shapeMismatch(
  card: CardFile,
  layout: 'NCHW' | 'NHWC',
  shape: ReadonlyArray<number | string>,
  source: string,
): string {
  const dim = (d: number | string | undefined): string => String(knownDim(d) ?? '?')
  const i = card.input
  const expects =
    layout === 'NCHW'
      ? `NCHW ${dim(i.channels)}×${dim(i.height)}×${dim(i.width)}`
      : `NHWC ${dim(i.height)}×${dim(i.width)}×${dim(i.channels)}`
  const own = shapeLayout(shape)
  const model =
    own === 'NHWC'
      ? `NHWC ${dim(shape[1])}×${dim(shape[2])}×${dim(shape[3])}`
      : own === 'NCHW'
        ? `NCHW ${dim(shape[1])}×${dim(shape[2])}×${dim(shape[3])}`
        : `[${shape.join(', ')}]`
  return `${source} expects ${expects} (${layout === 'NCHW' ? 'channels×height×width' : 'height×width×channels'}) and the model is ${model}: this card is not for this model`
}

/** The note eval and speed give once when a card's defaults were applied (undefined when none were). */
export function cardDefaultsNote(card: ModelCard): string | undefined {
  const applied = card.origin.inferred.filter((f) => f.endsWith(' (default)')).map((f) => f.replace(' (default)', ''))
  if (applied.length === 0) return undefined
  return `card ${card.origin.source} leaves out ${applied.map((a) => a.split('=')[0]).join(', ')}: the defaults ${applied.join(', ')} apply (listed in model.card.origin.inferred; set them in the card to silence this)`
}

/**
 * Completes a card against the model's input shape: the one step from a card file to the card the
 * pipeline runs on. A field the card gives must agree with the shape; an input field it leaves out
 * is taken from the shape when that is unambiguous, else an error names the field; resize, tta and
 * output left out take CARD_DEFAULTS. Every field filled in is listed in origin.inferred.
 */
export function resolveCard(card: CardFile, input: ModelInputInfo, source: string): ModelCard {
  const shape = input.shape
  const where = `model input '${input.name}' with shape [${shape.join(', ')}]`
  if (shape.length !== 4) throw modelError(`${where}: expected a 4-D image input (N,C,H,W or N,H,W,C)`)
  const inferred: string[] = []
  let layout = card.input.layout
  if (!layout) {
    layout = shapeLayout(shape)
    if (!layout)
      throw cardError(
        `${source}: input.layout is missing and ${where} does not settle it; add "layout": "NCHW" or "NHWC"`,
      )
    inferred.push('input.layout')
  }
  const [cDim, hDim, wDim] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]]
  const pick = (
    field: 'height' | 'width' | 'channels',
    fromCard: number | undefined,
    dim: number | string | undefined,
  ): number => {
    const fromModel = knownDim(dim)
    if (fromModel !== undefined && fromModel > LIMITS.inputSide) {
      throw modelError(
        `${where}: input ${field} ${fromModel} is over ferbench's limit of ${LIMITS.inputSide} (expected a face-image model input)`,
      )
    }
    if (fromCard !== undefined) {
      if (fromModel !== undefined && fromModel !== fromCard) {
        throw modelError(
          `${where}: card says input.${field} ${fromCard} but the model's ${layout} shape has ${fromModel}; ${shapeMismatch(card, layout!, shape, source)}`,
        )
      }
      return fromCard
    }
    if (fromModel === undefined)
      throw cardError(`${source}: input.${field} is missing and ${where} leaves it dynamic; add it to the card`)
    inferred.push(`input.${field}`)
    return fromModel
  }
  const channels = pick('channels', card.input.channels, cDim)
  if (channels !== 1 && channels !== 3)
    throw modelError(`${where}: ${channels} input channels; ferbench feeds 1 (gray) or 3 (RGB)`)
  const height = pick('height', card.input.height, hDim)
  const width = pick('width', card.input.width, wDim)
  if (card.input.name && card.input.name !== input.name) {
    throw modelError(`card input.name '${card.input.name}' is not the model's image input '${input.name}'`)
  }
  const channelOrder = card.input.channelOrder
  if (channelOrder !== undefined && channelOrder !== 'gray' && channels === 1) {
    throw cardError(
      `${source}: input.channelOrder '${channelOrder}' needs a 3-channel input; ${where} takes 1 channel (gray)`,
    )
  }
  const batchDim = knownDim(shape[0])
  if (batchDim !== undefined && batchDim > LIMITS.batch)
    throw modelError(`${where}: fixed batch ${batchDim} is over ferbench's limit of ${LIMITS.batch}`)
  if (card.batch !== undefined && batchDim !== undefined && card.batch !== batchDim) {
    throw modelError(`${where}: card says batch ${card.batch} but the model fixes batch ${batchDim}`)
  }
  const perChannel = (values: number[] | undefined, field: string): number[] | undefined => {
    if (!values) return undefined
    if (values.length === 1) return Array.from({ length: channels }, () => values[0]!)
    if (values.length !== channels)
      throw cardError(`${source}: ${field} has ${values.length} values for ${channels} channel(s)`)
    return values
  }
  const withDefault = <K extends keyof typeof CARD_DEFAULTS>(
    field: K,
    given: CardFile[K],
  ): NonNullable<CardFile[K]> => {
    if (given !== undefined) return given as NonNullable<CardFile[K]>
    inferred.push(`${field}=${CARD_DEFAULTS[field]} (default)`)
    return CARD_DEFAULTS[field] as NonNullable<CardFile[K]>
  }
  const output = withDefault('output', card.output)
  const resolved: ModelCard = {
    input: { height, width, channels, layout, name: input.name },
    scale: card.scale,
    resize: withDefault('resize', card.resize),
    tta: withDefault('tta', card.tta),
    ttaAverage: card.ttaAverage ?? output,
    labels: card.labels,
    output,
    origin: { source, inferred },
  }
  const mean = perChannel(card.mean, 'mean')
  const std = perChannel(card.std, 'std')
  if (channels === 3 && (channelOrder === 'BGR' || channelOrder === 'gray')) resolved.input.channelOrder = channelOrder
  if (mean) resolved.mean = mean
  if (std) resolved.std = std
  if (card.crop) {
    // The crop window is the model input: resize to from×from, then crop size×size.
    if (card.crop.size !== height || card.crop.size !== width) {
      throw cardError(
        `${source}: crop.size ${card.crop.size} must equal the input size ${height}×${width} (the crop is what the model sees)`,
      )
    }
    if (card.crop.from !== undefined && card.crop.from < card.crop.size) {
      throw cardError(
        `${source}: crop.from ${card.crop.from} is smaller than crop.size ${card.crop.size}; from is the side the image is resized to before cropping`,
      )
    }
    resolved.crop = card.crop
  } else if (card.tta === 'tencrop') {
    throw cardError(
      `${source}: tta 'tencrop' needs "crop": {"size": ${width}, "from": <larger side>} (ten-crop windows are cut from a larger image)`,
    )
  }
  const fixedBatch = card.batch ?? batchDim
  if (fixedBatch !== undefined) resolved.fixedBatch = fixedBatch
  return resolved
}
