import { LayerBuilder, type LayerTensor } from './onnxLayers.js'
import { presetCard } from '../../src/card/presets.js'
import type { Replica } from './types.js'

/**
 * ResNet18 of Facial-Expression-Recognition.Pytorch models/resnet.py (the CIFAR-style ResNet of
 * He et al. 2015: 3×3 stem without max pool, BasicBlocks [2, 2, 2, 2], convs without bias),
 * then avg_pool2d(4) and Linear(512, 7). On 44×44 crops the last stage is 6×6, pooled to 1×1.
 */
export const resnet18Fer: Replica = {
  id: 'resnet18-fer2013',
  title: 'ResNet18 (FER2013, 44×44)',
  source:
    'Facial-Expression-Recognition.Pytorch models/resnet.py (ResNet18 = BasicBlock [2,2,2,2], Linear(512, 7)); He et al. 2015, arXiv:1512.03385',
  layers: [
    'input 3×44×44',
    'conv 3×3 64, stride 1, pad 1, no bias, BN, ReLU → 64×44×44',
    'layer1: 2 BasicBlocks 64 (conv3×3-BN-ReLU-conv3×3-BN + identity, ReLU) → 64×44×44',
    'layer2: 2 BasicBlocks 128, first stride 2 with 1×1 conv+BN shortcut → 128×22×22',
    'layer3: 2 BasicBlocks 256, first stride 2 → 256×11×11',
    'layer4: 2 BasicBlocks 512, first stride 2 → 512×6×6',
    'avgpool 4×4 stride 4 → 512×1×1, flatten, (dropout at training), Linear 7, logits',
  ],
  input: [3, 44, 44],
  classes: 7,
  card: {
    ...presetCard('resnet18-fer2013')!,
    $comment:
      'Architecture replica of the FER2013 ResNet18 with random weights: for size and speed only, never for accuracy.',
  },
  claim: { text: 'PublicTest 72.290%, PrivateTest 72.975% (accuracy only; no size or speed claim)' },
  build() {
    const l = new LayerBuilder('resnet18_fer2013_replica', 18)
    const block = (x: LayerTensor, planes: number, stride: number): LayerTensor => {
      let out = l.relu(l.batchNorm(l.conv(x, { out: planes, kernel: 3, stride, pad: 1, bias: false })))
      out = l.batchNorm(l.conv(out, { out: planes, kernel: 3, pad: 1, bias: false }))
      const shortcut =
        stride !== 1 || x.shape[0] !== planes
          ? l.batchNorm(l.conv(x, { out: planes, kernel: 1, stride, bias: false }))
          : x
      return l.relu(l.add(out, shortcut))
    }
    let x = l.input('image', [3, 44, 44])
    x = l.relu(l.batchNorm(l.conv(x, { out: 64, kernel: 3, pad: 1, bias: false })))
    for (const [planes, stride] of [
      [64, 1],
      [128, 2],
      [256, 2],
      [512, 2],
    ] as const) {
      x = block(x, planes, stride)
      x = block(x, planes, 1)
    }
    x = l.avgPool(x, 4)
    l.output(l.dense(l.flatten(x), 7), 'logits')
    return l.build('ferbench architecture replica: ResNet18 for FER2013 (random weights)')
  },
}
