// The fixed command lines tools/equiv/capture.mjs runs, on the committed fixtures. Each case runs in a
// folder of its own (holding a `fixtures` link); its steps run in order, so later steps read the
// documents earlier ones wrote. `volatile` names what diff.mjs compares only loosely: `timing: true`
// (speed figures in tables: alignment around masked numbers may differ), `files` (regexes of files
// compared by presence and, for PNG, size in pixels), `streams` (step numbers whose stdout/stderr
// carry run-dependent counts: only the exit code is compared).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const ORACLE = 'fixtures/models/oracle.onnx'
const TINY = 'fixtures/models/tinyconv.onnx'
const TFJS_GRAPH = 'fixtures/models/tinyconv-graph/model.json'
const TFJS_LAYERS = 'fixtures/models/tinyconv-layers/model.json'
const FER = 'fixtures/fer2013/fer2013.csv'
const FER_ARGS = ['--model', ORACLE, '--data', FER]
const FER_CLASS_MAP = '0=anger,1=disgust,2=fear,3=happiness,4=sadness,5=surprise,6=neutral'

const cmd = (...args) => ({ args })

/** Eval of the oracle (base.json) and of tinyconv (cur.json), predictions embedded: inputs for compare and gate. */
const twoResults = [
  cmd('eval', ...FER_ARGS, '--embed-predictions', '--output', 'base.json'),
  cmd('eval', '--model', TINY, '--data', FER, '--embed-predictions', '--output', 'cur.json'),
]

/** fer2013.csv with row `n` (1-based data row) of PrivateTest given 3 pixel values. */
function breakRow(fixtures, target, n) {
  const lines = readFileSync(path.join(fixtures, 'fer2013', 'fer2013.csv'), 'utf8').split('\n')
  const rows = lines.map((l, i) => [l, i]).filter(([l]) => l.endsWith('PrivateTest'))
  const i = rows[n - 1][1]
  const [emotion, , usage] = lines[i].split(',')
  lines[i] = `${emotion},1 2 3,${usage}`
  writeFileSync(target, lines.join('\n'))
}

/** fer2013.csv keeping one PrivateTest row per class (a sample that cannot settle the label order) and every other row. */
function onePerClass(fixtures, target) {
  const lines = readFileSync(path.join(fixtures, 'fer2013', 'fer2013.csv'), 'utf8').split('\n')
  const seen = new Set()
  const kept = lines.filter((l, i) => {
    if (i === 0 || !l.endsWith('PrivateTest')) return true
    const emotion = l.split(',')[0]
    if (seen.has(emotion)) return false
    seen.add(emotion)
    return true
  })
  writeFileSync(target, kept.join('\n'))
}

/** True once the settled count the debug hook reports drops: the second fold has settled its first batch. */
function secondFoldStarted(stderr) {
  const counts = [...stderr.matchAll(/ferbench debug: (\d+) samples settled/g)].map((m) => Number(m[1]))
  return counts.some((n, i) => i > 0 && n < counts[i - 1])
}

/** The oracle's card with its first two labels swapped: a worse model on the same data (gate fails). */
function swappedCard(dir, name) {
  const card = JSON.parse(readFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx.ferbench.json'), 'utf8'))
  const [a, b, ...rest] = card.labels
  writeFileSync(path.join(dir, name), JSON.stringify({ ...card, labels: [b, a, ...rest] }))
}

/** A value for each flag `eval` and `robust` take (booleans: none), for the --resume sweep. */
const RESUME_FLAG_VALUES = [
  ['align'],
  ['allow-outside-root'],
  ['batch', '8'],
  ['batch-timeout', '100'],
  ['calibrate', 'temperature'],
  ['calibration-split', 'PublicTest'],
  ['card', 'fixtures/models/oracle.onnx.ferbench.json'],
  ['ckplus-neutral'],
  ['class-map', FER_CLASS_MAP],
  ['classes', '7'],
  ['concurrency', '2'],
  ['corruptions', 'jpeg'],
  ['data', 'data.csv'],
  ['dataset', 'fer2013'],
  ['device', 'cpu'],
  ['embed-predictions'],
  ['extra-classes', 'keep'],
  ['face-index', '0'],
  ['face-margin', '1.5'],
  ['faces', 'none'],
  ['fold', '1'],
  ['folds', '3'],
  ['format', 'markdown'],
  ['ignore-exif-orientation'],
  ['json'],
  ['labels', 'fixtures/ferplus/fer2013new.csv'],
  ['max-aspect', '4'],
  ['max-pixels', '100000'],
  ['max-side', '1000'],
  ['model', ORACLE],
  ['output', 'other.json'],
  ['predictions', 'other.csv'],
  ['preset', 'ferplus'],
  ['reference', 'fixtures/models/oracle.onnx'],
  ['report', 'other.md'],
  ['runner', 'onnx'],
  ['seed', '15'],
  ['severities', '1'],
  ['shard', '1/2'],
  ['shard-count', '2'],
  ['slice-by', 'subject'],
  ['slice-min-samples', '3'],
  ['split', 'PrivateTest'],
  ['strict'],
  ['threads', '1'],
  ['timings'],
  ['tta', 'flip'],
  ['workers', '2'],
]

/**
 * `<command> --resume <partial>` with each flag of the command in turn (RESUME_FLAG_VALUES), the
 * partial restored from `pristine` before each: which flags a partial result keeps fixed (exit 2
 * and the message) and which may be given (the run goes on).
 */
function resumeSweep(command, flags, partial, pristine) {
  const restore = ({ dir }) => copyFileSync(path.join(dir, pristine), path.join(dir, partial))
  return RESUME_FLAG_VALUES.filter(([flag]) => flags.includes(flag)).map(([flag, value]) => ({
    args: [command, '--resume', partial, `--${flag}`, ...(value === undefined ? [] : [value])],
    before: restore,
  }))
}

const EVAL_FLAGS = RESUME_FLAG_VALUES.map(([f]) => f).filter(
  (f) => !['corruptions', 'reference', 'seed', 'severities'].includes(f),
)
const ROBUST_FLAGS = RESUME_FLAG_VALUES.map(([f]) => f).filter(
  (f) =>
    ![
      'calibrate',
      'calibration-split',
      'embed-predictions',
      'predictions',
      'shard-count',
      'slice-by',
      'slice-min-samples',
      'timings',
    ].includes(f),
)

/** True once the debug hook reports at least 8 settled samples. */
function eightSettled(stderr) {
  return [...stderr.matchAll(/ferbench debug: (\d+) samples settled/g)].some((m) => Number(m[1]) >= 8)
}

const SLOW = { FERBENCH_DEBUG_SAMPLE_DELAY_MS: '40' }

/** Bad models and cards, for the open-a-model errors of every command that opens one. */
function badModels(dir) {
  const card = JSON.parse(readFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx.ferbench.json'), 'utf8'))
  writeFileSync(path.join(dir, 'garbage.onnx'), 'not an onnx model\n')
  writeFileSync(path.join(dir, 'garbage.onnx.ferbench.json'), JSON.stringify(card))
  copyFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx'), path.join(dir, 'bare.onnx'))
  const { scale: _scale, ...noScale } = card
  writeFileSync(path.join(dir, 'no-scale.json'), JSON.stringify(noScale))
}

/** One command's open-a-model failures: missing, unreadable, no card, invalid card, unavailable runner and device, missing model and data together. */
function openModelErrors(prefix, dataArgs, { runnerFlags = true } = {}) {
  return [
    cmd(...prefix, '--model', 'missing.onnx', ...dataArgs),
    cmd(...prefix, '--model', 'garbage.onnx', ...dataArgs),
    cmd(...prefix, '--model', 'bare.onnx', ...dataArgs),
    cmd(...prefix, '--model', ORACLE, '--card', 'no-scale.json', ...dataArgs),
    cmd(...prefix, '--model', ORACLE, '--card', 'missing.card.json', ...dataArgs),
    cmd(...prefix, '--model', ORACLE, '--preset', 'no-such-preset', ...dataArgs),
    ...(runnerFlags
      ? [
          cmd(...prefix, '--model', ORACLE, '--runner', 'tfjs', ...dataArgs),
          cmd(...prefix, '--model', ORACLE, '--device', 'gpu', ...dataArgs),
        ]
      : []),
    cmd(...prefix, '--model', 'missing.onnx', ...dataArgs.map((a) => (a === FER ? 'missing.csv' : a))),
  ]
}

export const CASES = [
  // ---- eval, one per dataset adapter and layout ----
  {
    name: 'eval-demo',
    about: 'the bundled demo: table, --json, --timings',
    steps: [cmd('eval'), cmd('eval', '--json')],
  },
  {
    name: 'eval-fer2013',
    about: 'fer2013 PublicTest with every output flag',
    steps: [
      cmd(
        'eval',
        ...FER_ARGS,
        '--split',
        'PublicTest',
        '--embed-predictions',
        '--output',
        'r.json',
        '--predictions',
        'p.csv',
        '--report',
        'r.md',
        '--report',
        'r.html',
        '--report',
        'r.png',
        '--report',
        'r.txt',
      ),
      cmd('eval', ...FER_ARGS, '--split', 'Training', '--format', 'markdown'),
      cmd('eval', ...FER_ARGS, '--format', 'json'),
      cmd('eval', ...FER_ARGS, '--format', 'html', '--report', 'f.out'),
    ],
  },
  {
    name: 'eval-fer2013-icml',
    about: 'the icml_face_data.csv layout',
    steps: [cmd('eval', '--model', ORACLE, '--data', 'fixtures/fer2013/icml_face_data.csv', '--output', 'r.json')],
  },
  {
    name: 'eval-ferplus',
    about: 'FER+ labels over fer2013.csv',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'ferplus',
        '--data',
        FER,
        '--labels',
        'fixtures/ferplus/fer2013new.csv',
        '--output',
        'r.json',
      ),
      cmd(
        'eval',
        '--model',
        TINY,
        '--dataset',
        'ferplus',
        '--data',
        FER,
        '--labels',
        'fixtures/ferplus/fer2013new.csv',
        '--extra-classes',
        'keep',
      ),
    ],
  },
  {
    name: 'eval-ckplus',
    about: 'CK+48 class folders and the original layout, --slice-by subject',
    steps: [
      cmd('eval', '--model', ORACLE, '--dataset', 'ckplus', '--data', 'fixtures/ckplus/CK+48', '--output', 'r48.json'),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'ckplus',
        '--data',
        'fixtures/ckplus/original',
        '--slice-by',
        'subject',
        '--output',
        'orig.json',
      ),
      cmd('eval', '--model', ORACLE, '--dataset', 'ckplus', '--data', 'fixtures/ckplus/original', '--ckplus-neutral'),
    ],
  },
  {
    name: 'eval-jaffe',
    about: 'JAFFE tiffs; JAFFE frames with --faces detect',
    steps: [
      cmd('eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', 'fixtures/jaffe/jaffe', '--output', 'r.json'),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'jaffe',
        '--data',
        'fixtures/jaffe-frames',
        '--faces',
        'detect',
        '--output',
        'faces.json',
      ),
    ],
  },
  {
    name: 'eval-rafdb',
    about: 'RAF-DB basic (with --slice-by gender) and the EfficientFace layout',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'rafdb',
        '--data',
        'fixtures/rafdb/basic',
        '--split',
        'test',
        '--slice-by',
        'gender',
        '--output',
        'basic.json',
      ),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'rafdb',
        '--data',
        'fixtures/rafdb/efficientface/RAF-DB',
        '--split',
        'test',
        '--output',
        'ef.json',
      ),
    ],
  },
  {
    name: 'eval-affectnet',
    about: 'AffectNet validation, 7 and 8 classes',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'affectnet',
        '--data',
        'fixtures/affectnet',
        '--split',
        'validation',
        '--output',
        'r.json',
      ),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'affectnet',
        '--data',
        'fixtures/affectnet',
        '--split',
        'validation',
        '--classes',
        '8',
      ),
    ],
  },
  {
    name: 'eval-folder',
    about: 'folder layouts: numeric with --class-map, named split folders',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'folder',
        '--data',
        'fixtures/folder/numeric',
        '--class-map',
        FER_CLASS_MAP,
        '--output',
        'num.json',
      ),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'folder',
        '--data',
        'fixtures/folder/fer2013-jpg',
        '--split',
        'test',
        '--output',
        'jpg.json',
      ),
    ],
  },
  {
    name: 'eval-manifest',
    about: 'manifest CSV with --slice-by subject, tta flip, calibration',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        'fixtures/manifest/manifest.csv',
        '--slice-by',
        'subject',
        '--output',
        'r.json',
      ),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        'fixtures/manifest/manifest.csv',
        '--tta',
        'flip',
        '--json',
      ),
      cmd(
        'eval',
        ...FER_ARGS,
        '--calibrate',
        'temperature',
        '--calibration-split',
        'PublicTest',
        '--output',
        'cal.json',
      ),
    ],
  },
  {
    name: 'eval-tfjs',
    about: 'TensorFlow.js graph and layers models, --workers',
    steps: [
      cmd('eval', '--model', TFJS_GRAPH, '--data', FER, '--output', 'graph.json'),
      cmd('eval', '--model', TFJS_LAYERS, '--data', FER, '--workers', '1', '--output', 'layers.json'),
    ],
  },
  {
    name: 'eval-cv',
    about: 'cross-validation: all folds and one fold; report and compare of CV results',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'ckplus',
        '--data',
        'fixtures/ckplus/CK+48',
        '--folds',
        '3',
        '--output',
        'cv.json',
        '--report',
        'cv.md',
        '--report',
        'cv.html',
        '--report',
        'cv.png',
      ),
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'ckplus',
        '--data',
        'fixtures/ckplus/CK+48',
        '--folds',
        '3',
        '--fold',
        '2',
        '--output',
        'fold2.json',
      ),
      cmd(
        'eval',
        '--model',
        TINY,
        '--dataset',
        'ckplus',
        '--data',
        'fixtures/ckplus/CK+48',
        '--folds',
        '3',
        '--output',
        'cv-tiny.json',
      ),
      cmd('report', 'cv.json'),
      cmd('report', 'cv.json', '--format', 'markdown'),
      cmd('report', 'cv.json', '--format', 'json'),
      cmd('compare', 'cv.json', 'cv-tiny.json'),
      cmd('gate', '--baseline', 'cv.json', '--current', 'cv-tiny.json', '--max-accuracy-drop', '1'),
    ],
  },
  {
    name: 'eval-shards-merge',
    about: 'two shards and their merge; merge of a folder',
    steps: [
      cmd('eval', ...FER_ARGS, '--shard', '1/2', '--output', 'shards/shard-1.json'),
      cmd('eval', ...FER_ARGS, '--shard', '2/2', '--output', 'shards/shard-2.json'),
      cmd('merge', 'shards/shard-1.json', 'shards/shard-2.json', '--output', 'merged.json'),
      cmd('merge', 'shards', '--json'),
      cmd('merge', 'shards/shard-1.json'),
    ],
  },
  {
    name: 'eval-error-resume',
    about: 'a malformed row stops the run: deterministic partial result (exit 3), then --resume after the fix',
    setup: ({ dir, fixtures }) => breakRow(fixtures, path.join(dir, 'data.csv'), 16),
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--data',
        'data.csv',
        '--batch',
        '4',
        '--output',
        'run.json',
        '--predictions',
        'p.csv',
      ),
      cmd('eval', '--resume', 'run.json', '--split', 'Training'),
      {
        args: ['eval', '--resume', 'run.json', '--report', 'run.md'],
        before: ({ dir, fixtures }) =>
          copyFileSync(path.join(fixtures, 'fer2013', 'fer2013.csv'), path.join(dir, 'data.csv')),
      },
    ],
  },
  {
    name: 'eval-signal-resume',
    about: 'SIGINT in the second fold of an all-fold run (exit 9), then --resume to the uninterrupted result',
    volatile: { streams: [1] },
    steps: [
      {
        args: [
          'eval',
          '--model',
          ORACLE,
          '--dataset',
          'jaffe',
          '--data',
          'fixtures/jaffe/jaffe',
          '--folds',
          '3',
          '--batch',
          '2',
          '--concurrency',
          '1',
          '--output',
          'cv.json',
        ],
        env: { FERBENCH_DEBUG_SAMPLE_DELAY_MS: '40' },
        interrupt: { signal: 'SIGINT', when: secondFoldStarted },
      },
      cmd('eval', '--resume', 'cv.json'),
    ],
  },
  // ---- report, export, compare, gate ----
  {
    name: 'report-eval',
    about: 'report of an eval result in every format, and the refused ones',
    steps: [
      cmd('eval', ...FER_ARGS, '--output', 'r.json'),
      cmd('report', 'r.json'),
      cmd('report', 'r.json', '--format', 'markdown'),
      cmd('report', 'r.json', '--format', 'json'),
      cmd('report', 'r.json', '--format', 'html'),
      cmd(
        'report',
        'r.json',
        '--output',
        'r.html',
        '--output',
        'r.png',
        '--output',
        'r.md',
        '--output',
        'r.txt',
        '--output',
        'copy.json',
      ),
      cmd('report', 'r.json', '--format', 'junit'),
      cmd('report', 'r.json', '--output', 'r.xml'),
      cmd('report', 'r.json', '--format', 'markdown', '--output', 'flip.html'),
      cmd('report', 'r.json', '--output', 'noext'),
      cmd('report', 'r.json', '--format', 'nope'),
      cmd('report', 'missing.json'),
    ],
  },
  {
    name: 'export',
    about: 'export in every format from eval results, a folder and speed results',
    volatile: { timing: true },
    steps: [
      ...twoResults,
      cmd('export', '--format', 'bmf', 'base.json', 'cur.json', '--output', 'bencher.json'),
      cmd('export', '--format', 'github-action-benchmark', 'base.json'),
      cmd('export', '--format', 'junit', 'base.json', 'cur.json', '--output', 'export.xml'),
      cmd('export', '--format', 'csv', 'base.json', 'cur.json'),
      cmd('export', '--format', 'csv', '.', '--output', 'all.csv'),
      cmd('export', '--format', 'bmf', 'base.json', '--json'),
      cmd('export', '--format', 'nope', 'base.json'),
      cmd(
        'speed',
        '--model',
        TINY,
        '--duration',
        '0.05',
        '--warmup',
        '2',
        '--iterations',
        '5',
        '--output',
        'speed.json',
      ),
      cmd(
        'export',
        '--format',
        'github-action-benchmark',
        '--direction',
        'smaller',
        'speed.json',
        '--output',
        'smaller.json',
      ),
    ],
  },
  {
    name: 'compare',
    about: 'compare two eval results: table, --json, markdown file, a result with itself',
    steps: [
      ...twoResults,
      cmd('compare', 'base.json', 'cur.json'),
      cmd('compare', 'base.json', 'cur.json', '--json'),
      cmd('compare', 'base.json', 'cur.json', '--output', 'compare.md', '--output', 'compare.json'),
      cmd('compare', 'base.json', 'base.json', '--format', 'markdown'),
      cmd('compare', 'base.json', 'cur.json', '--output', 'compare.html'),
    ],
  },
  {
    name: 'gate',
    about: 'gate passing and failing (exit 8), with JUnit, Markdown and HTML outputs',
    setup: ({ dir }) => swappedCard(dir, 'swapped.json'),
    steps: [
      ...twoResults,
      cmd('eval', ...FER_ARGS, '--card', 'swapped.json', '--embed-predictions', '--output', 'worse.json'),
      cmd('gate', '--baseline', 'base.json', '--current', 'base.json', '--output', 'pass.xml', '--output', 'pass.md'),
      cmd('gate', '--baseline', 'base.json', '--current', 'cur.json', '--max-accuracy-drop', '1'),
      cmd(
        'gate',
        '--baseline',
        'base.json',
        '--current',
        'worse.json',
        '--max-accuracy-drop',
        '1',
        '--output',
        'fail.xml',
        '--output',
        'fail.md',
        '--output',
        'fail.html',
        '--output',
        'fail.json',
      ),
      cmd('gate', '--baseline', 'base.json', '--current', 'worse.json', '--max-class-recall-drop', '5', '--json'),
      cmd(
        'gate',
        '--baseline',
        'base.json',
        '--current',
        'worse.json',
        '--max-accuracy-drop',
        '100',
        '--format',
        'markdown',
      ),
      cmd('compare', 'base.json', 'worse.json'),
      cmd('gate', '--baseline', 'base.json', '--current', 'nope.json'),
    ],
  },
  {
    name: 'gate-groups',
    about: 'gate --max-group-gap on sliced results',
    steps: [
      cmd(
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'rafdb',
        '--data',
        'fixtures/rafdb/basic',
        '--split',
        'test',
        '--slice-by',
        'gender',
        '--embed-predictions',
        '--output',
        'a.json',
      ),
      cmd('gate', '--baseline', 'a.json', '--current', 'a.json', '--max-group-gap', '5'),
      cmd('gate', '--baseline', 'a.json', '--current', 'a.json', '--max-group-gap', '100', '--json'),
    ],
  },
  // ---- robust ----
  {
    name: 'robust',
    about: 'robust on two corruptions, reports, --reference, report of a robust result',
    steps: [
      cmd(
        'robust',
        ...FER_ARGS,
        '--corruptions',
        'gaussian-noise,jpeg',
        '--severities',
        '1,3',
        '--output',
        'rb.json',
        '--report',
        'rb.html',
        '--report',
        'rb.md',
        '--report',
        'rb.png',
      ),
      cmd(
        'robust',
        '--model',
        TINY,
        '--data',
        FER,
        '--corruptions',
        'gaussian-noise,jpeg',
        '--severities',
        '1,3',
        '--reference',
        'rb.json',
        '--json',
      ),
      cmd('report', 'rb.json'),
      cmd('report', 'rb.json', '--format', 'markdown'),
      cmd('robust', ...FER_ARGS, '--corruptions', 'nope'),
    ],
  },
  // ---- speed (timings masked) ----
  {
    name: 'speed',
    about: 'speed: table, --json with --reference, --e2e; a speed latency gate',
    volatile: { timing: true, files: ['\\.png$'] },
    steps: [
      cmd('speed', '--model', TINY, '--duration', '0.05', '--warmup', '2', '--iterations', '5'),
      cmd(
        'speed',
        '--model',
        TINY,
        '--reference',
        ORACLE,
        '--batch',
        '1,4',
        '--duration',
        '0.05',
        '--warmup',
        '2',
        '--iterations',
        '5',
        '--json',
        '--output',
        'speed.json',
      ),
      cmd(
        'speed',
        '--model',
        ORACLE,
        '--e2e',
        '--dataset',
        'fer2013',
        '--data',
        FER,
        '--split',
        'PrivateTest',
        '--duration',
        '0.05',
        '--warmup',
        '2',
        '--iterations',
        '5',
        '--output',
        'e2e.json',
      ),
      cmd('speed', '--model', TFJS_GRAPH, '--duration', '0.05', '--warmup', '2', '--iterations', '5', '--json'),
      cmd('speed', '--model', 'nope.onnx'),
    ],
  },
  // ---- models ----
  {
    name: 'models',
    about: 'models inspect (ONNX, tfjs, --card-skeleton), presets, list, pull from the fixture',
    steps: [
      cmd('models', 'inspect', '--model', ORACLE),
      cmd('models', 'inspect', '--model', TFJS_GRAPH, '--json'),
      cmd('models', 'inspect', '--model', TFJS_LAYERS),
      cmd('models', 'inspect', '--model', TINY, '--card-skeleton'),
      cmd(
        'models',
        'inspect',
        '--model',
        TINY,
        '--card-skeleton',
        '--dataset',
        'rafdb',
        '--data',
        'fixtures/rafdb/basic',
      ),
      cmd(
        'models',
        'inspect',
        '--model',
        'fixtures/models/colourband.onnx',
        '--card',
        'fixtures/models/colourband.card.json',
        '--json',
      ),
      cmd('models', 'presets'),
      cmd('models', 'presets', '--json'),
      cmd('models', 'list', '--cache-dir', 'models-cache'),
      cmd('models', 'list', '--json', '--cache-dir', 'models-cache'),
      cmd(
        'models',
        'pull',
        'human-emotion',
        '--cache-dir',
        'models-cache',
        '--from',
        'fixtures/models/human-emotion/emotion.json',
        '--from',
        'fixtures/models/human-emotion/emotion.bin',
      ),
      cmd(
        'models',
        'pull',
        'human-emotion',
        '--cache-dir',
        'models-cache',
        '--from',
        'fixtures/models/human-emotion/emotion.json',
        '--from',
        'fixtures/models/human-emotion/emotion.bin',
        '--json',
      ),
      cmd('models', 'list', '--cache-dir', 'models-cache'),
      cmd('models', 'pull', 'no-such-model', '--cache-dir', 'models-cache'),
      cmd('runners'),
      cmd('runners', '--json'),
    ],
  },
  {
    name: 'doctor',
    about: 'models doctor: table, --other-splits --json, --write-card; exit 11 when the sample cannot settle the card',
    setup: ({ dir, fixtures }) => onePerClass(fixtures, path.join(dir, 'one-per-class.csv')),
    steps: [
      cmd('models', 'doctor', '--model', ORACLE, '--dataset', 'fer2013', '--data', FER, '--split', 'PrivateTest'),
      cmd(
        'models',
        'doctor',
        '--model',
        ORACLE,
        '--dataset',
        'fer2013',
        '--data',
        FER,
        '--split',
        'PrivateTest',
        '--other-splits',
        '--json',
      ),
      cmd('models', 'doctor', '--model', TINY, '--dataset', 'fer2013', '--data', FER, '--write-card', 'tiny.card.json'),
      cmd(
        'models',
        'doctor',
        '--model',
        ORACLE,
        '--dataset',
        'fer2013',
        '--data',
        FER,
        '--split',
        'PrivateTest',
        '--other-splits',
        '--write-card',
        'oracle.card.json',
      ),
      cmd(
        'models',
        'doctor',
        '--model',
        ORACLE,
        '--dataset',
        'fer2013',
        '--data',
        'one-per-class.csv',
        '--write-card',
        'blocked.json',
      ),
    ],
  },
  // ---- datasets ----
  {
    name: 'datasets',
    about: 'datasets list, inspect (several layouts, a contact sheet), audit (table, --json, --output, folds)',
    steps: [
      cmd('datasets', 'list'),
      cmd('datasets', 'list', '--json'),
      cmd('datasets', 'inspect', '--dataset', 'fer2013', '--data', FER),
      cmd('datasets', 'inspect', '--dataset', 'ckplus', '--data', 'fixtures/ckplus/CK+48', '--folds', '3', '--json'),
      cmd('datasets', 'inspect', '--dataset', 'rafdb', '--data', 'fixtures/rafdb/basic'),
      cmd('datasets', 'inspect', '--dataset', 'manifest', '--data', 'fixtures/manifest/manifest.csv', '--json'),
      cmd(
        'datasets',
        'inspect',
        '--dataset',
        'jaffe',
        '--data',
        'fixtures/jaffe-frames',
        '--faces',
        'detect',
        '--contact-sheet',
        'faces.png',
      ),
      cmd('datasets', 'audit', '--dataset', 'fer2013', '--data', FER, '--output', 'audit.json'),
      cmd('datasets', 'audit', '--dataset', 'ckplus', '--data', 'fixtures/ckplus/CK+48', '--folds', '5', '--top', '3'),
      cmd('datasets', 'audit', '--dataset', 'rafdb', '--data', 'fixtures/rafdb/basic', '--json'),
      cmd('datasets', 'audit', '--dataset', 'fer2013', '--data', 'fixtures/audit/different-people-scale.csv'),
      cmd('datasets', 'inspect', '--dataset', 'nope', '--data', FER),
    ],
  },
  // ---- claims, reproduce ----
  {
    name: 'claims',
    about: 'claims (table, --json, --fixtures) and reproduce of the fixture claims',
    steps: [
      cmd('claims'),
      cmd('claims', '--json'),
      cmd('claims', '--fixtures'),
      cmd('reproduce', 'fixture-oracle-fer2013-privatetest', '--model', ORACLE, '--data', FER),
      cmd('reproduce', 'fixture-oracle-fer2013-64px', '--model', ORACLE, '--data', FER, '--json'),
      cmd('reproduce', 'no-such-claim', '--model', ORACLE, '--data', FER),
    ],
  },
  // ---- leaderboard, history ----
  {
    name: 'leaderboard',
    about: 'leaderboard of eval and speed results: table, --json, HTML, PNG',
    volatile: { timing: true, files: ['\\.png$'] },
    steps: [
      cmd('eval', ...FER_ARGS, '--output', 'results/oracle.json'),
      cmd('eval', '--model', TINY, '--data', FER, '--output', 'results/tiny.json'),
      cmd('leaderboard', 'results'),
      cmd('leaderboard', 'results', '--json'),
      cmd('leaderboard', 'results', '--html', 'board.html', '--png', 'board.png', '--output', 'board.json'),
      cmd(
        'speed',
        '--model',
        ORACLE,
        '--duration',
        '0.05',
        '--warmup',
        '2',
        '--iterations',
        '5',
        '--output',
        'speed/oracle.json',
      ),
      cmd('leaderboard', 'results', 'speed', '--html', 'board-speed.html', '--png', 'board-speed.png'),
    ],
  },
  {
    name: 'leaderboard-static',
    about: 'leaderboard of eval results only (PNG compared byte for byte)',
    steps: [
      cmd('eval', ...FER_ARGS, '--output', 'results/oracle.json'),
      cmd('eval', '--model', TINY, '--data', FER, '--output', 'results/tiny.json'),
      cmd('leaderboard', 'results', '--png', 'board.png'),
    ],
  },
  {
    name: 'history',
    about: 'history add (explicit and missing git context) and show (table, --json, HTML, PNG), gate against history',
    // the trend chart places each entry at the time it was recorded
    volatile: { files: ['^trend\\.(html|png)$'] },
    steps: [
      cmd('eval', ...FER_ARGS, '--output', 'result.json'),
      cmd('eval', '--model', TINY, '--data', FER, '--output', 'cur.json'),
      cmd('history', 'add', 'result.json', '--store', 'history', '--commit', '0123abc', '--branch', 'main'),
      cmd('history', 'add', 'cur.json', '--store', 'history', '--commit', '4567def', '--branch', 'main', '--json'),
      cmd('history', 'add', 'result.json', '--store', 'history'),
      cmd('history', 'show', '--store', 'history', '--metric', 'accuracy'),
      cmd('history', 'show', '--store', 'history', '--metric', 'accuracy', '--json'),
      cmd(
        'history',
        'show',
        '--store',
        'history',
        '--metric',
        'accuracy',
        '--branch',
        'main',
        '--html',
        'trend.html',
        '--png',
        'trend.png',
      ),
      cmd('gate', '--baseline', 'history:main', '--current', 'result.json', '--store', 'history'),
    ],
  },
  // ---- bad input: one or more command lines per exit code of the README's table ----
  {
    name: 'exit-2-usage',
    about: 'exit 2: unknown flag, bad value, conflicting flags',
    steps: [
      cmd('eval', '--no-such-flag'),
      cmd('eval', ...FER_ARGS, '--batch', '0'),
      cmd('eval', ...FER_ARGS, '--fold', '1'),
      cmd('eval', ...FER_ARGS, '--shard', '3/2'),
      cmd('speed', '--model', TINY, '--batch', 'x'),
      // at bac5008 a value out of this flag's range exits 1, not 2 (recorded as it is)
      cmd('eval', ...FER_ARGS, '--face-margin', '0.2'),
      cmd('gate', '--baseline', 'a.json'),
      cmd('no-such-command'),
    ],
  },
  {
    name: 'exit-3-data',
    about: 'exit 3: missing dataset, malformed row, malformed result document',
    setup: ({ dir, fixtures }) => {
      breakRow(fixtures, path.join(dir, 'bad.csv'), 1)
      writeFileSync(path.join(dir, 'not-a-result.json'), '{"schema":"ferbench/eval@1"}\n')
      writeFileSync(path.join(dir, 'broken.json'), '{ not json\n')
    },
    steps: [
      cmd('eval', '--model', ORACLE, '--data', 'missing.csv'),
      cmd('eval', '--model', ORACLE, '--data', 'bad.csv'),
      cmd('eval', '--model', ORACLE, '--dataset', 'ckplus', '--data', 'fixtures/fer2013'),
      cmd('compare', 'not-a-result.json', 'broken.json'),
      cmd('report', 'broken.json'),
      cmd('eval', '--resume', 'not-a-result.json'),
    ],
  },
  {
    name: 'exit-4-model',
    about: 'exit 4: missing model, unreadable model, shape that does not match the card',
    setup: ({ dir }) => {
      writeFileSync(path.join(dir, 'garbage.onnx'), 'not an onnx model\n')
      writeFileSync(
        path.join(dir, 'garbage.onnx.ferbench.json'),
        readFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx.ferbench.json')),
      )
    },
    steps: [
      cmd('eval', '--model', 'missing.onnx', '--data', FER),
      cmd('eval', '--model', 'garbage.onnx', '--data', FER),
      cmd('eval', '--model', ORACLE, '--card', 'fixtures/models/tinyconv.onnx.ferbench.json', '--data', FER),
      cmd('models', 'inspect', '--model', 'missing.onnx'),
    ],
  },
  {
    name: 'exit-5-card',
    about: 'exit 5: card without scale, card with a bad label, no card at all',
    setup: ({ dir }) => {
      const card = JSON.parse(readFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx.ferbench.json'), 'utf8'))
      const { scale: _scale, ...noScale } = card
      writeFileSync(path.join(dir, 'no-scale.json'), JSON.stringify(noScale))
      writeFileSync(
        path.join(dir, 'bad-label.json'),
        JSON.stringify({ ...card, labels: ['joy', ...card.labels.slice(1)] }),
      )
      copyFileSync(path.join(dir, 'fixtures', 'models', 'oracle.onnx'), path.join(dir, 'bare.onnx'))
    },
    steps: [
      cmd('eval', '--model', ORACLE, '--card', 'no-scale.json', '--data', FER),
      cmd('eval', '--model', ORACLE, '--card', 'bad-label.json', '--data', FER),
      cmd('eval', '--model', 'bare.onnx', '--data', FER),
      cmd('eval', '--model', ORACLE, '--preset', 'no-such-preset', '--data', FER),
    ],
  },
  {
    name: 'exit-6-runner',
    about: 'exit 6: a runner that cannot read the file, a device that is not here',
    steps: [
      cmd('eval', ...FER_ARGS, '--runner', 'tfjs'),
      cmd('eval', ...FER_ARGS, '--device', 'gpu'),
      cmd('eval', '--model', TFJS_GRAPH, '--data', FER, '--device', 'gpu'),
    ],
  },
  {
    name: 'exit-7-failures',
    about: 'exit 7: some samples fail (corrupt, empty, missing images); the rest is scored',
    setup: ({ dir, fixtures }) => {
      const lines = readFileSync(path.join(fixtures, 'manifest', 'manifest.csv'), 'utf8')
        .trimEnd()
        .split('\n')
      mkdirSync(path.join(dir, 'img'))
      writeFileSync(path.join(dir, 'img', 'empty.png'), new Uint8Array())
      writeFileSync(path.join(dir, 'img', 'corrupt.png'), 'garbage, not a PNG')
      const rows = lines.slice(1).map((l) => l.replace(/^images\//, 'fixtures/manifest/images/'))
      rows.push('img/empty.png,sad,p09,test', 'img/corrupt.png,happy,p09,test', 'img/missing.png,fear,p09,test')
      writeFileSync(path.join(dir, 'manifest.csv'), `${[lines[0], ...rows].join('\n')}\n`)
    },
    steps: [
      cmd('eval', '--model', ORACLE, '--dataset', 'manifest', '--data', 'manifest.csv', '--output', 'r.json'),
      cmd('eval', '--model', ORACLE, '--dataset', 'manifest', '--data', 'manifest.csv', '--strict'),
      cmd('report', 'r.json', '--format', 'markdown'),
    ],
  },
  {
    name: 'exit-10-write',
    about: 'exit 10: an output that cannot be written (a folder in the way, a missing parent)',
    setup: ({ dir }) => {
      mkdirSync(path.join(dir, 'taken.json'))
      writeFileSync(path.join(dir, 'afile'), 'a file, not a folder\n')
    },
    steps: [
      cmd('eval', ...FER_ARGS, '--output', 'taken.json'),
      cmd('eval', ...FER_ARGS, '--output', 'afile/r.json'),
      cmd('eval', ...FER_ARGS, '--predictions', 'afile/p.csv'),
      cmd('eval', ...FER_ARGS, '--report', 'taken.json'),
    ],
  },
  // ---- --resume: what a partial result keeps fixed, flag by flag ----
  {
    name: 'resume-eval-flags',
    about: 'eval --resume of a partial result (stopped by a malformed row) with each eval flag in turn',
    setup: ({ dir, fixtures }) => breakRow(fixtures, path.join(dir, 'data.csv'), 16),
    steps: [
      cmd('eval', '--model', ORACLE, '--data', 'data.csv', '--batch', '4', '--output', 'pristine.json'),
      ...resumeSweep('eval', EVAL_FLAGS, 'run.json', 'pristine.json'),
    ],
  },
  {
    name: 'resume-eval-signal',
    about:
      'SIGINT in a single-split eval (exit 9), --resume with --json, then robust interrupted and resumed with each robust flag in turn',
    volatile: { streams: [1, 4], files: ['^rb\\.partial\\.json$'] },
    steps: [
      {
        args: [
          'eval',
          ...FER_ARGS,
          '--batch',
          '2',
          '--concurrency',
          '1',
          '--embed-predictions',
          '--output',
          'run.json',
        ],
        env: SLOW,
        interrupt: { signal: 'SIGINT', when: eightSettled },
      },
      cmd('eval', '--resume', 'run.json', '--json', '--report', 'run.md'),
      cmd('eval', '--resume', 'run.json'),
      {
        args: [
          'robust',
          ...FER_ARGS,
          '--corruptions',
          'jpeg,contrast',
          '--severities',
          '1,5',
          '--batch',
          '4',
          '--concurrency',
          '1',
          '--output',
          'rb.partial.json',
        ],
        env: SLOW,
        interrupt: { signal: 'SIGINT', when: eightSettled },
      },
      ...resumeSweep('robust', ROBUST_FLAGS, 'rb.json', 'rb.partial.json'),
      {
        args: ['robust', '--resume', 'rb.json', '--report', 'rb.md'],
        before: ({ dir }) => copyFileSync(path.join(dir, 'rb.partial.json'), path.join(dir, 'rb.json')),
      },
    ],
  },
  // ---- more outputs ----
  {
    name: 'report-documents',
    about: 'report of compare and gate documents in each format; leaderboard, export and history picks',
    setup: ({ dir }) => swappedCard(dir, 'swapped.json'),
    steps: [
      ...twoResults,
      cmd('eval', ...FER_ARGS, '--card', 'swapped.json', '--embed-predictions', '--output', 'worse.json'),
      cmd('compare', 'base.json', 'worse.json', '--output', 'compare.json'),
      cmd(
        'gate',
        '--baseline',
        'base.json',
        '--current',
        'worse.json',
        '--max-accuracy-drop',
        '1',
        '--output',
        'gate.json',
      ),
      cmd('report', 'compare.json'),
      cmd('report', 'gate.json'),
      cmd('export', '--format', 'junit', 'gate.json'),
      cmd('export', '--format', 'csv', 'compare.json'),
      cmd('leaderboard', 'base.json', 'cur.json', 'worse.json', '--pick', 'best'),
      cmd('export', '--format', 'csv', '.', '--pick', 'newest'),
      cmd('merge', 'base.json', 'cur.json'),
    ],
  },
  {
    name: 'models-pull-verify',
    about: 'models pull refusing a file whose sha256 differs; autocomplete setup text',
    steps: [
      cmd('models', 'pull', 'emotion-ferplus-8', '--cache-dir', 'models-cache', '--from', ORACLE),
      cmd('autocomplete', 'bash'),
    ],
  },
  // ---- opening a model: the same checks, in the same order, in every command that opens one ----
  {
    name: 'open-model-errors',
    about:
      'missing / unreadable / card-less / bad-card models, unavailable runner and device, in eval, robust, speed, doctor, inspect and reproduce',
    // speed runs the model that needs no card: its table carries timings
    volatile: { timing: true },
    setup: ({ dir }) => badModels(dir),
    steps: [
      ...openModelErrors(['eval'], ['--data', FER]),
      ...openModelErrors(['robust'], ['--data', FER, '--corruptions', 'jpeg', '--severities', '1']),
      ...openModelErrors(['speed'], ['--duration', '0.05', '--warmup', '1', '--iterations', '2']),
      ...openModelErrors(['models', 'doctor'], ['--dataset', 'fer2013', '--data', FER]),
      ...openModelErrors(['models', 'inspect'], [], { runnerFlags: false }),
      ...openModelErrors(['reproduce', 'fixture-oracle-fer2013-privatetest'], ['--data', FER]),
    ],
  },
  {
    name: 'formats-stdout',
    about: '--format to stdout for each command that has it, including the refused ones',
    steps: [
      ...twoResults,
      cmd('eval', ...FER_ARGS, '--format', 'junit'),
      cmd('eval', ...FER_ARGS, '--format', 'table', '--report', 'r.html', '--report', 'r.json'),
      cmd('eval', ...FER_ARGS, '--json', '--format', 'markdown'),
      cmd('robust', ...FER_ARGS, '--corruptions', 'jpeg', '--severities', '1', '--format', 'markdown'),
      cmd('robust', ...FER_ARGS, '--corruptions', 'jpeg', '--severities', '1', '--format', 'junit'),
      cmd('gate', '--baseline', 'base.json', '--current', 'cur.json', '--format', 'junit'),
      cmd('gate', '--baseline', 'base.json', '--current', 'cur.json', '--format', 'html'),
      cmd('compare', 'base.json', 'cur.json', '--format', 'json'),
      cmd('compare', 'base.json', 'cur.json', '--format', 'html'),
      cmd('report', 'base.json', '--format', 'table', '--output', 'report.png'),
      cmd('export', '--format', 'csv', 'base.json', '--output', 'export.txt'),
    ],
  },
]
