import { LayerBuilder } from './onnxLayers.js'
import type { Replica } from './types.js'
import { FER2013_LABELS } from '../../src/datasets/fer2013.js'

/**
 * mini-Xception (Arriaga, Valdenegro-Toro, Plöger 2017, arXiv:1710.07557), from mini_XCEPTION in
 * src/models/cnn.py of github.com/oarriaga/face_classification: two 3×3 convs, four residual
 * modules of depthwise-separable convs (16, 32, 64, 128), a 3×3 conv to the classes and global
 * average pooling. Keras 'same' padding is reproduced with explicit pads.
 */
export const miniXception: Replica = {
  id: 'mini-xception',
  title: 'mini-Xception (64×64)',
  source:
    'Arriaga et al. 2017, arXiv:1710.07557; github.com/oarriaga/face_classification src/models/cnn.py mini_XCEPTION',
  layers: [
    'input 1×64×64 (gray, (x/255 − 0.5)·2)',
    'conv 3×3 8, valid, no bias, BN, ReLU → 8×62×62; conv 3×3 8, valid, no bias, BN, ReLU → 8×60×60',
    'module ×4 with c = 16, 32, 64, 128: residual = conv 1×1 c stride 2 + BN; ' +
      'x = sepconv 3×3 c + BN + ReLU, sepconv 3×3 c + BN, maxpool 3×3 stride 2 same; x + residual → 16×30×30, 32×15×15, 64×8×8, 128×4×4',
    'conv 3×3 7, same, bias → 7×4×4; global average pool → 7 (softmax in the original: outputs here are pre-softmax)',
  ],
  input: [1, 64, 64],
  classes: 7,
  card: {
    $comment: 'Architecture replica of mini-Xception with random weights: for size and speed only, never for accuracy.',
    input: { height: 64, width: 64, channels: 1, layout: 'NCHW' },
    scale: 'symmetric',
    resize: 'bilinear',
    tta: 'none',
    labels: [...FER2013_LABELS],
    output: 'logits',
  },
  stated: {
    value: 60_000,
    kind: 'total',
    tolerance: 0.05,
    source: 'Arriaga et al. 2017, section 3: "approximately 60,000 parameters"',
  },
  claim: { text: '66% on FER2013 (accuracy only; the paper states about 60,000 parameters)' },
  build() {
    const l = new LayerBuilder('mini_xception_replica', 1710)
    let x = l.input('image', [1, 64, 64])
    x = l.relu(l.batchNorm(l.conv(x, { out: 8, kernel: 3, pad: 'valid', bias: false })))
    x = l.relu(l.batchNorm(l.conv(x, { out: 8, kernel: 3, pad: 'valid', bias: false })))
    for (const c of [16, 32, 64, 128]) {
      const residual = l.batchNorm(l.conv(x, { out: c, kernel: 1, stride: 2, pad: 'same', bias: false }))
      x = l.relu(l.batchNorm(l.separableConv(x, c, 3, 'same')))
      x = l.batchNorm(l.separableConv(x, c, 3, 'same'))
      x = l.maxPool(x, 3, 2, 'same')
      x = l.add(x, residual)
    }
    x = l.conv(x, { out: 7, kernel: 3, pad: 'same', bias: true })
    x = l.flatten(l.globalAvgPool(x))
    l.output(x, 'logits')
    return l.build('ferbench architecture replica: mini-Xception (random weights)')
  },
}
