import { LayerBuilder } from './onnxLayers.js'
import { presetCard } from '../../src/card/presets.js'
import type { Replica } from './types.js'

/** VGG19 configuration of the FER2013 repository (channels; 'M' = 2×2 max pool, stride 2). */
export const VGG19_CFG = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  512,
  'M',
] as const

/**
 * The FER2013 VGG19 of Facial-Expression-Recognition.Pytorch (WuJie1010; the
 * Facial_expression_recognition_DeepCNN_Light claims use the same models/vgg.py): 16 conv 3×3
 * (pad 1, bias) + BatchNorm + ReLU in the VGG19 configuration, 5 max pools, AvgPool(1), and
 * Linear(512, 7). 44×44 crops of 48×48 images, gray replicated to 3 channels.
 */
export const vgg19Fer: Replica = {
  id: 'vgg19-fer2013',
  title: 'VGG19 (FER2013, 44×44)',
  source:
    'Facial-Expression-Recognition.Pytorch models/vgg.py (cfg VGG19, BatchNorm, classifier Linear(512, 7)); Simonyan & Zisserman 2014',
  layers: [
    'input 3×44×44 (gray replicated to RGB, ten 44×44 crops of 48×48)',
    '2× [conv 3×3 64, pad 1, bias, BN, ReLU], maxpool 2 → 64×22×22',
    '2× [conv 3×3 128, BN, ReLU], maxpool 2 → 128×11×11',
    '4× [conv 3×3 256, BN, ReLU], maxpool 2 → 256×5×5',
    '4× [conv 3×3 512, BN, ReLU], maxpool 2 → 512×2×2',
    '4× [conv 3×3 512, BN, ReLU], maxpool 2 → 512×1×1, avgpool 1×1',
    'flatten 512 → (dropout 0.5 at training) → Linear 7 (FER2013 order), logits',
  ],
  input: [3, 44, 44],
  classes: 7,
  card: {
    ...presetCard('vgg19-fer2013')!,
    $comment:
      'Architecture replica of the FER2013 VGG19 with random weights: for size and speed only, never for accuracy.',
  },
  claim: { text: 'PublicTest 72.596%, PrivateTest 73.212% (accuracy only; no size or speed claim)' },
  build() {
    const l = new LayerBuilder('vgg19_fer2013_replica', 19)
    let x = l.input('image', [3, 44, 44])
    for (const v of VGG19_CFG)
      x = v === 'M' ? l.maxPool(x, 2) : l.relu(l.batchNorm(l.conv(x, { out: v, kernel: 3, pad: 1 })))
    x = l.avgPool(x, 1)
    l.output(l.dense(l.flatten(x), 7), 'logits')
    return l.build('ferbench architecture replica: VGG19 for FER2013 (random weights)')
  },
}
