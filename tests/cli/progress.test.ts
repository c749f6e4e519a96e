import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatSeconds, progressLine } from '../../src/cli/progress.js'
import { countSamples } from '../../src/engine/countSamples.js'
import { BIN, FIXTURES } from '../helpers/cli.js'

const csv = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

describe('progress line', () => {
  it('with a total: bar, done/total, rate, elapsed and the time left at that rate', () => {
    // 300 of 1200 in 60 s: 5 samples/s, 900 left → 180 s
    expect(progressLine({ label: 'evaluating', unit: 'samples', done: 300, total: 1200, elapsedS: 60 })).toBe(
      'evaluating [█████░░░░░░░░░░░░░░░] 300/1200 samples (25%) | 5.0 samples/s | 1m00s elapsed, ETA 3m00s',
    )
  })

  it('without a total: a spinner, done and the rate', () => {
    expect(progressLine({ label: 'evaluating', unit: 'samples', done: 4500, total: undefined, elapsedS: 30 })).toMatch(
      /^evaluating . 4500 samples \| 150 samples\/s \| 30s$/,
    )
  })

  it('formats durations', () => {
    expect([formatSeconds(5.4), formatSeconds(185), formatSeconds(3725)]).toEqual(['5s', '3m05s', '1h02m'])
  })
})

describe('sample counts for progress totals (no image decoded)', () => {
  // fixture counts from the FER2013 fixture's own definition: Training 14, PublicTest 17, PrivateTest 28
  it('counts the split, each shard, and every split', async () => {
    expect(await countSamples({ dataset: 'fer2013', datasetOptions: { data: csv, split: 'PrivateTest' } })).toBe(28)
    const shards = await Promise.all(
      [1, 2, 3].map((index) =>
        countSamples({
          dataset: 'fer2013',
          datasetOptions: { data: csv, split: 'PrivateTest' },
          shard: { index, count: 3 },
        }),
      ),
    )
    expect(shards.reduce((a, b) => a! + b!, 0)).toBe(28)
    expect(await countSamples({ dataset: 'fer2013', datasetOptions: { data: csv }, splits: 'all' })).toBe(14 + 17 + 28)
  })

  it('gives up quietly on unreadable data (the run reports it) and when aborted', async () => {
    expect(await countSamples({ dataset: 'fer2013', datasetOptions: { data: '/nonexistent.csv' } })).toBeUndefined()
    const controller = new AbortController()
    controller.abort()
    expect(
      await countSamples({ dataset: 'fer2013', datasetOptions: { data: csv }, signal: controller.signal }),
    ).toBeUndefined()
  })
})

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0

describe('on a terminal', () => {
  it.skipIf(!hasScript)(
    'eval shows done/total and ETA on stderr; nothing when stderr is not a TTY',
    () => {
      const cmd = `'${process.execPath}' '${BIN}' eval --model '${path.join(FIXTURES, 'models', 'oracle.onnx')}' --data '${csv}' >/dev/null`
      const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      })
      expect(tty.stdout).toMatch(
        /evaluating \[[█░]+\] \d+\/28 samples \(\d+%\) \| [\d.]+ samples\/s \| \d+s elapsed, ETA/,
      )
      const piped = spawnSync(
        process.execPath,
        [BIN, 'eval', '--model', path.join(FIXTURES, 'models', 'oracle.onnx'), '--data', csv],
        { encoding: 'utf8' },
      )
      expect(piped.stderr).not.toMatch(/samples\/s/)
    },
    60_000,
  )
})
