import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fitColumns, terminalColumns, textWidth, wrapCell, wrapProse } from '../../src/report/fit.js'
import Table, { abbreviations, confusionTable } from '../../src/report/table.js'
import { allClaims } from '../../src/compare/claims.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { runCliAsync } from '../helpers/robustnessDocs.js'

const widest = (text: string): number => Math.max(...text.split('\n').map(textWidth))
const words = (text: string): string => text.replace(/\s+/g, '')

describe('wrapping and fitting', () => {
  it('wrapCell drops nothing and keeps every line within the width', () => {
    const text =
      'no: CUDA provider binaries are not installed (libonnxruntime_providers_cuda.so not in /very/long/path/node_modules/onnxruntime-node/bin/napi-v6/linux/x64)'
    for (const width of [12, 20, 37]) {
      const wrapped = wrapCell(text, width)
      expect(widest(wrapped)).toBeLessThanOrEqual(width)
      expect(words(wrapped)).toBe(words(text))
    }
    // prose mode never breaks a word
    expect(wrapCell('a verylongidentifier-that-must-stay b', 10, false).split('\n')).toEqual([
      'a',
      'verylongidentifier-that-must-stay',
      'b',
    ])
  })

  it('fitColumns: natural when it fits, kept columns at full width, transpose when nothing else fits', () => {
    const rows = [
      ['id', 'text'],
      ['fixture-oracle-fer2013-overclaimed', 'word '.repeat(40).trim()],
    ]
    expect(fitColumns(rows, 300, [])).toBe('natural')
    const widths = fitColumns(rows, 60, [0])
    expect(widths).toEqual([34, 60 - 7 - 34])
    expect(fitColumns(rows, 30, [0])).toBe('transpose')
  })

  it('a table never exceeds the width, and a kept column is never wrapped', () => {
    const t = new Table({ head: ['id', 'system', 'protocol'], fit: { maxColumns: 70, keep: [0] } })
    t.push([
      'vgg19-slimmed-fer2013-privatetest',
      'VGG19 after network slimming (Facial-Expression-Recognition.Pytorch)',
      'PrivateTest, TTA tencrop, preset vgg19-fer2013',
    ])
    const out = t.toString()
    expect(widest(out)).toBeLessThanOrEqual(70)
    expect(out).toContain('vgg19-slimmed-fer2013-privatetest')
  })

  it('too narrow for columns: each row becomes a key/value table that fits', () => {
    const t = new Table({ head: ['a', 'b', 'c', 'd', 'e', 'f'], fit: { maxColumns: 40 } })
    t.push(['alpha beta gamma', 'delta epsilon', 'zeta eta', 'theta iota', 'kappa lambda', 'mu nu xi'])
    const out = t.toString()
    expect(widest(out)).toBeLessThanOrEqual(40)
    expect(out).toMatch(/│ a +│ alpha beta gamma +│/)
  })

  it('confusion matrix: full labels when they fit, else unique abbreviations with a legend', () => {
    const labels = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt']
    const counts = labels.map((_, i) => labels.map((__, j) => (i === j ? 10 : 1)))
    expect(confusionTable({ labels, counts }, 100)).toContain('│ happiness │')
    const narrow = confusionTable({ labels, counts }, 80)
    expect(widest(narrow)).toBeLessThanOrEqual(80)
    expect(narrow).not.toMatch(/happines\b/)
    expect(narrow).toContain('hap = happiness')
    expect(abbreviations(labels)).toEqual(['neu', 'hap', 'sur', 'sad', 'ang', 'dis', 'fea', 'con'])
    expect(abbreviations(['sadness', 'sadder'])).toEqual(['sadn', 'sadd'])
  })

  it('prose lines wrap with their indent; table lines are left alone', () => {
    const warning = `  - ${'word '.repeat(40).trim()}`
    const out = wrapProse([warning, '│ a │'], 50)
    expect(Math.max(...out.map(textWidth))).toBeLessThanOrEqual(50)
    expect(out.slice(1, -1).every((l) => l.startsWith('    word'))).toBe(true)
    expect(out.at(-1)).toBe('│ a │')
  })

  it('a path longer than the line is cut after a /, in prose as in cells; nothing dropped', () => {
    const file = `/home/runner/work/${'ci-job-workspace/'.repeat(6)}models/oracle.onnx`
    const out = wrapProse([`model ${file}: input [1, 1, 48, 48], 8 outputs`], 60)
    expect(Math.max(...out.map(textWidth))).toBeLessThanOrEqual(60)
    expect(words(out.join(' '))).toBe(words(`model ${file}: input [1, 1, 48, 48], 8 outputs`))
    // the path's pieces end at a /
    expect(out.slice(1, -2).every((l) => l.endsWith('/'))).toBe(true)
    expect(out.length).toBeGreaterThan(3)
  })

  it('wide characters take two columns, as the table library counts them', () => {
    expect(textWidth('日本語')).toBe(6)
    expect(textWidth('équipe ünïcode')).toBe(14)
    expect(textWidth('e\u0301')).toBe(1)
    const text = `/tmp/${'日本語/'.repeat(12)}oracle.onnx`
    for (const width of [9, 20, 33]) {
      const wrapped = wrapCell(text, width)
      expect(widest(wrapped)).toBeLessThanOrEqual(width)
      expect(words(wrapped)).toBe(words(text))
    }
  })

  describe('terminal width', () => {
    const saved = { isTTY: process.stdout.isTTY, columns: process.stdout.columns }
    afterAll(() => Object.assign(process.stdout, saved))
    it("is the TTY's columns on a terminal, else 100", () => {
      Object.assign(process.stdout, { isTTY: true, columns: 132 })
      expect(terminalColumns()).toBe(132)
      Object.assign(process.stdout, { isTTY: false, columns: undefined })
      expect(terminalColumns()).toBe(100)
    })
  })
})

describe('every human output fits 100 columns (stdout is not a TTY here)', () => {
  const dir = tempDir('ferbench-fit-')
  const oracle = path.join(FIXTURES, 'models', 'oracle.onnx')
  const csv = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
  const base = path.join(dir, 'base.json')
  const cur = path.join(dir, 'cur.json')
  beforeAll(async () => {
    for (const [model, out] of [
      [oracle, base],
      [path.join(FIXTURES, 'models', 'tinyconv.onnx'), cur],
    ] as const) {
      const run = await runCliAsync(['eval', '--model', model, '--data', csv, '--embed-predictions', '--output', out])
      expect(run.status, run.stderr).toBe(0)
    }
  }, 120_000)

  const commands: Array<[string, string[]]> = [
    ['runners', ['runners']],
    ['claims', ['claims', '--fixtures']],
    ['datasets list', ['datasets', 'list']],
    ['datasets inspect', ['datasets', 'inspect', '--dataset', 'fer2013', '--data', csv]],
    [
      'datasets inspect folds',
      [
        'datasets',
        'inspect',
        '--dataset',
        'ckplus',
        '--data',
        path.join(FIXTURES, 'ckplus', 'original'),
        '--folds',
        '3',
      ],
    ],
    ['datasets audit', ['datasets', 'audit', '--dataset', 'fer2013', '--data', csv]],
    ['models inspect onnx', ['models', 'inspect', '--model', oracle]],
    [
      'models inspect tfjs',
      ['models', 'inspect', '--model', path.join(FIXTURES, 'models', 'tinyconv-graph', 'model.json')],
    ],
    ['models presets', ['models', 'presets']],
    [
      'models doctor',
      ['models', 'doctor', '--model', oracle, '--dataset', 'fer2013', '--data', csv, '--split', 'PrivateTest'],
    ],
    [
      'models inspect --card-skeleton',
      ['models', 'inspect', '--model', path.join(FIXTURES, 'models', 'colourband.onnx'), '--card-skeleton'],
    ],
    [
      'eval (8-class model, ferplus labels)',
      [
        'eval',
        '--model',
        oracle,
        '--dataset',
        'ferplus',
        '--data',
        csv,
        '--labels',
        path.join(FIXTURES, 'ferplus', 'fer2013new.csv'),
      ],
    ],
    [
      'eval folds',
      [
        'eval',
        '--model',
        oracle,
        '--dataset',
        'ckplus',
        '--data',
        path.join(FIXTURES, 'ckplus', 'original'),
        '--folds',
        '3',
      ],
    ],
    [
      'speed',
      [
        'speed',
        '--model',
        oracle,
        '--reference',
        path.join(FIXTURES, 'models', 'tinyconv.onnx'),
        '--batch',
        '1,2',
        '--iterations',
        '5',
        '--duration',
        '0.05',
      ],
    ],
    ['compare', ['compare', base, cur]],
    ['gate', ['gate', '--baseline', base, '--current', cur]],
    ['report', ['report', cur]],
    [
      'eval slices and calibration',
      [
        'eval',
        '--model',
        oracle,
        '--dataset',
        'rafdb',
        '--data',
        path.join(FIXTURES, 'rafdb', 'basic'),
        '--slice-by',
        'gender',
        '--slice-by',
        'age',
        '--slice-min-samples',
        '3',
        '--calibrate',
        'temperature',
        '--calibration-split',
        'train',
      ],
    ],
    ['robust', ['robust', '--corruptions', 'gaussian-noise,occlusion-mouth']],
    ['reproduce', ['reproduce', 'fixture-oracle-fer2013-privatetest', '--model', oracle, '--data', csv]],
  ]

  it.concurrent.each(commands)(
    '%s',
    async (_, args) => {
      const run = await runCliAsync(args)
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout.length).toBeGreaterThan(0)
      const over = run.stdout.split('\n').filter((l) => textWidth(l) > 100)
      expect(over).toEqual([])
    },
    120_000,
  )

  it('claims print every id whole, on one line', async () => {
    const run = await runCliAsync(['claims', '--fixtures'])
    const lines = run.stdout.split('\n')
    for (const c of allClaims())
      expect(
        lines.some((l) => l.includes(`│ ${c.id} `)),
        c.id,
      ).toBe(true)
  }, 60_000)
})
