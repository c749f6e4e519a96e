import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { decodePredictions } from '../../src/results/predictions.js'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { CANONICAL, expectedConfusion, readFixtureCsv } from '../helpers/oracle.js'
import { runAndInterrupt, withoutTiming } from '../helpers/robustnessDocs.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const rows = readFixtureCsv(CSV)
const SEVEN = CANONICAL.filter((l) => l !== 'contempt')
const PRIVATE = rows.filter((r) => r.usage === 'PrivateTest').length

const evalArgs = ['eval', '--model', ORACLE, '--data', CSV, '--batch', '2', '--concurrency', '1', '--embed-predictions']

describe('interrupt and resume', () => {
  it('SIGINT writes a partial result (complete:false, exit 9) atomically to --output; --resume finishes it to the uninterrupted document', async () => {
    const dir = tempDir()
    const out = path.join(dir, 'result.json')
    const run = await runAndInterrupt([...evalArgs, '--output', out], 'SIGINT')
    expect(run.status, run.stderr).toBe(9)
    expect(run.stderr).toMatch(/SIGINT received/)
    expect(run.stderr).toContain(`ferbench eval --resume ${out}`)
    expect(readdirSync(dir)).toEqual(['result.json']) // no temp file left
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    const k = partial.resume!.settled
    expect(k).toBeGreaterThan(0)
    expect(k).toBeLessThan(PRIVATE)
    expect(partial.resume!.signal).toBe('SIGINT')
    expect(partial.dataset.samples).toBe(k)
    // metrics so far = the oracle on the first k PrivateTest rows, computed independently
    const firstK = rows.filter((r) => r.usage === 'PrivateTest').slice(0, k)
    expect(partial.metrics.confusionMatrix.counts).toEqual(expectedConfusion(firstK, 'PrivateTest', SEVEN))
    expect(decodePredictions(partial.predictions!).map((p) => p.id)).toEqual(firstK.map((r) => `row-${r.row}`))

    const resumed = runCli(['eval', '--resume', out, '--json'])
    expect(resumed.status).toBe(0)
    const final = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(final).toEqual(JSON.parse(resumed.stdout))
    expect(final.complete).toBe(true)
    expect(final.resume).toBeUndefined()
    expect(final.timing.segments).toBe(2)
    const uninterrupted = runJson<EvalResult>(evalArgs).json
    expect(JSON.stringify(withoutTiming(final))).toBe(JSON.stringify(withoutTiming(uninterrupted)))
  })

  it('SIGTERM without --output writes ./ferbench-eval.partial.json; resume with --output elsewhere', async () => {
    const dir = tempDir()
    const run = await runAndInterrupt([...evalArgs, '--split', 'Training'], 'SIGTERM', dir)
    expect(run.status, run.stderr).toBe(9)
    const partialFile = path.join(dir, 'ferbench-eval.partial.json')
    expect(existsSync(partialFile)).toBe(true)
    const partial = JSON.parse(readFileSync(partialFile, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.signal).toBe('SIGTERM')
    const final = path.join(dir, 'final.json')
    expect(runCli(['eval', '--resume', partialFile, '--output', final], { cwd: dir }).status).toBe(0)
    const uninterrupted = runJson<EvalResult>([...evalArgs, '--split', 'Training']).json
    expect(JSON.stringify(withoutTiming(JSON.parse(readFileSync(final, 'utf8')) as EvalResult))).toBe(
      JSON.stringify(withoutTiming(uninterrupted)),
    )
  })

  it('--resume refuses flags that would change the run, complete results, and data that changed since', async () => {
    const dir = tempDir()
    const data = path.join(dir, 'fer2013.csv')
    copyFileSync(CSV, data)
    const out = path.join(dir, 'partial.json')
    const run = await runAndInterrupt(
      ['eval', '--model', ORACLE, '--data', data, '--batch', '2', '--concurrency', '1', '--output', out],
      'SIGINT',
    )
    expect(run.status, run.stderr).toBe(9)
    const saved = readFileSync(out, 'utf8')

    const withModel = runCli(['eval', '--resume', out, '--model', ORACLE])
    expect(withModel.status, withModel.stderr).toBe(2)
    expect(withModel.stderr).toMatch(/--model cannot be given with --resume/)

    const missing = runCli(['eval', '--resume', path.join(dir, 'nope.json')])
    expect(missing.status, missing.stderr).toBe(3)
    expect(missing.stderr).toMatch(/nope.json: no such file/)

    // the first PrivateTest row gets another label: the settled prefix no longer matches
    const firstPrivate = rows.find((r) => r.usage === 'PrivateTest')!
    const lines = readFileSync(CSV, 'utf8').split('\n')
    lines[firstPrivate.row] = lines[firstPrivate.row]!.replace(/^\d/, String((firstPrivate.emotion + 1) % 7))
    writeFileSync(data, lines.join('\n'))
    const changed = runCli(['eval', '--resume', out])
    expect(changed.status, changed.stderr).toBe(3)
    expect(changed.stderr).toMatch(
      /the first \d+ samples of split PrivateTest are not those the partial result .*partial.json settled/,
    )
    expect(readFileSync(out, 'utf8')).toBe(saved) // the partial result is kept

    copyFileSync(CSV, data)
    const finished = runCli(['eval', '--resume', out])
    expect(finished.status, finished.stderr).toBe(0)
    const again = runCli(['eval', '--resume', out])
    expect(again.status, again.stderr).toBe(3)
    expect(again.stderr).toMatch(/this result is complete \(complete:true\); there is nothing to resume/)
  })

  it('a malformed row after progress: exit 3 naming the row, the settled samples kept as a partial result; fix the row and resume', () => {
    const dir = tempDir()
    const data = path.join(dir, 'fer2013.csv')
    const lines = readFileSync(CSV, 'utf8').split('\n')
    const privateRows = rows.filter((r) => r.usage === 'PrivateTest')
    const bad = privateRows[12]!
    const good = lines[bad.row]!
    lines[bad.row] = good.replace(/,PrivateTest$/, ' 300,PrivateTest')
    writeFileSync(data, lines.join('\n'))
    const out = path.join(dir, 'result.json')
    const args = ['eval', '--model', ORACLE, '--data', data, '--batch', '4', '--output', out]
    const run = runCli(args)
    expect(run.status, run.stderr).toBe(3)
    expect(run.stderr).toContain(`${data} row ${bad.row}: pixel 2305 is above 255`)
    expect(run.stderr).toMatch(
      /stopped by an error after \d+ sample\(s\); partial result \(complete:false\) written to/,
    )
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.signal).toBe('data error')
    const k = partial.resume!.settled
    expect(k).toBeGreaterThan(0)
    expect(k).toBeLessThanOrEqual(12)
    expect(partial.metrics.confusionMatrix.counts).toEqual(
      expectedConfusion(privateRows.slice(0, k), 'PrivateTest', SEVEN),
    )

    lines[bad.row] = good
    writeFileSync(data, lines.join('\n'))
    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(0)
    const final = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    const uninterrupted = runJson<EvalResult>(args.slice(0, -2)).json
    expect(JSON.stringify(withoutTiming(final))).toBe(JSON.stringify(withoutTiming(uninterrupted)))
  })
})
