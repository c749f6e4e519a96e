import type { CardFile, ChannelOrder, ModelCard, ResizeKind, ScaleKind } from '../card/schema.js'
import { knownDim as known, shapeLayout, type ModelInputInfo } from '../card/resolve.js'
import type { Emotion } from '../base/emotions.js'
import type { DoctorCard } from '../results/doctorDocument.js'
import { modelError } from '../base/errors.js'
import { CARD_DEFAULTS } from '../card/schema.js'

/** ImageNet's per-channel mean and std (RGB order), as torchvision's Normalize uses them. */
const IMAGENET_MEANSTD = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
/** The gray variant: the average of ImageNet's three means and stds (a common choice for 1-channel models). */
const GRAY_MEANSTD = { mean: [0.449], std: [0.226] }
/** Centre crop candidates cut the input side from a resize to side / 0.875 (torchvision's Resize(256) + CenterCrop(224)). */
const CROP_RATIO = 0.875

/** One way to feed the model: everything a card says about the input except the labels. */
export interface CandidateSpec {
  layout: 'NCHW' | 'NHWC'
  channels: 1 | 3
  /** 'gray' for 1-channel inputs. */
  channelOrder: ChannelOrder
  height: number
  width: number
  scale: ScaleKind
  mean?: number[]
  std?: number[]
  resize: ResizeKind
  crop?: { size: number; from: number }
}

/** The input geometries the model's shape allows: a settled layout and size, or each reading an ambiguous shape permits. */
export interface InputChoice {
  layout: 'NCHW' | 'NHWC'
  channels: 1 | 3
  height: number
  width: number
  /** Card fields the shape settles. */
  settled: string[]
}

/**
 * Layouts and sizes the model input allows. A dimension the shape leaves open is taken from the
 * declared card, else (height/width) from the sampled images' most common size, else (channels)
 * both 1 and 3 are tried; both layouts are tried when the shape does not settle it.
 */
export function inputChoices(
  input: ModelInputInfo,
  declared: CardFile['input'] | undefined,
  imageSize: { width: number; height: number },
): InputChoice[] {
  const shape = input.shape
  if (shape.length !== 4)
    throw modelError(
      `model input '${input.name}' with shape [${shape.join(', ')}]: expected a 4-D image input (N,C,H,W or N,H,W,C)`,
    )
  const own = shapeLayout(shape)
  const layouts: Array<'NCHW' | 'NHWC'> = declared?.layout ? [declared.layout] : own ? [own] : ['NCHW', 'NHWC']
  const settled: string[] = []
  if (layouts.length === 1 && !declared?.layout) settled.push('input.layout')
  const out: InputChoice[] = []
  for (const layout of layouts) {
    const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]]
    const fixed = known(c)
    const channelsList: Array<1 | 3> =
      fixed === 1 || fixed === 3
        ? [fixed]
        : declared?.channels
          ? [declared.channels]
          : fixed === undefined
            ? [1, 3]
            : []
    const height = known(h) ?? declared?.height ?? imageSize.height
    const width = known(w) ?? declared?.width ?? imageSize.width
    const here = [
      ...settled,
      ...(known(c) ? ['input.channels'] : []),
      ...(known(h) ? ['input.height'] : []),
      ...(known(w) ? ['input.width'] : []),
    ]
    for (const channels of channelsList) out.push({ layout, channels, height, width, settled: here })
  }
  if (out.length === 0)
    throw modelError(
      `model input '${input.name}' with shape [${shape.join(', ')}]: ferbench feeds 1 (gray) or 3 (RGB) channels`,
    )
  return out
}

/** The scales tried for an input: raw 0–255, 0–1, −1…1, and mean/std (ImageNet for 3 channels, its gray average for 1). */
function scales(channels: 1 | 3, channelOrder: ChannelOrder): Array<Pick<CandidateSpec, 'scale' | 'mean' | 'std'>> {
  const meanstd =
    channels === 1
      ? GRAY_MEANSTD
      : channelOrder === 'BGR'
        ? { mean: [...IMAGENET_MEANSTD.mean].reverse(), std: [...IMAGENET_MEANSTD.std].reverse() }
        : IMAGENET_MEANSTD
  return [
    { scale: 'raw255' },
    { scale: 'unit' },
    { scale: 'symmetric' },
    { scale: 'meanstd', mean: meanstd.mean, std: meanstd.std },
  ]
}

/**
 * Stage 1: every input reading × channel order (RGB, BGR and gray-replicated for 3 channels, when
 * the sampled images have colour) × scale, with bilinear resize and no crop.
 */
export function stage1Specs(choices: readonly InputChoice[], colourData: boolean): CandidateSpec[] {
  const specs: CandidateSpec[] = []
  for (const choice of choices) {
    const orders: ChannelOrder[] = choice.channels === 1 ? ['gray'] : colourData ? ['RGB', 'BGR', 'gray'] : ['RGB']
    for (const channelOrder of orders) {
      for (const s of scales(choice.channels, channelOrder)) {
        specs.push({
          layout: choice.layout,
          channels: choice.channels,
          channelOrder,
          height: choice.height,
          width: choice.width,
          ...s,
          resize: 'bilinear',
        })
      }
    }
  }
  return specs
}

/**
 * Stage 2, around the best stage-1 candidate: the other resize kernels (only when the sampled
 * images need resizing) and a centre crop (square inputs), each with and without the other.
 */
export function stage2Specs(best: CandidateSpec, resizes: boolean): CandidateSpec[] {
  const kernels: ResizeKind[] = resizes ? ['bilinear', 'bicubic', 'nearest', 'lanczos3'] : ['bilinear']
  const crops: Array<CandidateSpec['crop']> = [undefined]
  if (best.height === best.width) crops.push({ size: best.height, from: Math.round(best.height / CROP_RATIO) })
  const specs: CandidateSpec[] = []
  for (const resize of kernels) {
    for (const crop of crops) {
      if (resize === best.resize && crop === undefined && best.crop === undefined) continue
      const spec: CandidateSpec = { ...best, resize }
      delete spec.crop
      if (crop) spec.crop = crop
      specs.push(spec)
    }
  }
  return specs
}

/** The candidate a declared card describes (so it is always among those tried), or undefined when it does not fit the shape. */
export function specOfCard(card: CardFile, choices: readonly InputChoice[]): CandidateSpec | undefined {
  const choice = choices.find(
    (c) =>
      (!card.input.layout || c.layout === card.input.layout) &&
      (!card.input.channels || c.channels === card.input.channels),
  )
  if (!choice) return undefined
  const spec: CandidateSpec = {
    layout: choice.layout,
    channels: choice.channels,
    channelOrder: choice.channels === 1 ? 'gray' : (card.input.channelOrder ?? 'RGB'),
    height: card.input.height ?? choice.height,
    width: card.input.width ?? choice.width,
    scale: card.scale,
    resize: card.resize ?? CARD_DEFAULTS.resize,
  }
  const perChannel = (values: number[] | undefined): number[] | undefined =>
    values ? (values.length === 1 ? Array.from({ length: choice.channels }, () => values[0]!) : values) : undefined
  const mean = perChannel(card.mean)
  const std = perChannel(card.std)
  if (card.scale === 'meanstd' && mean && std) Object.assign(spec, { mean, std })
  if (card.crop) spec.crop = { size: card.crop.size, from: card.crop.from ?? spec.height }
  return spec
}

const sameNumbers = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => Math.abs(x - b![i]!) < 1e-9)

export function sameSpec(a: CandidateSpec, b: CandidateSpec): boolean {
  return (
    a.layout === b.layout &&
    a.channels === b.channels &&
    a.channelOrder === b.channelOrder &&
    a.height === b.height &&
    a.width === b.width &&
    a.scale === b.scale &&
    sameNumbers(a.mean, b.mean) &&
    sameNumbers(a.std, b.std) &&
    a.resize === b.resize &&
    a.crop?.size === b.crop?.size &&
    a.crop?.from === b.crop?.from
  )
}

/** The scale as it reads in a table: meanstd says which mean/std. */
function scaleName(spec: CandidateSpec): string {
  if (spec.scale !== 'meanstd') return spec.scale
  if (sameNumbers(spec.mean, GRAY_MEANSTD.mean) || spec.mean?.every((m) => m === GRAY_MEANSTD.mean[0]))
    return 'meanstd-gray'
  if (sameNumbers(spec.mean, IMAGENET_MEANSTD.mean) || sameNumbers(spec.mean, [...IMAGENET_MEANSTD.mean].reverse()))
    return 'meanstd-imagenet'
  return `meanstd(${spec.mean?.join(',')})`
}

/** Short name of a candidate, e.g. `unit BGR NCHW bilinear`, `raw255 gray NHWC bicubic crop48/55`. */
export function candidateName(spec: CandidateSpec): string {
  return [
    scaleName(spec),
    spec.channels === 1 ? 'gray1' : spec.channelOrder,
    spec.layout,
    spec.resize,
    spec.crop ? `crop${spec.crop.size}/${spec.crop.from}` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

/** The fields where two candidates differ, in card field names. */
export function differingFields(a: CandidateSpec, b: CandidateSpec): string[] {
  const fields: string[] = []
  if (a.layout !== b.layout) fields.push('input.layout')
  if (a.channels !== b.channels) fields.push('input.channels')
  if (a.channelOrder !== b.channelOrder) fields.push('input.channelOrder')
  if (a.scale !== b.scale || !sameNumbers(a.mean, b.mean) || !sameNumbers(a.std, b.std)) fields.push('scale')
  if (a.resize !== b.resize) fields.push('resize')
  if (a.crop?.size !== b.crop?.size || a.crop?.from !== b.crop?.from) fields.push('crop')
  return fields
}

/** A card file for a candidate with these labels and output kind. */
export function specCard(
  spec: CandidateSpec,
  labels: readonly Emotion[],
  output: 'logits' | 'probabilities',
): DoctorCard {
  return {
    input: {
      height: spec.height,
      width: spec.width,
      channels: spec.channels,
      layout: spec.layout,
      ...(spec.channels === 3 ? { channelOrder: spec.channelOrder } : {}),
    },
    scale: spec.scale,
    ...(spec.mean ? { mean: [...spec.mean] } : {}),
    ...(spec.std ? { std: [...spec.std] } : {}),
    resize: spec.resize,
    ...(spec.crop ? { crop: { ...spec.crop } } : {}),
    tta: 'none',
    labels: [...labels],
    output,
  }
}

/** The resolved card the pipeline runs a candidate with. */
export function specModelCard(
  spec: CandidateSpec,
  labels: readonly Emotion[],
  inputName: string,
  fixedBatch: number | undefined,
): ModelCard {
  const card: ModelCard = {
    input: { height: spec.height, width: spec.width, channels: spec.channels, layout: spec.layout, name: inputName },
    scale: spec.scale,
    resize: spec.resize,
    tta: 'none',
    ttaAverage: 'logits',
    labels: [...labels],
    output: 'logits',
    origin: { source: 'models doctor candidate', inferred: [] },
  }
  if (spec.channels === 3 && spec.channelOrder !== 'RGB') card.input.channelOrder = spec.channelOrder
  if (spec.mean) card.mean = [...spec.mean]
  if (spec.std) card.std = [...spec.std]
  if (spec.crop) card.crop = { ...spec.crop }
  if (fixedBatch !== undefined) card.fixedBatch = fixedBatch
  return card
}
