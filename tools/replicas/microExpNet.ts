import { LayerBuilder } from './onnxLayers.js'
import type { Replica } from './types.js'

/**
 * MicroExpNet (Cugu, Sener, Akbas 2017, arXiv:1711.07011), from MicroExpNet.py v1.4 of
 * github.com/cuguilke/microexpnet: two strided convolutions (TensorFlow 'SAME' padding) and two
 * fully connected layers. NCHW here (the original is NHWC TensorFlow); shapes and weights equal.
 */
export const microExpNet: Replica = {
  id: 'microexpnet',
  title: 'MicroExpNet',
  source: 'Cugu, Sener, Akbas 2017, arXiv:1711.07011; github.com/cuguilke/microexpnet MicroExpNet.py v1.4',
  layers: [
    'input 1×84×84 (grayscale)',
    'conv1 8×8, 16 filters, stride 4, SAME padding, bias → 16×21×21, ReLU',
    'conv2 4×4, 32 filters, stride 2, SAME padding, bias → 32×11×11, ReLU',
    'flatten 3872 → fc 16, bias, ReLU (dropout at training only)',
    'fc 8 (neutral, anger, contempt, disgust, fear, happy, sadness, surprise), logits',
  ],
  input: [1, 84, 84],
  classes: 8,
  card: {
    $comment: 'Architecture replica of MicroExpNet with random weights: for size and speed only, never for accuracy.',
    input: { height: 84, width: 84, channels: 1, layout: 'NCHW' },
    scale: 'unit',
    resize: 'bilinear',
    tta: 'none',
    labels: ['neutral', 'anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'],
    output: 'logits',
  },
  claim: {
    text: 'under 1 MB; 1408 FPS on an i7 CPU',
    sizeBytes: 1_000_000,
    fps: 1408,
    machine: 'Intel i7 (model not stated), TensorFlow',
  },
  build() {
    const l = new LayerBuilder('microexpnet_replica', 1711)
    let x = l.input('image', [1, 84, 84])
    x = l.relu(l.conv(x, { out: 16, kernel: 8, stride: 4, pad: 'same' }))
    x = l.relu(l.conv(x, { out: 32, kernel: 4, stride: 2, pad: 'same' }))
    x = l.relu(l.dense(l.flatten(x), 16))
    l.output(l.dense(x, 8), 'logits')
    return l.build('ferbench architecture replica: MicroExpNet (random weights)')
  },
}
