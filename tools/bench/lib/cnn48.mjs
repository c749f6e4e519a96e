// A realistic small FER2013 CNN for the evaluation benchmarks, in the shape of the Keras models
// users train on fer2013.csv: 48×48×1 input, three conv 3×3 + ReLU + max-pool 2 blocks (8, 16, 32
// channels), dense 1152 → 720 + ReLU, dense → 8 scores in canonical order (neutral … contempt, so
// tools/bench/lib/rawEval.mjs maps it like the oracle). 0.84 M parameters, 2.2 M multiply-accumulates per
// image; seeded random weights (speed only, never accuracy). Built with the project's own ONNX
// writer from dist/ (build first); written once under the given folder with its card sidecar.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { LayerBuilder } from '../../dist/tools/replicas/onnxLayers.js'

export function cnn48Model(dir) {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'cnn48.onnx')
  if (existsSync(file)) return file
  const l = new LayerBuilder('cnn48', 48)
  let x = l.input('image', [1, 48, 48])
  for (const c of [8, 16, 32]) x = l.maxPool(l.relu(l.conv(x, { out: c, kernel: 3, pad: 1, bias: true })), 2)
  x = l.relu(l.dense(l.flatten(x), 720))
  l.output(l.dense(x, 8), 'scores')
  writeFileSync(file, l.build('ferbench bench: 48×48 FER CNN, 0.84 M parameters (random weights)'))
  const card = {
    input: { height: 48, width: 48, channels: 1, layout: 'NCHW' },
    scale: 'raw255',
    resize: 'bilinear',
    labels: ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'],
    output: 'logits',
  }
  writeFileSync(`${file}.ferbench.json`, `${JSON.stringify(card, null, 2)}\n`)
  return file
}
