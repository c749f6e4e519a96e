import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'
import { FER2013_ORDER, readFixtureCsv } from '../helpers/oracle.js'
import { grayPng } from '../helpers/builders.js'
import { withoutTiming } from '../helpers/robustnessDocs.js'
import { decodePredictions } from '../../src/results/predictions.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')

describe('determinism', () => {
  const args = ['eval', '--model', ORACLE, '--data', CSV, '--split', 'Training', '--embed-predictions', '--batch', '4']

  it('two runs of the same eval give identical documents apart from timing fields', () => {
    const a = runJson<EvalResult>(args)
    const b = runJson<EvalResult>(args)
    expect(a.status).toBe(0)
    expect(withoutTiming(b.json)).toEqual(withoutTiming(a.json))
    expect(JSON.stringify(withoutTiming(b.json))).toBe(JSON.stringify(withoutTiming(a.json))) // same key order too
    expect(decodePredictions(a.json.predictions!)).toHaveLength(a.json.dataset.samples)
  })

  it('a fer2013.csv read on a worker thread gives the document read on the main thread, apart from timing fields', () => {
    // FERBENCH_DEBUG_ROWS_WORKER forces the choice (files of 8 MiB and more are read on a worker thread)
    const worker = runJson<EvalResult>(args, { env: { FERBENCH_DEBUG_ROWS_WORKER: 'always' } })
    const main = runJson<EvalResult>(args, { env: { FERBENCH_DEBUG_ROWS_WORKER: 'never' } })
    expect(worker.status).toBe(0)
    expect(main.status).toBe(0)
    expect(main.json.dataset.samples).toBeGreaterThan(0)
    expect(JSON.stringify(withoutTiming(worker.json))).toBe(JSON.stringify(withoutTiming(main.json)))
  })

  it.each([2, 16])('--concurrency %i gives the same document as a serial run (--concurrency 1)', (n) => {
    const serial = runJson<EvalResult>([...args, '--concurrency', '1'])
    const parallel = runJson<EvalResult>([...args, '--concurrency', String(n)])
    expect(parallel.status).toBe(0)
    expect(JSON.stringify(withoutTiming(parallel.json))).toBe(JSON.stringify(withoutTiming(serial.json)))
  })
})

describe('concurrency over decoded images', () => {
  it('a manifest of PNGs (some to resize, some corrupt) gives the same document, failures in the same order, for --concurrency 1 and 8', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const lines = ['path,label']
    readFixtureCsv(CSV).forEach((r, i) => {
      const name = `img/${String(i).padStart(3, '0')}.png`
      if (i % 9 === 4) writeFileSync(path.join(dir, name), 'not a png')
      else if (i % 3 === 0) {
        // 2× upscaled (nearest): ferbench resizes it back to 48×48
        const big = new Uint8Array(96 * 96)
        for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) big[y * 96 + x] = r.pixels[(y >> 1) * 48 + (x >> 1)]!
        writeFileSync(path.join(dir, name), grayPng(96, 96, big))
      } else writeFileSync(path.join(dir, name), grayPng(48, 48, Uint8Array.from(r.pixels)))
      lines.push(`${name},${FER2013_ORDER[r.emotion]}`)
    })
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const run = (n: number): EvalResult => {
      const r = runJson<EvalResult>([
        'eval',
        '--model',
        ORACLE,
        '--dataset',
        'manifest',
        '--data',
        manifest,
        '--batch',
        '3',
        '--embed-predictions',
        '--concurrency',
        String(n),
      ])
      expect(r.status).toBe(7)
      return r.json
    }
    const serial = run(1)
    const parallel = run(8)
    expect(serial.failures.length).toBeGreaterThan(3)
    expect(JSON.stringify(withoutTiming(parallel))).toBe(JSON.stringify(withoutTiming(serial)))
  })
})
