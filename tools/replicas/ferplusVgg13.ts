import { EMOTIONS } from '../../src/base/emotions.js'
import { LayerBuilder } from './onnxLayers.js'
import type { Replica } from './types.js'

/**
 * The FER+ VGG13 (Barsoum, Zhang, Canton Ferrer, Zhang 2016, arXiv:1608.01041; VGG13 in
 * src/models.py of github.com/microsoft/FERPlus, CNTK): 10 conv 3×3 layers with ReLU in four
 * pooled groups (64, 128, 256, 256 channels), then two dense 1024 layers and 8 outputs.
 */
export const ferplusVgg13: Replica = {
  id: 'ferplus-vgg13',
  title: 'FER+ VGG13 (64×64)',
  source:
    'Barsoum et al. 2016, arXiv:1608.01041; github.com/microsoft/FERPlus src/models.py VGG13; ONNX model zoo emotion_ferplus',
  layers: [
    'input 1×64×64 (gray, raw 0–255)',
    '2× [conv 3×3 64, pad 1, bias, ReLU], maxpool 2 → 64×32×32 (dropout 0.25 at training)',
    '2× [conv 3×3 128, ReLU], maxpool 2 → 128×16×16',
    '3× [conv 3×3 256, ReLU], maxpool 2 → 256×8×8',
    '3× [conv 3×3 256, ReLU], maxpool 2 → 256×4×4',
    'flatten 4096 → dense 1024, ReLU → dense 1024, ReLU (dropout 0.5 at training) → dense 8 (FER+ order), logits',
  ],
  input: [1, 64, 64],
  classes: 8,
  card: {
    $comment:
      'Architecture replica of the FER+ VGG13 with random weights: for size and speed only, never for accuracy.',
    input: { height: 64, width: 64, channels: 1, layout: 'NCHW' },
    scale: 'raw255',
    resize: 'bilinear',
    tta: 'none',
    labels: [...EMOTIONS],
    output: 'logits',
  },
  claim: { text: '32.4 MB download (ONNX model zoo); about 84–85% on the FER+ test set', sizeBytes: 32_400_000 },
  build() {
    const l = new LayerBuilder('ferplus_vgg13_replica', 13)
    let x = l.input('Input3', [1, 64, 64])
    for (const [channels, convs] of [
      [64, 2],
      [128, 2],
      [256, 3],
      [256, 3],
    ] as const) {
      for (let i = 0; i < convs; i++) x = l.relu(l.conv(x, { out: channels, kernel: 3, pad: 1 }))
      x = l.maxPool(x, 2)
    }
    x = l.relu(l.dense(l.flatten(x), 1024))
    x = l.relu(l.dense(x, 1024))
    l.output(l.dense(x, 8), 'logits')
    return l.build('ferbench architecture replica: FER+ VGG13 (random weights)')
  },
}
