import { spawn } from 'node:child_process'
import { copyFileSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cvResumePointSchema, type CvResult } from '../../src/results/cvDocument.js'
import { BIN, FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const JAFFE = path.join(FIXTURES, 'jaffe', 'jaffe')
const cvArgs = [
  'eval',
  '--model',
  ORACLE,
  '--dataset',
  'jaffe',
  '--data',
  JAFFE,
  '--folds',
  '3',
  '--batch',
  '2',
  '--concurrency',
  '1',
]

/**
 * Runs an all-fold evaluation slowed by the test hook and sends SIGINT once the second fold has
 * settled its first batch (the settled count, reported per fold, drops); then, once the partial
 * result is reported written, a second SIGINT.
 */
function interruptInSecondFold(
  args: string[],
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FERBENCH_DEBUG_SAMPLE_DELAY_MS: '40' },
    })
    let stderr = ''
    let last = 0
    let first = false
    let second = false
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      for (const m of d.toString().matchAll(/ferbench debug: (\d+) samples settled/g)) {
        const n = Number(m[1])
        if (!first && n < last) {
          first = true
          child.kill('SIGINT')
        }
        last = n
      }
      if (first && !second && /ferbench debug: partial result written/.test(stderr)) {
        second = true
        child.kill('SIGINT')
      }
    })
    child.on('error', reject)
    child.on('close', (status, signal) => resolve({ status, signal, stderr }))
  })
}

const withoutTiming = (doc: CvResult): Omit<CvResult, 'createdAt' | 'timing'> => {
  const { createdAt: _c, timing: _t, ...rest } = doc
  return rest
}

describe('SIGINT during an all-fold run (--folds without --fold)', () => {
  it('writes the folds done and the fold in progress (exit 9, also on a second signal after writing); --resume finishes to the uninterrupted result', async () => {
    const dir = tempDir()
    const out = path.join(dir, 'cv.json')
    const run = await interruptInSecondFold([...cvArgs, '--output', out])
    expect(run.signal, run.stderr).toBeNull()
    expect(run.status, run.stderr).toBe(9)
    expect(run.stderr).toMatch(/SIGINT received/)
    expect(run.stderr).toMatch(/interrupted after 1 of 3 fold\(s\); partial result \(complete:false\) written to/)
    expect(readdirSync(dir)).toEqual(['cv.json'])
    const partial = JSON.parse(readFileSync(out, 'utf8')) as CvResult
    expect(partial.complete).toBe(false)
    expect(partial.folds.map((f) => f.fold)).toEqual([1])
    // the cv schema keeps `resume` open; its own schema reads it
    const resume = cvResumePointSchema.parse(partial.resume)
    expect(resume.folds.map((f) => f.dataset.fold?.fold)).toEqual([1])
    expect(resume.current?.complete).toBe(false)
    expect(resume.current?.dataset.fold?.fold).toBe(2)
    expect(resume.current?.resume?.settled).toBeGreaterThan(0)

    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(0)
    const final = JSON.parse(readFileSync(out, 'utf8')) as CvResult
    expect(final.complete).toBe(true)
    expect(final.resume).toBeUndefined()
    const uninterrupted = runJson<CvResult>(cvArgs).json
    expect(uninterrupted.folds).toHaveLength(3)
    expect(JSON.stringify(withoutTiming(final))).toBe(JSON.stringify(withoutTiming(uninterrupted)))
  })
})

describe('an error in a later fold of an all-fold run', () => {
  it("keeps the folds done: the error's exit code, a partial result of them, and --resume after the fix gives the uninterrupted result", () => {
    const dir = tempDir()
    const card = `${ORACLE}.ferbench.json`
    copyFileSync(ORACLE, path.join(dir, 'fold1.onnx'))
    copyFileSync(ORACLE, path.join(dir, 'fold2.onnx')) // fold3.onnx is missing
    const args = [
      'eval',
      '--model',
      path.join(dir, 'fold{fold}.onnx'),
      '--card',
      card,
      '--dataset',
      'jaffe',
      '--data',
      JAFFE,
      '--folds',
      '3',
    ]
    const out = path.join(dir, 'cv.json')
    const run = runCli([...args, '--output', out])
    expect(run.status, run.stderr).toBe(4)
    expect(run.stderr).toContain(path.join(dir, 'fold3.onnx'))
    expect(run.stderr).toMatch(
      /stopped by an error after 2 of 3 fold\(s\); partial result \(complete:false\) written to/,
    )
    const partial = JSON.parse(readFileSync(out, 'utf8')) as CvResult
    expect(partial.complete).toBe(false)
    expect(partial.folds.map((f) => f.fold)).toEqual([1, 2])
    expect(partial.resume!.signal).toBe('model error')

    copyFileSync(ORACLE, path.join(dir, 'fold3.onnx'))
    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(0)
    const uninterrupted = runJson<CvResult>(args).json
    expect(JSON.stringify(withoutTiming(JSON.parse(readFileSync(out, 'utf8')) as CvResult))).toBe(
      JSON.stringify(withoutTiming(uninterrupted)),
    )
  })
})
