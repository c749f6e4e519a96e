import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runCli, tempDir, type CliRun } from '../helpers/cli.js'
import { HOSTILE, HOSTILE_KEYS } from '../helpers/hostileNames.js'

// Every command, fed Object.prototype's names (and __proto__) where it reads text as a key: folder
// names, manifest labels, split names, slice columns and values, presets, card labels, history
// filters and document keys. Each is plain text or refused with a named error and a documented exit
// code; none exits 1, drops a sample, or writes a document ferbench cannot read back (checked with
// `report`, `compare`, `gate`, `merge`, `leaderboard`, `export` and `history`). In process (runCli).

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const MANIFEST_ROWS = readFileSync(path.join(FIXTURES, 'manifest', 'manifest.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
const TEST_ROWS = MANIFEST_ROWS.filter((r) => r.endsWith(',test')).length // 12
const JPG_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad'] // six of fer2013-jpg/test's folders

let dir: string
/** A copy of the fixture manifest's images, so manifests written in `dir` can list them. */
beforeAll(() => {
  dir = tempDir('ferbench-proto-cli-')
  cpSync(path.join(FIXTURES, 'manifest', 'images'), path.join(dir, 'images'), { recursive: true })
})

let serial = 0
const file = (name: string): string => path.join(dir, `${serial++}-${name}`)

/** The fixture manifest with one extra column (`values[i]` for row i), written in `dir`. */
function manifestWith(column: string, values: readonly string[]): string {
  const out = file('manifest.csv')
  const rows = MANIFEST_ROWS.map((r, i) => `${r},${values[i] ?? ''}`)
  writeFileSync(out, `path,label,subject,split,${column}\n${rows.join('\n')}\n`)
  return out
}

/** Exit `code`, and a message (stderr, or stdout's JSON error with --json) that names each of `names`. */
function expectNamedError(run: CliRun, code: number, ...names: string[]): void {
  const said = `${run.stderr}${run.stdout}`
  expect(run.status, said).toBe(code)
  for (const n of names) expect(said).toContain(n)
  expect(said).not.toMatch(/TypeError|is not a function|Cannot read properties/)
}

/** The fixture manifest with its split column replaced: row i in split `splits[i % splits.length]`. */
function manifestSplits(splits: readonly string[]): string {
  const out = file('splits.csv')
  const rows = MANIFEST_ROWS.map((r, i) => `${r.slice(0, r.lastIndexOf(','))},${splits[i % splits.length]}`)
  writeFileSync(out, `path,label,subject,split\n${rows.join('\n')}\n`)
  return out
}

/** Images in a folder (a fixture class folder also holds a Thumbs.db, which is skipped). */
const filesIn = (folder: string): number => readdirSync(folder).filter((f) => f.endsWith('.jpg')).length

const readDoc = (f: string): EvalResult => JSON.parse(readFileSync(f, 'utf8')) as EvalResult

/** Per group: samples among the test rows (the '(none)' group for an empty value). */
function groupCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  MANIFEST_ROWS.forEach((r, i) => {
    if (!r.endsWith(',test')) return
    const v = values[i] || '(none)'
    counts.set(v, (counts.get(v) ?? 0) + 1)
  })
  return counts
}

function expectGroups(doc: EvalResult, column: string, values: readonly string[]): void {
  const slice = Object.entries(doc.metrics.slices ?? {}).find(([name]) => name === column)?.[1]
  expect(slice, `slices of ${column}`).toBeDefined()
  const groups = new Map(Object.entries(slice!.groups).map(([k, g]) => [k, g.samples]))
  expect(groups).toEqual(groupCounts(values))
  expect([...groups.values()].reduce((a, b) => a + b, 0)).toBe(TEST_ROWS)
}

describe('class folders and manifest labels named after Object.prototype', () => {
  it('folder: refused naming every such folder, nothing written; with --class-map read as plain text and read back', () => {
    const root = file('folder')
    const filesPer = JPG_CLASSES.map((c, i) => {
      cpSync(path.join(FIXTURES, 'folder', 'fer2013-jpg', 'test', c), path.join(root, HOSTILE[i]!), { recursive: true })
      return filesIn(path.join(root, HOSTILE[i]!))
    })
    const output = file('folder.json')
    const refused = runCli(['eval', '-m', ORACLE, '--dataset', 'folder', '--data', root, '--output', output])
    expectNamedError(refused, 2, ...HOSTILE.map((n) => n))
    expect(existsSync(output)).toBe(false)

    const emotions = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness']
    const classMap = HOSTILE.map((n, i) => `${n}=${emotions[i]}`).join(',')
    const run = runCli([
      'eval',
      '-m',
      ORACLE,
      '--dataset',
      'folder',
      '--data',
      root,
      '--class-map',
      classMap,
      '-o',
      output,
    ])
    expect(run.status, run.stderr).toBe(0)
    const doc = readDoc(output)
    expect(doc.dataset.samples).toBe(filesPer.reduce((a, b) => a + b, 0))
    expect(doc.dataset.labels).toEqual(emotions)
    for (const [i, e] of emotions.entries())
      expect(doc.metrics.perClass.find((c) => c.label === e)?.support, e).toBe(filesPer[i])
    const report = runCli(['report', output, '--json'])
    expect(report.status, report.stderr).toBe(0)
    expect((JSON.parse(report.stdout) as EvalResult).metrics.accuracy).toBe(doc.metrics.accuracy)
  })

  it.each(HOSTILE)('manifest label %s: exit 3 naming the line and the label, no --output written', (name) => {
    const manifest = file('labels.csv')
    writeFileSync(
      manifest,
      `path,label\n${['images/p01/p01_0.png,happy', `images/p01/p01_1.png,${name}`].join('\n')}\n`,
    )
    const output = file('labels.json')
    const run = runCli(['eval', '-m', ORACLE, '--dataset', 'manifest', '--data', manifest, '--output', output])
    expectNamedError(run, 3, `line 3: label '${name}' is not an emotion`)
    expect(existsSync(output)).toBe(false)
  })
})

describe('slice columns and values named after Object.prototype', () => {
  it('every sample lands in its group and the document reads back (report), for any column and values (fast-check)', () => {
    const values = fc.array(fc.constantFrom(...HOSTILE_KEYS, ''), {
      minLength: MANIFEST_ROWS.length,
      maxLength: MANIFEST_ROWS.length,
    })
    fc.assert(
      fc.property(fc.constantFrom(...HOSTILE_KEYS), values, (column, vals) => {
        const output = file('sliced.json')
        const run = runCli([
          'eval',
          '-m',
          ORACLE,
          '--dataset',
          'manifest',
          '--data',
          manifestWith(column, vals),
          '--slice-by',
          column,
          '-o',
          output,
        ])
        expect(run.status, run.stderr).toBe(0)
        expectGroups(readDoc(output), column, vals)
        const report = runCli(['report', output, '--json'])
        expect(report.status, report.stderr).toBe(0)
        expectGroups(JSON.parse(report.stdout) as EvalResult, column, vals)
      }),
      {
        numRuns: 3,
        // one column per name, and every value at once, among the runs
        examples: [['constructor', MANIFEST_ROWS.map((_, i) => HOSTILE_KEYS[i % HOSTILE_KEYS.length]!)]],
      },
    )
  })

  it('shards merge, compare, gate, leaderboard, export and history read the groups back', () => {
    const column = 'hasOwnProperty'
    const vals = MANIFEST_ROWS.map((_, i) => HOSTILE_KEYS[i % HOSTILE_KEYS.length]!)
    const manifest = manifestWith(column, vals)
    const base = ['eval', '-m', ORACLE, '--dataset', 'manifest', '--data', manifest, '--slice-by', column]
    const whole = file('whole.json')
    const shards = [file('s1.json'), file('s2.json')]
    expect(runCli([...base, '-o', whole]).status).toBe(0)
    for (const [i, s] of shards.entries()) expect(runCli([...base, '--shard', `${i + 1}/2`, '-o', s]).status).toBe(0)
    const merged = file('merged.json')
    const merge = runCli(['merge', ...shards, '-o', merged])
    expect(merge.status, merge.stderr).toBe(0)
    expectGroups(readDoc(merged), column, vals)
    expect(readDoc(merged).metrics.slices).toEqual(readDoc(whole).metrics.slices)

    const compare = runCli(['compare', whole, merged, '--json'])
    expect(compare.status, compare.stderr).toBe(0)
    const deltas = (JSON.parse(compare.stdout) as { slices: Record<string, { groups: Record<string, unknown> }> })
      .slices
    expect(Object.keys(deltas)).toEqual([column])
    expect(Object.keys(deltas[column]!.groups).sort()).toEqual([...groupCounts(vals).keys()].sort())

    const gate = runCli(['gate', '--baseline', whole, '--current', merged, '--max-group-gap', '100'])
    expect(gate.status, gate.stderr).toBe(0)
    for (const command of [
      ['leaderboard', whole, merged, '--json'],
      ['export', '--format', 'bmf', whole],
      ['export', '--format', 'csv', whole],
    ]) {
      const run = runCli(command)
      expect(run.status, `${command.join(' ')}: ${run.stderr}`).toBe(0)
    }
    const store = file('history')
    for (const branch of HOSTILE) {
      const add = runCli(['history', 'add', whole, '--store', store, '--branch', branch, '--commit', 'abc1234'])
      expect(add.status, add.stderr).toBe(0)
    }
    for (const name of HOSTILE) {
      const gated = runCli(['gate', '--baseline', `history:${name}`, '--current', merged, '--store', store])
      expect(gated.status, `history:${name}: ${gated.stderr}`).toBe(0)
      const byBranch = runCli(['history', 'show', '--store', store, '--metric', 'accuracy', '--branch', name, '--json'])
      expect(byBranch.status, byBranch.stderr).toBe(0)
      expect((JSON.parse(byBranch.stdout) as { points: unknown[] }).points).toHaveLength(1)
      const byMetric = runCli(['history', 'show', '--store', store, '--metric', name, '--json'])
      expect(byMetric.status, byMetric.stderr).toBe(0)
      expect((JSON.parse(byMetric.stdout) as { points: unknown[] }).points).toEqual([])
    }
  })

  it('--slice-by __proto__ is exit 2; a value __proto__ is exit 3 naming the row, its partial result reads back', () => {
    const vals = MANIFEST_ROWS.map(() => 'a')
    const flag = runCli([
      'eval',
      '-m',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      manifestWith('__proto__', vals),
      '--slice-by',
      '__proto__',
    ])
    expectNamedError(flag, 2, '--slice-by __proto__')

    vals[1] = '__proto__' // manifest line 3, a test row
    const output = file('partial.json')
    const manifest = manifestWith('grp', vals)
    const run = runCli([
      'eval',
      '-m',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      manifest,
      '--slice-by',
      'grp',
      '-o',
      output,
    ])
    expectNamedError(run, 3, `${manifest} line 3`, "grp '__proto__'")
    const report = runCli(['report', output, '--json'])
    expect(report.status, report.stderr).toBe(0)
    expect((JSON.parse(report.stdout) as EvalResult).complete).toBe(false)
  })
})

describe('document keys named after Object.prototype', () => {
  let result: string
  beforeAll(() => {
    result = file('keys.json')
    const manifest = manifestWith(
      'grp',
      MANIFEST_ROWS.map((_, i) => (i % 2 === 0 ? 'a' : 'b')),
    )
    const run = runCli([
      'eval',
      '-m',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      manifest,
      '--slice-by',
      'grp',
      '--slice-min-samples',
      '1',
      '-o',
      result,
    ])
    expect(run.status, run.stderr).toBe(0)
  })

  it.each(HOSTILE)('a largest gap naming group %s, which the groups lack: exit 3 naming the field', (name) => {
    const doc = JSON.parse(readFileSync(result, 'utf8')) as EvalResult
    const slice = doc.metrics.slices!.grp!
    expect(slice.maxGap).not.toBeNull()
    slice.maxGap!.b = name
    const out = file('gap.json')
    writeFileSync(out, JSON.stringify(doc))
    for (const args of [
      ['report', out],
      ['report', out, '--format', 'markdown'],
      ['compare', result, out],
    ])
      expectNamedError(runCli(args), 3, `metrics.slices.grp.maxGap.b: '${name}' is not one of the groups`)
  })

  const PLACES = ['', 'dataset', 'model', 'metrics', 'metrics.slices', 'metrics.slices.grp.groups', 'labelMapping']
  const COMMANDS = ['report', 'compare', 'gate', 'leaderboard', 'history', 'export'] as const

  /** The result with key `name` added (as an own key, whatever the name) to the object at `place`. */
  function withKey(place: string, name: string): string {
    const doc = JSON.parse(readFileSync(result, 'utf8')) as Record<string, unknown>
    const target =
      place === ''
        ? doc
        : (place.split('.').reduce((o: unknown, k) => (o as Record<string, unknown>)[k], doc) as object)
    const sibling = Object.values(target)[0]
    Object.defineProperty(target, name, { value: sibling, enumerable: true, configurable: true, writable: true })
    const out = file('withKey.json')
    writeFileSync(out, JSON.stringify(doc))
    return out
  }

  function read(command: (typeof COMMANDS)[number], doc: string): CliRun {
    switch (command) {
      case 'report':
        return runCli(['report', doc, '--json'])
      case 'compare':
        return runCli(['compare', result, doc, '--json'])
      case 'gate':
        return runCli(['gate', '--baseline', result, '--current', doc, '--max-group-gap', '100'])
      case 'leaderboard':
        return runCli(['leaderboard', doc, '--json'])
      case 'history':
        return runCli(['history', 'add', doc, '--store', file('store'), '--branch', 'main', '--commit', 'abc1234'])
      case 'export':
        return runCli(['export', '--format', 'bmf', doc])
    }
  }

  it('each is read as plain text (a schema error at worst) or, for __proto__, refused naming the field (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HOSTILE),
        fc.constantFrom(...PLACES),
        fc.constantFrom(...COMMANDS),
        (name, place, command) => {
          const run = read(command, withKey(place, name))
          if (name === '__proto__') {
            expectNamedError(run, 3, `field '${place === '' ? '' : `${place}.`}__proto__' is named __proto__`)
          } else {
            expect([0, 3], `${command} with '${name}' in '${place}': ${run.stderr}`).toContain(run.status)
            expect(run.stderr).not.toMatch(/TypeError|is not a function|Cannot read properties/)
          }
        },
      ),
      {
        numRuns: 24,
        examples: HOSTILE.map((name, i) => [name, PLACES[i % PLACES.length]!, COMMANDS[i % COMMANDS.length]!]),
      },
    )
  })
})

describe('presets, card labels, claim ids, splits and history filters named after Object.prototype', () => {
  it.each(HOSTILE)('%s', (name) => {
    expectNamedError(runCli(['models', 'inspect', '-m', ORACLE, '--preset', name]), 5, `--preset ${name}`)
    const card = JSON.parse(readFileSync(`${ORACLE}.ferbench.json`, 'utf8')) as { labels: string[] }
    card.labels[1] = name
    const cardFile = file('card.json')
    writeFileSync(cardFile, JSON.stringify(card))
    const manifest = path.join(FIXTURES, 'manifest', 'manifest.csv')
    expectNamedError(
      runCli(['eval', '-m', ORACLE, '--card', cardFile, '--dataset', 'manifest', '--data', manifest]),
      5,
      'labels',
      name,
    )
    expectNamedError(runCli(['reproduce', name]), 2, name)
    const csv = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
    expectNamedError(
      runCli(['eval', '-m', ORACLE, '--dataset', 'fer2013', '--data', csv, '--split', name]),
      2,
      `--split ${name}`,
    )
    const affectnet = path.join(FIXTURES, 'affectnet')
    expectNamedError(
      runCli(['eval', '-m', ORACLE, '--dataset', 'affectnet', '--data', affectnet, '--split', name]),
      2,
      `--split ${name}`,
    )
  })

  it('split folders named after them are splits like any other (datasets inspect, eval --split)', () => {
    const root = file('splits')
    HOSTILE.forEach((name, i) =>
      cpSync(
        path.join(FIXTURES, 'folder', 'fer2013-jpg', 'test', JPG_CLASSES[i]!),
        path.join(root, name, JPG_CLASSES[i]!),
        {
          recursive: true,
        },
      ),
    )
    const inspect = runCli(['datasets', 'inspect', '--dataset', 'folder', '--data', root, '--json'])
    expect(inspect.status, inspect.stderr).toBe(0)
    const splits = (JSON.parse(inspect.stdout) as { splits: Array<{ name: string; samples: number }> }).splits
    expect(splits.map((s) => s.name).sort()).toEqual([...HOSTILE].sort())
    for (const [i, name] of HOSTILE.entries()) {
      const expected = filesIn(path.join(root, name, JPG_CLASSES[i]!))
      expect(splits.find((s) => s.name === name)?.samples).toBe(expected)
      if (name !== '__proto__' && name !== 'constructor') continue // eval reads the same adapter: two names suffice
      const output = file('split.json')
      const run = runCli(['eval', '-m', ORACLE, '--dataset', 'folder', '--data', root, '--split', name, '-o', output])
      expect([0, 7], run.stderr).toContain(run.status)
      expect(readDoc(output).dataset.samples).toBe(expected)
    }
  })

  it('manifest split values named after them: datasets audit, robust and models doctor read each as a split', () => {
    const manifest = manifestSplits(HOSTILE)
    const inSplit = (name: string): number =>
      MANIFEST_ROWS.filter((_, i) => HOSTILE[i % HOSTILE.length] === name).length
    const audit = runCli(['datasets', 'audit', '--dataset', 'manifest', '--data', manifest, '--json'])
    expect(audit.status, audit.stderr).toBe(0)
    const audited = JSON.parse(audit.stdout) as { splits: string[]; samples: number }
    expect([...audited.splits].sort()).toEqual([...HOSTILE].sort())
    expect(audited.samples).toBe(MANIFEST_ROWS.length)

    const robustDocs = ['__proto__', 'constructor'].map((split) => {
      const output = file('robust.json')
      const robust = runCli([
        'robust',
        '-m',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        manifest,
        '--split',
        split,
        '--corruptions',
        'jpeg',
        '--severities',
        '1',
        '-o',
        output,
      ])
      expect(robust.status, robust.stderr).toBe(0)
      const doc = JSON.parse(readFileSync(output, 'utf8')) as { clean: { samples: number }; dataset: { split: string } }
      expect(doc.dataset.split).toBe(split)
      expect(doc.clean.samples).toBe(inSplit(split))
      const report = runCli(['report', output, '--json'])
      expect(report.status, report.stderr).toBe(0)
      return output
    })
    // different splits: compare refuses them as different test sets (exit 3), by name
    expectNamedError(runCli(['compare', ...robustDocs]), 3, robustDocs[0]!)

    const doctor = runCli([
      'models',
      'doctor',
      '-m',
      ORACLE,
      '--dataset',
      'manifest',
      '--data',
      manifest,
      '--split',
      'toString',
      '--json',
    ])
    expect(doctor.status, doctor.stderr).toBe(0)
    const doctored = JSON.parse(doctor.stdout) as { dataset: { split: string }; samples: number }
    expect(doctored.dataset.split).toBe('toString')
    expect(doctored.samples).toBe(inSplit('toString'))
  })
})
