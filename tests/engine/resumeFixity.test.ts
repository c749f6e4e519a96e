import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import Eval from '../../src/commands/eval.js'
import Robust from '../../src/commands/robust.js'
import { EVAL_FIXED_BY_RESUME, resumeFields } from '../../src/engine/spec.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { fixed, fixedFields, flagsMarked, markedFields, overridable } from '../../src/results/resumeMarks.js'
import { robustConditionsSchema } from '../../src/results/robustDocument.js'
import { storedSpecSchema } from '../../src/results/storedSpec.js'
import { ROBUST_FIXED_BY_RESUME } from '../../src/robust/robustResume.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { readFixtureCsv } from '../helpers/oracle.js'
import { withoutTiming } from '../helpers/robustnessDocs.js'

/** The list src/cli/evalRun.ts typed by hand before the marks on the stored spec's fields replaced it. */
const HAND_TYPED = [
  'model',
  'card',
  'preset',
  'dataset',
  'data',
  'split',
  'batch',
  'threads',
  'device',
  'runner',
  'tta',
  'extra-classes',
  'embed-predictions',
  'strict',
  'shard',
  'shard-count',
  'labels',
  'class-map',
  'ckplus-neutral',
  'classes',
  'folds',
  'fold',
  'max-pixels',
  'max-side',
  'max-aspect',
  'ignore-exif-orientation',
  'allow-outside-root',
  'faces',
  'face-margin',
  'face-index',
  'align',
  'slice-by',
  'slice-min-samples',
  'calibrate',
  'calibration-split',
]

/** A value oclif accepts for each flag a partial result fixes (none: a boolean flag). */
const FIXED_VALUES: ReadonlyMap<string, readonly string[]> = new Map([
  ['model', ['m.onnx']],
  ['card', ['c.json']],
  ['preset', ['p']],
  ['dataset', ['fer2013']],
  ['data', ['d.csv']],
  ['split', ['Training']],
  ['batch', ['2']],
  ['threads', ['1']],
  ['device', ['cpu']],
  ['runner', ['onnx']],
  ['tta', ['none']],
  ['extra-classes', ['drop']],
  ['embed-predictions', []],
  ['strict', []],
  ['shard', ['1/2']],
  ['shard-count', ['2']],
  ['labels', ['l.csv']],
  ['class-map', ['0=neutral']],
  ['ckplus-neutral', []],
  ['classes', ['7']],
  ['folds', ['5']],
  ['fold', ['1']],
  ['max-pixels', ['1000']],
  ['max-side', ['100']],
  ['max-aspect', ['2']],
  ['ignore-exif-orientation', []],
  ['allow-outside-root', []],
  ['faces', ['dataset']],
  ['face-margin', ['1.5']],
  ['face-index', ['0']],
  ['align', []],
  ['slice-by', ['subject']],
  ['slice-min-samples', ['5']],
  ['calibrate', ['temperature']],
  ['calibration-split', ['Training']],
  ['corruptions', ['jpeg']],
  ['severities', ['1']],
  ['seed', ['3']],
])

/** The flags a resumed run takes from its own command line: the run settings and the outputs (with a value oclif accepts). */
const EVAL_OVERRIDABLE: ReadonlyMap<string, readonly string[]> = new Map([
  ['concurrency', ['2']],
  ['batch-timeout', ['60']],
  ['workers', ['1']],
  ['output', ['o.json']],
  ['predictions', ['p.csv']],
  ['report', ['r.md']],
  ['format', ['markdown']],
  ['json', []],
  ['timings', []],
])
const ROBUST_OVERRIDABLE: ReadonlyMap<string, readonly string[]> = new Map([
  ['concurrency', ['2']],
  ['batch-timeout', ['60']],
  ['workers', ['1']],
  ['output', ['o.json']],
  ['report', ['r.md']],
  ['format', ['markdown']],
  ['json', []],
  ['reference', ['ref.json']],
])

const sorted = (xs: Iterable<string>): string[] => [...xs].sort()

/** The flags `--resume` named in its usage error, in the order given ('' when there was none). */
function refused(stderr: string): string {
  return (
    /: (--[a-z-]+(?:, --[a-z-]+)*) cannot be given with --resume; the partial result fixes them/.exec(stderr)?.[1] ?? ''
  )
}

describe('--resume fixity, declared on the fields of the stored spec', () => {
  it('every field of the stored spec, of its adapter options, of the eval spec and of robust conditions is marked fixed or overridable', () => {
    const fields = resumeFields()
    expect(fields.filter((f) => f.mark === undefined).map((f) => f.path)).toEqual([])
    // the walk sees every field: each key of the stored spec and of its adapter options, and the spec's own --concurrency
    const options = storedSpecSchema.shape.datasetOptions.unwrap().shape
    expect(sorted(fields.map((f) => f.path))).toEqual(
      sorted([
        ...Object.keys(storedSpecSchema.shape),
        ...Object.keys(options).map((k) => `datasetOptions.${k}`),
        'concurrency',
      ]),
    )
    expect(fields.find((f) => f.path === 'concurrency')?.mark).toEqual({
      resume: 'overridable',
      flags: ['concurrency'],
    })
    const conditions = markedFields(robustConditionsSchema)
    expect(conditions.map((f) => [f.path, f.mark?.resume])).toEqual([
      ['seed', 'fixed'],
      ['corruptions', 'fixed'],
      ['severities', 'fixed'],
    ])
  })

  it('the walk finds an unmarked field, at the top or inside a fixed object, through optional and default', () => {
    const inner = z.object({ a: fixed(z.string().optional(), 'a'), b: z.number() })
    const spec = z.object({
      x: fixed(z.string(), 'x', 'x-too'),
      y: z.boolean(),
      z: overridable(z.number(), 'z').default(3),
      o: fixedFields(inner).optional(),
    })
    expect(markedFields(spec).map((f) => [f.path, f.mark?.resume ?? 'none'])).toEqual([
      ['x', 'fixed'],
      ['y', 'none'],
      ['z', 'overridable'],
      ['o', 'fixed'],
      ['o.a', 'fixed'],
      ['o.b', 'none'],
    ])
    expect(flagsMarked(markedFields(spec), 'fixed')).toEqual(['x', 'x-too', 'a'])
    expect(flagsMarked(markedFields(spec), 'overridable')).toEqual(['z'])
  })

  it('the flags derived from the marks are those the hand-typed list held; robust adds its conditions', () => {
    expect(sorted(EVAL_FIXED_BY_RESUME)).toEqual(sorted(HAND_TYPED))
    expect(sorted(ROBUST_FIXED_BY_RESUME)).toEqual(sorted([...HAND_TYPED, 'corruptions', 'severities', 'seed']))
  })

  it('every flag of eval and robust is fixed by a partial result or taken from the resumed command line, none both', () => {
    for (const [command, fixedFlags, overridableFlags] of [
      [Eval, EVAL_FIXED_BY_RESUME, EVAL_OVERRIDABLE],
      [Robust, ROBUST_FIXED_BY_RESUME, ROBUST_OVERRIDABLE],
    ] as const) {
      const flags = [...Object.keys(command.flags), ...(command.enableJsonFlag ? ['json'] : [])].filter(
        (f) => f !== 'resume',
      )
      const fixedHere = flags.filter((f) => fixedFlags.includes(f))
      expect(sorted([...fixedHere, ...overridableFlags.keys()])).toEqual(sorted(flags))
      expect(fixedHere.filter((f) => overridableFlags.has(f))).toEqual([])
    }
  })

  it('each fixed flag given with eval --resume is refused (exit 2, the flag named); each overridable one is not', () => {
    const missing = path.join(tempDir('ferbench-fixity-'), 'partial.json')
    for (const flag of EVAL_FIXED_BY_RESUME) {
      const run = runCli(['eval', '--resume', missing, `--${flag}`, ...FIXED_VALUES.get(flag)!])
      expect(run.status, `--${flag}: ${run.stderr}`).toBe(2)
      expect(refused(run.stderr), flag).toBe(`--${flag}`)
    }
    // two at once are named in the order given
    const two = runCli(['eval', '--resume', missing, '--split', 'Training', '--model', 'm.onnx'])
    expect(refused(two.stderr)).toBe('--split, --model')
    expect(two.stderr).toContain(
      '(only --concurrency, --batch-timeout, --workers and the output flags --output, --predictions, --report, --format, --json may be given)',
    )
    // an overridable flag passes the check: the run goes on to read the partial result, which is missing (exit 3)
    for (const [flag, value] of EVAL_OVERRIDABLE) {
      const run = runCli(['eval', '--resume', missing, `--${flag}`, ...value])
      expect(run.status, `--${flag}: ${run.stderr}`).toBe(3)
      expect(`${run.stdout}${run.stderr}`).toContain('partial.json: no such file')
    }
  })

  it('each fixed flag given with robust --resume is refused (exit 2, the flag named); each overridable one is not', () => {
    const missing = path.join(tempDir('ferbench-fixity-'), 'partial.json')
    const robustFlags = Object.keys(Robust.flags)
    for (const flag of ROBUST_FIXED_BY_RESUME.filter((f) => robustFlags.includes(f))) {
      const run = runCli(['robust', '--resume', missing, `--${flag}`, ...FIXED_VALUES.get(flag)!])
      expect(run.status, `--${flag}: ${run.stderr}`).toBe(2)
      expect(refused(run.stderr), flag).toBe(`--${flag}`)
    }
    expect(runCli(['robust', '--resume', missing, '--seed', '3']).stderr).toContain(
      '(only --concurrency, --batch-timeout, --workers and the output flags --output, --report, --format, --json may be given)',
    )
    for (const [flag, value] of ROBUST_OVERRIDABLE) {
      const run = runCli(['robust', '--resume', missing, `--${flag}`, ...value])
      expect(run.status, `--${flag}: ${run.stderr}`).toBe(3)
      expect(`${run.stdout}${run.stderr}`).toContain('partial.json: no such file')
    }
  })

  it('a resumed eval takes every overridable flag and ends with the uninterrupted document', () => {
    // a partial result without a signal: a malformed row stops the run after some samples (exit 3)
    const dir = tempDir('ferbench-fixity-')
    const csv = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
    const data = path.join(dir, 'fer2013.csv')
    const lines = readFileSync(csv, 'utf8').split('\n')
    const bad = readFixtureCsv(csv).filter((r) => r.usage === 'PrivateTest')[12]!
    const good = lines[bad.row]!
    lines[bad.row] = good.replace(/,PrivateTest$/, ' 300,PrivateTest')
    writeFileSync(data, lines.join('\n'))
    const partial = path.join(dir, 'partial.json')
    const args = ['eval', '--model', path.join(FIXTURES, 'models', 'oracle.onnx'), '--data', data, '--batch', '4']
    expect(runCli([...args, '--output', partial]).status).toBe(3)
    lines[bad.row] = good
    writeFileSync(data, lines.join('\n'))
    const final = path.join(dir, 'final.json')
    const csvOut = path.join(dir, 'predictions.csv')
    const report = path.join(dir, 'report.md')
    const resumed = runCli([
      'eval',
      '--resume',
      partial,
      '--concurrency',
      '2',
      '--batch-timeout',
      '60',
      '--workers',
      '1',
      '--output',
      final,
      '--predictions',
      csvOut,
      '--report',
      report,
      '--format',
      'markdown',
      '--timings',
    ])
    expect(resumed.status, resumed.stderr).toBe(0)
    const doc = JSON.parse(readFileSync(final, 'utf8')) as EvalResult
    // --workers is this run's: its warning (an ONNX model runs one session) is in the resumed document, as in a run given it
    expect(doc.warnings[0]).toMatch(/^--workers 1: only the tfjs runner uses worker threads/)
    const uninterrupted = runJson<EvalResult>([...args, '--workers', '1']).json
    expect(JSON.stringify(withoutTiming(doc))).toBe(JSON.stringify(withoutTiming(uninterrupted)))
    expect(readFileSync(csvOut, 'utf8').split('\n')[0]).toMatch(/^id,/)
    expect(readFileSync(report, 'utf8')).toContain('|')
    expect(resumed.stdout).toContain(`${doc.metrics.correct}/${doc.metrics.samples}`) // the table on stdout
    expect(resumed.stderr).toMatch(/infer/) // --timings
  })
})
