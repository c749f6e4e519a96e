import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'

const FRAMES = path.join(FIXTURES, 'jaffe-frames')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const NO_FACE = Object.entries(
  JSON.parse(readFileSync(path.join(FRAMES, 'boxes.json'), 'utf8')) as Record<string, unknown>,
)
  .filter(([, box]) => box === null)
  .map(([file]) => file)

interface EvalJson {
  dataset: {
    samples: number
    digest: string
    faces?: {
      mode: string
      detector?: string
      sha256?: string
      samples?: number
      detected?: number
      missed?: number
      detectionRate?: number
      multipleFaces?: number
      accuracyCountingMisses?: number
      crop?: { margin: number; align: boolean; faceIndex: number }
      cache?: { path: string; hits: number; stored: number }
    }
  }
  metrics: { accuracy: number }
  failures: { id: string; source: string; error: string }[]
}

describe('eval --faces', () => {
  it('detect: crops the found faces, fails each frame without one (named, exit 7), records the detector and the rates', () => {
    const env = { FERBENCH_CACHE_DIR: tempDir('ferbench-cache-') }
    const args = ['eval', '--model', ORACLE, '--dataset', 'jaffe', '--data', FRAMES, '--faces', 'detect']
    const { status, json } = runJson<EvalJson>(args, { env })
    expect(status).toBe(7)
    const faces = json.dataset.faces!
    expect(faces.mode).toBe('detect')
    expect(faces.detector).toMatch(/^blazeface/)
    expect(faces.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(faces.crop).toEqual({ shape: 'square', margin: 1.4, align: false, faceIndex: 0 })
    expect(faces.samples).toBe(10)
    expect(faces.detected).toBe(json.dataset.samples)
    expect(faces.detected).toBe(7)
    expect(faces.missed).toBe(json.failures.length)
    expect(faces.detectionRate).toBeCloseTo(0.7, 12)
    // the frames made without a face are among the failures, each named with the reason
    for (const file of NO_FACE) {
      const failure = json.failures.find((f) => f.source.endsWith(file))
      expect(failure?.error, file).toMatch(/no face detected/)
    }
    // a missed face counts as wrong: correct answers over all 10 frames
    const correct = Math.round(json.metrics.accuracy * json.dataset.samples)
    expect(faces.accuracyCountingMisses).toBeCloseTo(correct / 10, 12)
    // every image's boxes were cached; a second run takes all 10 from the cache and measures the same
    expect(faces.cache).toMatchObject({ hits: 0, stored: 10 })
    const again = runJson<EvalJson>(args, { env })
    expect(again.json.dataset.faces!.cache).toMatchObject({ hits: 10, stored: 0 })
    expect(again.json.dataset.digest).toBe(json.dataset.digest)
    expect(again.json.metrics).toEqual(json.metrics)
    expect(again.json.failures).toEqual(json.failures)
  })

  it('a folder of full-frame photos (class folders) is evaluated on detected faces, each frame without one named', () => {
    const folder = tempDir('ferbench-photos-')
    const frames = Object.keys(
      JSON.parse(readFileSync(path.join(FRAMES, 'boxes.json'), 'utf8')) as Record<string, unknown>,
    )
    frames.forEach((file, i) => {
      const label = i % 2 === 0 ? 'happy' : 'neutral'
      mkdirSync(path.join(folder, 'test', label), { recursive: true })
      copyFileSync(path.join(FRAMES, file), path.join(folder, 'test', label, file.replace('.tiff', '.tif')))
    })
    const { status, json } = runJson<EvalJson>(
      ['eval', '--model', ORACLE, '--dataset', 'folder', '--data', folder, '--faces', 'detect'],
      { env: { FERBENCH_CACHE_DIR: tempDir('ferbench-cache-') } },
    )
    expect(status).toBe(7)
    expect(json.dataset.faces!.samples).toBe(frames.length)
    expect(json.dataset.samples + json.failures.length).toBe(frames.length)
    for (const file of NO_FACE)
      expect(json.failures.find((f) => f.source.endsWith(file.replace('.tiff', '.tif')))?.error, file).toMatch(
        /no face detected/,
      )
  })

  it('robust --faces detect corrupts the detected crops and records the same faces summary as eval', () => {
    const env = { FERBENCH_CACHE_DIR: tempDir('ferbench-cache-') }
    const { status, json } = runJson<{
      dataset: EvalJson['dataset']
      clean: { samples: number }
      results: unknown[]
    }>(
      [
        'robust',
        '--model',
        ORACLE,
        '--dataset',
        'jaffe',
        '--data',
        FRAMES,
        '--faces',
        'detect',
        '--corruptions',
        'gaussian-blur,jpeg',
        '--severities',
        '1,5',
      ],
      { env },
    )
    expect(status).toBe(7)
    const faces = json.dataset.faces!
    expect(faces).toMatchObject({ mode: 'detect', samples: 10, detected: 7, missed: 3 })
    expect(json.clean.samples).toBe(faces.detected)
    expect(json.results).toHaveLength(4)
  })

  it('none and dataset are recorded; on CK+ none feeds whole frames instead of the landmarks crop (another digest)', () => {
    const data = path.join(FIXTURES, 'ckplus', 'original')
    const base = ['eval', '--model', ORACLE, '--dataset', 'ckplus', '--data', data]
    const byDataset = runJson<EvalJson>([...base, '--faces', 'dataset'])
    const whole = runJson<EvalJson>([...base, '--faces', 'none'])
    const plain = runJson<EvalJson>(base)
    expect(byDataset.json.dataset.faces).toEqual({ mode: 'dataset' })
    expect(whole.json.dataset.faces).toEqual({ mode: 'none' })
    expect(plain.json.dataset.faces).toBeUndefined()
    expect(byDataset.json.dataset.digest).toBe(plain.json.dataset.digest)
    expect(whole.json.dataset.digest).not.toBe(plain.json.dataset.digest)
  })
})
