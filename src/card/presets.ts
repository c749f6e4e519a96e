import { knownDim, shapeLayout, type ModelInputInfo } from './resolve.js'
import { CARD_DEFAULTS, parseCard, type CardFile } from './schema.js'

/**
 * Built-in model cards (`--preset <name>`) for published FER models whose preprocessing is stated
 * by their authors (see docs/claims.md). Each card is plain data validated by the same
 * zod schema as a user's card; each cites where its values come from. Fields a source does not
 * state are left out where the model file settles them (input size, layout), or marked as an
 * assumption in `$comment`.
 */
/** The test transform of the FER2013 VGG19/ResNet18 repository (see the comment on 'vgg19-fer2013'). */
const FER2013_TENCROP_44 = {
  input: { height: 44, width: 44, channels: 3, layout: 'NCHW' },
  scale: 'unit',
  resize: 'bilinear',
  crop: { size: 44, from: 48 },
  tta: 'tencrop',
  ttaAverage: 'logits',
  labels: ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'],
  output: 'logits',
}

// biome-ignore lint/plugin: read only through Object.hasOwn in rawPreset (a --preset name is user text)
const RAW_PRESETS: Record<string, unknown> = {
  // ONNX model zoo, validated/vision/body_analysis/emotion_ferplus (Barsoum et al. 2016, arXiv:1608.01041):
  // README "Preprocessing": gray 64×64, input shape (1,1,64,64), pixel values 0–255 not normalised;
  // output (1,8) scores, softmax applied afterwards; emotion_table order neutral, happiness, surprise,
  // sadness, anger, disgust, fear, contempt. The published graph fixes the batch at 1.
  ferplus: {
    $comment:
      'FER+ emotion model (ONNX model zoo emotion_ferplus): 1×1×64×64 gray, raw 0–255, FER+ label order, batch fixed at 1.',
    input: { height: 64, width: 64, channels: 1, layout: 'NCHW' },
    scale: 'raw255',
    resize: 'bilinear',
    tta: 'none',
    labels: ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'],
    output: 'logits',
    batch: 1,
    source: 'https://github.com/onnx/models/tree/main/validated/vision/body_analysis/emotion_ferplus',
  },
  // Arriaga, Valdenegro-Toro, Plöger 2017 (arXiv:1710.07557), github.com/oarriaga/face_classification:
  // src/utils/preprocessor.py preprocess_input: x/255, x − 0.5, x·2 (v2=True) → 'symmetric';
  // input (64, 64, 1) channels-last (src/train_emotion_classifier.py); cv2.resize default INTER_LINEAR;
  // labels from src/utils/datasets.py get_labels('fer2013'): angry, disgust, fear, happy, sad, surprise, neutral;
  // final layer Activation('softmax') → probabilities.
  'mini-xception': {
    $comment:
      'mini-Xception (oarriaga/face_classification): 64×64×1 NHWC, (x/255 − 0.5)·2, FER2013 order, softmax output.',
    input: { height: 64, width: 64, channels: 1, layout: 'NHWC' },
    scale: 'symmetric',
    resize: 'bilinear',
    tta: 'none',
    labels: ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'],
    output: 'probabilities',
    source: 'https://github.com/oarriaga/face_classification (src/utils/preprocessor.py, src/utils/datasets.py)',
  },
  // "Facial_expression_recognition_DeepCNN_Light" / WuJie1010 Facial-Expression-Recognition.Pytorch
  // (docs/claims.md): the 48×48 gray image is stacked to 3 channels, transform_test = TenCrop(44) + ToTensor
  // (→ 0–1, 'unit', NCHW), and the ten crops' outputs are averaged as logits
  // (outputs.view(bs, ncrops, -1).mean(1)); class order Angry, Disgust, Fear, Happy, Sad, Surprise, Neutral.
  'vgg19-fer2013': {
    $comment:
      'VGG19 on FER2013 (github.com/WuJie1010/Facial-Expression-Recognition.Pytorch, docs/claims.md): gray → 3 channels, ten 44×44 crops of the 48×48 image (4 corners + center, each flipped), unit scale, logits averaged.',
    ...FER2013_TENCROP_44,
    source: 'https://github.com/WuJie1010/Facial-Expression-Recognition.Pytorch (mainpro_FER.py, PrivateTest)',
  },
  // Same repository and test transform as vgg19-fer2013 (ResNet18 row of its results table).
  'resnet18-fer2013': {
    $comment:
      'ResNet18 on FER2013 (same repo and protocol as vgg19-fer2013): gray → 3 channels, ten 44×44 crops of 48×48, unit scale, logits averaged.',
    ...FER2013_TENCROP_44,
    source: 'https://github.com/WuJie1010/Facial-Expression-Recognition.Pytorch (mainpro_FER.py)',
  },
  // Cugu, Sener, Akbas 2017, "MicroExpNet" (arXiv:1711.07011), github.com/cuguilke/microexpnet:
  // 84×84 grayscale input, 8 classes trained on CK+ with its emotion codes 0 neutral, 1 anger,
  // 2 contempt, 3 disgust, 4 fear, 5 happy, 6 sadness, 7 surprise. The paper does not state the pixel
  // scale or layout: 'unit' is an ASSUMPTION (give a card if your export differs); layout is read from the model.
  microexpnet: {
    $comment:
      'MicroExpNet (arXiv:1711.07011): 84×84 gray, 8 CK+ classes in CK+ code order. Pixel scale not published: unit (x/255) assumed.',
    input: { height: 84, width: 84, channels: 1 },
    scale: 'unit',
    resize: 'bilinear',
    tta: 'none',
    labels: ['neutral', 'anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'],
    output: 'logits',
    source: 'https://arxiv.org/abs/1711.07011; https://github.com/cuguilke/microexpnet',
  },
  // Zhao, Liu, Zhou, AAAI 2021 "Robust Lightweight Facial Expression Recognition Network with Label
  // Distribution Training", github.com/zengqunzhao/EfficientFace: test transform Resize((224, 224)),
  // ToTensor, Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]); RGB, NCHW; no TTA;
  // RAF-DB labels 0 Neutral, 1 Happy, 2 Sad, 3 Surprise, 4 Fear, 5 Disgust, 6 Anger.
  'progressive-teacher': {
    $comment:
      'Progressive Teacher, MobileFaceNet backbone (OpenCV model zoo facial_expression_recognition_mobilefacenet_2022july): 112×112 RGB NCHW, (x/255 − 0.5)/0.5, labels angry, disgust, fearful, happy, neutral, sad, surprised. Output kind not stated (argmax only): logits assumed.',
    input: { height: 112, width: 112, channels: 3, layout: 'NCHW', channelOrder: 'RGB' },
    scale: 'symmetric',
    resize: 'bilinear',
    tta: 'none',
    labels: ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'],
    output: 'logits',
    source: 'https://github.com/opencv/opencv_zoo (models/facial_expression_recognition/facial_fer_model.py)',
  },
  efficientface: {
    $comment: 'EfficientFace (AAAI 2021): 224×224 RGB, ImageNet mean/std, no TTA, EfficientFace (RAF-DB) label order.',
    input: { height: 224, width: 224, channels: 3, layout: 'NCHW' },
    scale: 'meanstd',
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    resize: 'bilinear',
    tta: 'none',
    labels: ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger'],
    output: 'logits',
    source: 'https://github.com/zengqunzhao/EfficientFace (main.py test transforms, RAF-DB dataset loader)',
  },
}

export function presetNames(): string[] {
  return Object.keys(RAW_PRESETS)
}

/** The raw preset object (as a user would write it in a card file). */
export function rawPreset(name: string): unknown {
  return Object.hasOwn(RAW_PRESETS, name) ? RAW_PRESETS[name] : undefined
}

/** The preset validated by the card schema; a broken preset fails like a broken card (field and value named). */
export function presetCard(name: string): CardFile | undefined {
  const raw = rawPreset(name)
  return raw === undefined ? undefined : parseCard(raw, `preset:${name}`)
}

/**
 * Whether a card's input fields fit a model input shape: every size, channel count and layout the
 * card states agrees with a dimension the shape fixes (in the card's layout, else the layout the
 * shape settles by itself; both are tried when neither says). A fit says nothing about the card's
 * scale or labels: a preset that fits is a candidate to check, not an answer.
 */
export function cardFitsInput(card: CardFile, input: ModelInputInfo, options: { sizeFixed?: boolean } = {}): boolean {
  const shape = input.shape
  if (shape.length !== 4) return false
  const own = shapeLayout(shape)
  const layouts: Array<'NCHW' | 'NHWC'> = card.input.layout ? [card.input.layout] : own ? [own] : ['NCHW', 'NHWC']
  return layouts.some((layout) => {
    const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]]
    const agrees = (fromCard: number | undefined, dim: number | string | undefined): boolean => {
      const fixed = knownDim(dim)
      return fromCard === undefined || fixed === undefined || fixed === fromCard
    }
    const channels = knownDim(c)
    if (card.input.channels === undefined && channels !== undefined && channels !== 1 && channels !== 3) return false
    const batch = knownDim(shape[0])
    if (card.batch !== undefined && batch !== undefined && card.batch !== batch) return false
    if (options.sizeFixed && (knownDim(h) === undefined || knownDim(w) === undefined)) return false
    return agrees(card.input.channels, c) && agrees(card.input.height, h) && agrees(card.input.width, w)
  })
}

/**
 * The built-in presets whose input (size, channels, layout) fits a model's input shape, in preset
 * order. Only a shape that fixes height and width is matched, and only against presets that state
 * a size (anything else fits every shape and says nothing).
 */
export function presetsFittingInput(input: ModelInputInfo): string[] {
  return presetNames().filter((name) => {
    const card = presetCard(name)!
    return (
      card.input.height !== undefined &&
      card.input.width !== undefined &&
      cardFitsInput(card, input, { sizeFixed: true })
    )
  })
}

export interface PresetSummary {
  name: string
  input: string
  scale: string
  tta: string
  labels: string[]
  output: string
  source: string
  comment: string
}

export function presetSummaries(): PresetSummary[] {
  return presetNames().map((name) => {
    const card = presetCard(name)!
    const { height, width, channels, layout } = card.input
    const size = height && width ? `${height}×${width}` : 'from model'
    return {
      name,
      input: `${size}×${channels ?? '?'} ${layout ?? '(layout from model)'}${card.batch ? `, batch ${card.batch}` : ''}`,
      scale:
        card.scale === 'meanstd' ? `meanstd mean=[${card.mean!.join(', ')}] std=[${card.std!.join(', ')}]` : card.scale,
      tta:
        (card.tta ?? CARD_DEFAULTS.tta) === 'none'
          ? 'none'
          : `${card.tta}${card.crop ? ` (${card.crop.size} from ${card.crop.from ?? 'image'})` : ''}, average ${card.ttaAverage ?? card.output ?? CARD_DEFAULTS.output}`,
      labels: card.labels,
      output: card.output ?? CARD_DEFAULTS.output,
      source: card.source ?? '',
      comment: card.$comment ?? '',
    }
  })
}
