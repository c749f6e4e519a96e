// Calibration of the degenerate-output detector (src/metrics/degenerate.ts): runs eval on correct
// models (their true cards) and on broken setups (wrong scale, channel order, label order, output
// kind), and speed's synthetic-input check on the fixture models and the architecture replicas
// (tools/bench/out/replicas, from `npm run replicas`, when present). Prints precision and recall.
// Usage: npm run tools && node tools/bench/degenerate.mjs [--replicas <dir>]. Writes under tools/bench/out/degenerate/ (git-ignored).
import { execSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluate } from '../../dist/engine/evaluate.js'
import { evalSpec } from '../../dist/engine/spec.js'
import { benchmark } from '../../dist/engine/speedBenchmark.js'
import { speedSpec } from '../../dist/engine/speedSpec.js'
import { bandFer2013Csv, colourBandModel, writeColourBandFolder } from '../dist/tools/fixtures/doctorFixtures.js'
import { opt } from './lib/cli.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const out = path.join(root, 'tools', 'bench', 'out', 'degenerate')
mkdirSync(out, { recursive: true })
const models = path.join(root, 'fixtures', 'models')
const colour = path.join(out, 'colour')
if (!existsSync(colour)) await writeColourBandFolder(colour, 40)
const bands = path.join(out, 'bands.csv')
writeFileSync(bands, bandFer2013Csv(50))
const softmaxModel = path.join(out, 'colourband-softmax.onnx')
writeFileSync(softmaxModel, colourBandModel(undefined, { softmax: true }))
const trueCard = JSON.parse(readFileSync(path.join(models, 'colourband.card.json'), 'utf8'))
const oracleCard = JSON.parse(readFileSync(path.join(models, 'oracle.onnx.ferbench.json'), 'utf8'))
const card = (name, base, changes) => {
  const file = path.join(out, `${name}.json`)
  writeFileSync(file, JSON.stringify({ ...base, ...changes }))
  return file
}
const fer = path.join(root, 'fixtures', 'fer2013', 'fer2013.csv')
const colourEval = (model, cardFile) => ({ model, card: cardFile, dataset: 'folder', data: colour })
const rotated = [...oracleCard.labels.slice(1, 7), oracleCard.labels[0], oracleCard.labels[7]]

const evalCases = [
  [
    'oracle, demo fer2013.csv PrivateTest',
    false,
    { model: path.join(models, 'oracle.onnx'), dataset: 'fer2013', data: fer, split: 'PrivateTest' },
  ],
  [
    'oracle, fixture Training split',
    false,
    { model: path.join(models, 'oracle.onnx'), dataset: 'fer2013', data: fer, split: 'Training' },
  ],
  [
    'oracle, 350 band images',
    false,
    { model: path.join(models, 'oracle.onnx'), dataset: 'fer2013', data: bands, split: 'PrivateTest' },
  ],
  [
    'oracle batch 1, demo',
    false,
    { model: path.join(models, 'oracle-batch1.onnx'), dataset: 'fer2013', data: fer, split: 'PrivateTest' },
  ],
  [
    'tinyconv onnx, demo',
    false,
    { model: path.join(models, 'tinyconv.onnx'), dataset: 'fer2013', data: fer, split: 'PrivateTest' },
  ],
  [
    'tinyconv onnx, 350 band images',
    false,
    { model: path.join(models, 'tinyconv.onnx'), dataset: 'fer2013', data: bands, split: 'PrivateTest' },
  ],
  [
    'tinyconv tfjs graph, 350 band images',
    false,
    { model: path.join(models, 'tinyconv-graph', 'model.json'), dataset: 'fer2013', data: bands, split: 'PrivateTest' },
  ],
  [
    'tinyconv tfjs layers, 350 band images',
    false,
    {
      model: path.join(models, 'tinyconv-layers', 'model.json'),
      dataset: 'fer2013',
      data: bands,
      split: 'PrivateTest',
    },
  ],
  [
    'colour band, true card (unit, BGR)',
    false,
    colourEval(path.join(models, 'colourband.onnx'), path.join(models, 'colourband.card.json')),
  ],
  [
    'colour band + softmax, probabilities card',
    false,
    colourEval(softmaxModel, card('softmax-probs', trueCard, { output: 'probabilities' })),
  ],
  [
    'colour band, never separates fear/sadness (true card)',
    false,
    colourEval(path.join(models, 'colourband-merged.onnx'), path.join(models, 'colourband.card.json')),
  ],
  [
    'colour band fed raw255',
    true,
    colourEval(path.join(models, 'colourband.onnx'), card('raw255', trueCard, { scale: 'raw255' })),
  ],
  [
    'colour band fed symmetric',
    true,
    colourEval(path.join(models, 'colourband.onnx'), card('symmetric', trueCard, { scale: 'symmetric' })),
  ],
  [
    'colour band fed ImageNet mean/std',
    true,
    colourEval(
      path.join(models, 'colourband.onnx'),
      card('meanstd', trueCard, { scale: 'meanstd', mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] }),
    ),
  ],
  [
    'colour band fed RGB',
    true,
    colourEval(
      path.join(models, 'colourband.onnx'),
      card('rgb', trueCard, { input: { ...trueCard.input, channelOrder: 'RGB' } }),
    ),
  ],
  [
    'colour band fed gray',
    true,
    colourEval(
      path.join(models, 'colourband.onnx'),
      card('gray', trueCard, { input: { ...trueCard.input, channelOrder: 'gray' } }),
    ),
  ],
  [
    'colour band, dataset-order labels',
    true,
    colourEval(
      path.join(models, 'colourband.onnx'),
      card('labels', trueCard, {
        labels: ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'],
      }),
    ),
  ],
  ['colour band + softmax, logits card', true, colourEval(softmaxModel, path.join(models, 'colourband.card.json'))],
  [
    'colour band (logits), probabilities card',
    true,
    colourEval(path.join(models, 'colourband.onnx'), card('says-probs', trueCard, { output: 'probabilities' })),
  ],
  [
    'oracle, rotated label order, 350 band images',
    true,
    {
      model: path.join(models, 'oracle.onnx'),
      card: card('oracle-rotated', oracleCard, { labels: rotated }),
      dataset: 'fer2013',
      data: bands,
      split: 'PrivateTest',
    },
  ],
]

const rows = []
for (const [name, broken, o] of evalCases) {
  const r = await evaluate(evalSpec({ batch: 32, device: 'cpu', extraClasses: 'drop', ...o }))
  rows.push({ kind: 'eval', name, broken, flags: r.outputCheck.flags, accuracy: r.metrics.accuracy })
}
const speedCases = [
  ['oracle', false, { model: path.join(models, 'oracle.onnx') }],
  ['tinyconv onnx', false, { model: path.join(models, 'tinyconv.onnx') }],
  [
    'colour band, true card',
    false,
    { model: path.join(models, 'colourband.onnx'), card: path.join(models, 'colourband.card.json') },
  ],
  [
    'colour band, raw255 card',
    true,
    { model: path.join(models, 'colourband.onnx'), card: path.join(out, 'raw255.json') },
  ],
]
const replicas = opt('replicas', path.join(root, 'tools', 'bench', 'out', 'replicas'))
if (existsSync(replicas))
  for (const f of readdirSync(replicas)
    .filter((f) => f.endsWith('.onnx'))
    .sort())
    speedCases.push([`replica ${f}`, false, { model: path.join(replicas, f) }])
for (const [name, broken, o] of speedCases) {
  const r = await benchmark(
    speedSpec({ device: 'cpu', batches: [1], threads: [null], warmup: 0, minIterations: 1, minDurationS: 0, ...o }),
  )
  rows.push({
    kind: 'speed',
    name,
    broken,
    flags: r.warnings.some((w) => w.startsWith('degenerate output')) ? ['synthetic-zero-or-nan'] : [],
  })
}

let tp = 0,
  fp = 0,
  fn = 0,
  tn = 0
console.log('| run | case | broken | flags | accuracy |')
console.log('| --- | --- | --- | --- | ---: |')
for (const r of rows) {
  const fired = r.flags.length > 0
  if (fired && r.broken) tp++
  else if (fired) fp++
  else if (r.broken) fn++
  else tn++
  console.log(
    `| ${r.kind} | ${r.name} | ${r.broken ? 'yes' : 'no'} | ${r.flags.join(', ') || '—'} | ${r.accuracy === undefined ? '' : (100 * r.accuracy).toFixed(1)} |`,
  )
}
console.log(`\nalarms: ${tp} true, ${fp} false; missed ${fn}; quiet on ${tn} correct runs`)
console.log(
  `precision ${(tp / Math.max(1, tp + fp)).toFixed(2)}, recall ${(tp / Math.max(1, tp + fn)).toFixed(2)}; ${execSync('uptime').toString().trim()}`,
)
