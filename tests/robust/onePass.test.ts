import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CORRUPTIONS, type Corruption, type RobustResult } from '../../src/results/robustDocument.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { evaluate } from '../../src/engine/evaluate.js'
import { evalSpec, type EvalSpecInput } from '../../src/engine/spec.js'
import { corrupt, corruptionRandom } from '../../src/robust/corruptions.js'
import { robust } from '../../src/robust/robust.js'
import { wilsonInterval } from '../../src/metrics/classification.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { grayPng } from '../helpers/builders.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')

/**
 * The reference: what robust computed before it ran in one pass — one full evaluate() for the clean
 * split and one per (corruption, severity), each decoding every image again and corrupting it as
 * the eval loop's transform.
 */
async function perPass(
  input: EvalSpecInput,
  corruptions: readonly Corruption[],
  severities: readonly number[],
  seed: number,
): Promise<Pick<RobustResult, 'clean' | 'results' | 'warnings' | 'dataset'>> {
  const spec = evalSpec(input)
  const outcome = (r: EvalResult) => ({
    accuracy: r.metrics.samples === 0 ? 0 : r.metrics.correct / r.metrics.samples,
    accuracyCI95: wilsonInterval(r.metrics.correct, r.metrics.samples),
    samples: r.metrics.samples,
    correct: r.metrics.correct,
    failures: r.failures.length,
  })
  const clean = await evaluate(spec)
  const warnings = [...clean.warnings]
  const results: RobustResult['results'] = []
  for (const corruption of corruptions)
    for (const severity of severities) {
      const r = await evaluate(spec, {
        transform: (image, sample) =>
          corrupt(image, corruption, severity, corruptionRandom(seed, corruption, sample.id)),
      })
      if (r.dataset.digest !== clean.dataset.digest)
        warnings.push(
          `${corruption} severity ${severity}: ${r.failures.length} sample(s) failed to load or to corrupt; its accuracy covers ${r.metrics.samples} samples`,
        )
      results.push({ corruption, severity, ...outcome(r) })
    }
  return {
    clean: outcome(clean),
    results,
    warnings,
    dataset: {
      name: clean.dataset.name,
      path: clean.dataset.path,
      split: clean.dataset.split,
      samples: clean.dataset.samples,
      digest: clean.dataset.digest,
    },
  }
}

async function both(input: EvalSpecInput, corruptions: readonly Corruption[], severities: readonly number[]) {
  const expected = await perPass(input, corruptions, severities, 15)
  const got = await robust(evalSpec(input), { corruptions, severities, seed: 15 })
  return { expected, got }
}

describe('robust in one pass gives what one evaluate() per condition gives', () => {
  it('every corruption at severities 1 and 5, colour images, flip TTA (two rows a sample), batches spanning samples', async () => {
    const { expected, got } = await both(
      {
        model: ORACLE,
        dataset: 'rafdb',
        data: path.join(FIXTURES, 'rafdb', 'basic'),
        batch: 3,
        tta: 'flip',
        concurrency: 3,
      },
      CORRUPTIONS,
      [1, 5],
    )
    expect(got.clean).toEqual(expected.clean)
    expect(got.results).toEqual(expected.results)
    expect(got.warnings).toEqual(expected.warnings)
    expect(got.dataset).toEqual(expected.dataset)
    // the corruptions reach the model: some condition changes the oracle's answers
    expect(got.results.some((r) => r.correct !== got.clean.correct)).toBe(true)
  }, 120_000)

  it('a model with a fixed batch of 1, and images that fail to load (failures in every condition, no digest warning)', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const lines = ['path,label']
    for (let i = 0; i < 9; i++) {
      const name = `img/${i}.png`
      const pixels = new Uint8Array(48 * 48)
      for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(p / 48 / 6) === i % 7 ? 220 : (p * 37 + i) % 90
      writeFileSync(path.join(dir, name), i % 4 === 1 ? `not an image ${i}` : grayPng(48, 48, pixels))
      lines.push(`${name},${['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear'][i % 7]}`)
    }
    writeFileSync(path.join(dir, 'manifest.csv'), `${lines.join('\n')}\n`)
    const { expected, got } = await both(
      {
        model: path.join(FIXTURES, 'models', 'oracle-batch1.onnx'),
        dataset: 'manifest',
        data: path.join(dir, 'manifest.csv'),
        concurrency: 2,
      },
      ['gaussian-noise', 'low-resolution', 'contrast', 'occlusion-mouth'],
      [2, 4],
    )
    expect(got.clean.failures).toBe(2)
    expect(got.results.every((r) => r.failures === 2)).toBe(true)
    expect(got.clean).toEqual(expected.clean)
    expect(got.results).toEqual(expected.results)
    expect(got.warnings).toEqual(expected.warnings)
    expect(got.dataset).toEqual(expected.dataset)
  }, 120_000)

  it('more samples than one chunk (a chunk of 32, then a larger one): filters across chunk boundaries', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const lines = ['path,label']
    const emotions = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear']
    for (let i = 0; i < 70; i++) {
      const name = `img/${i}.png`
      const pixels = new Uint8Array(24 * 24)
      for (let p = 0; p < pixels.length; p++)
        pixels[p] = Math.floor(p / 24 / 3) === i % 7 ? 230 : (p * 53 + i * 11) % 120
      writeFileSync(path.join(dir, name), grayPng(24, 24, pixels))
      lines.push(`${name},${emotions[i % 7]}`)
    }
    writeFileSync(path.join(dir, 'manifest.csv'), `${lines.join('\n')}\n`)
    const { expected, got } = await both(
      { model: ORACLE, dataset: 'manifest', data: path.join(dir, 'manifest.csv'), batch: 16, concurrency: 2 },
      ['motion-blur', 'jpeg', 'occlusion-eyes'],
      [5],
    )
    expect(got.clean.samples).toBe(70)
    expect(got.results.some((r) => r.correct !== got.clean.correct)).toBe(true)
    expect(got.clean).toEqual(expected.clean)
    expect(got.results).toEqual(expected.results)
    expect(got.warnings).toEqual(expected.warnings)
    expect(got.dataset).toEqual(expected.dataset)
  }, 120_000)
})
