import { EMOTIONS } from '../base/emotions.js'
import { knownDim, shapeLayout } from './resolve.js'
import { channelOrders, resizeKinds, scaleKinds, ttaKinds } from './schema.js'
import { textRecord } from '../base/textKeys.js'

/** One card field: settled by the model file, or to be filled by the user from the allowed values. */
export interface SkeletonField {
  field: string
  /** The value the model's shape settles; absent when the user must fill it. */
  value?: unknown
  /** Allowed values (or a description of them) for a field to fill. */
  allowed?: unknown[] | string
  /** ferbench's default when the field is left out, if any. */
  default?: unknown
  note: string
}

export interface CardSkeleton {
  settled: SkeletonField[]
  toFill: SkeletonField[]
  /** A card to start from: settled values filled in, the rest as placeholders. */
  template: Record<string, unknown>
}

/**
 * What a model's input and output shapes settle about its card, and what the user must fill
 * (with the allowed values). `ferbench models doctor` finds the rest from labelled images.
 */
export function cardSkeleton(
  input: { name: string; shape: ReadonlyArray<number | string> },
  output: { shape: ReadonlyArray<number | string> } | undefined,
): CardSkeleton {
  const settled: SkeletonField[] = []
  const toFill: SkeletonField[] = []
  const shape = input.shape
  const layout = shapeLayout(shape)
  const template = textRecord<unknown>()
  const input_ = textRecord<unknown>()
  if (layout)
    settled.push({
      field: 'input.layout',
      value: layout,
      note: `the channel dimension is the ${layout === 'NCHW' ? 'second' : 'last'} of [${shape.join(', ')}]`,
    })
  else
    toFill.push({
      field: 'input.layout',
      allowed: ['NCHW', 'NHWC'],
      note: `[${shape.join(', ')}] does not say which dimension holds the channels`,
    })
  input_.layout = layout ?? '<NCHW|NHWC>'
  const dims =
    layout === 'NCHW'
      ? { channels: shape[1], height: shape[2], width: shape[3] }
      : layout === 'NHWC'
        ? { channels: shape[3], height: shape[1], width: shape[2] }
        : undefined
  for (const field of ['channels', 'height', 'width'] as const) {
    const value = knownDim(dims?.[field])
    if (value !== undefined) settled.push({ field: `input.${field}`, value, note: 'from the input shape' })
    else
      toFill.push({
        field: `input.${field}`,
        allowed: field === 'channels' ? [1, 3] : 'a positive integer (pixels)',
        note: 'the input shape leaves it dynamic',
      })
    input_[field] = value ?? `<${field === 'channels' ? '1|3' : 'pixels'}>`
  }
  const channels = knownDim(dims?.channels)
  if (channels !== 1) {
    toFill.push({
      field: 'input.channelOrder',
      allowed: [...channelOrders],
      default: 'RGB',
      note: '3-channel input: RGB, BGR (OpenCV cv2.imread), or gray replicated to 3 channels',
    })
    input_.channelOrder = '<RGB|BGR|gray>'
  }
  template.input = input_
  toFill.push({
    field: 'scale',
    allowed: [...scaleKinds],
    note: 'raw255 = x, unit = x/255, symmetric = (x/255 − 0.5)·2, meanstd = (x/255 − mean[c]) / std[c] (then also mean and std)',
  })
  template.scale = `<${scaleKinds.join('|')}>`
  toFill.push({
    field: 'resize',
    allowed: [...resizeKinds],
    default: 'bilinear',
    note: 'how images are resized to the input size (OpenCV conventions)',
  })
  template.resize = 'bilinear'
  toFill.push({
    field: 'crop',
    allowed: '{"size": <input side>, "from": <side resized to first>} or leave out',
    note: 'a centre crop after resizing, if the model was evaluated that way',
  })
  toFill.push({
    field: 'tta',
    allowed: [...ttaKinds],
    default: 'none',
    note: 'test-time augmentation: none, flip (average with the mirrored image) or tencrop (needs crop)',
  })
  template.tta = 'none'
  const classes = knownDim(output?.shape[output.shape.length - 1])
  toFill.push({
    field: 'labels',
    allowed: [...EMOTIONS],
    note: `${classes !== undefined ? `${classes} names, one per output, ` : ''}in the model's output order (synonyms such as happy, angry are accepted)`,
  })
  template.labels =
    classes !== undefined
      ? Array.from({ length: classes }, (_, i) => `<label of output ${i}>`)
      : ['<label of output 0>', '…']
  toFill.push({
    field: 'output',
    allowed: ['logits', 'probabilities'],
    default: 'logits',
    note: 'whether the model ends in a softmax',
  })
  template.output = '<logits|probabilities>'
  const batch = knownDim(shape[0])
  if (batch !== undefined) settled.push({ field: 'batch', value: batch, note: 'the model fixes its batch dimension' })
  return { settled, toFill, template }
}
