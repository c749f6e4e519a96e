import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { FIXTURES, runJson, tempDir } from '../helpers/cli.js'

/**
 * EXIF orientation end to end (issue 22, item 7), with the oracle model (class k = the brightest of
 * the eight 6-row bands of the 48×48 image, tests/helpers/oracle.ts). A phone photo stored on its
 * side with orientation 6 has its bright band in columns 6–11; turned upright (90° clockwise) the
 * band becomes rows 6–11: happiness. Stored as is, rows 0–5 are the brightest (a faint strip): neutral.
 */
async function gray48(pixel: (x: number, y: number) => number, orientation: number): Promise<Buffer> {
  const data = Buffer.alloc(48 * 48)
  for (let y = 0; y < 48; y++) for (let x = 0; x < 48; x++) data[y * 48 + x] = pixel(x, y)
  return sharp(data, { raw: { width: 48, height: 48, channels: 1 } })
    .jpeg({ quality: 100 })
    .withMetadata({ orientation })
    .toBuffer()
}

describe('eval applies EXIF orientation before preprocessing', () => {
  const root = tempDir()
  const happy = path.join(root, 'happy')
  const neutral = path.join(root, 'neutral')
  mkdirSync(happy)
  mkdirSync(neutral)
  const model = path.join(FIXTURES, 'models', 'oracle.onnx')
  const args = ['eval', '--model', model, '--dataset', 'folder', '--data', root]

  it('a sideways photo (orientation 6) scores as upright; --ignore-exif-orientation scores the stored pixels; both recorded', async () => {
    writeFileSync(path.join(happy, 'phone.jpg'), await gray48((x, y) => (x >= 6 && x < 12 ? 255 : y < 6 ? 60 : 0), 6))
    writeFileSync(path.join(happy, 'upright.jpg'), await gray48((_x, y) => (y >= 6 && y < 12 ? 255 : 0), 1))
    // a second class, so that the argmax is between neutral and happiness
    writeFileSync(path.join(neutral, 'plain.jpg'), await gray48((_x, y) => (y < 6 ? 255 : 0), 1))

    const applied = runJson<EvalResult>(args)
    expect(applied.status, applied.stderr).toBe(0)
    expect(applied.json.metrics.correct).toBe(3)
    expect(applied.json.dataset.images).toEqual({
      exifOrientation: 'applied',
      exifOrientationTagged: 1,
      animated: 0,
      shrunk: 0,
    })
    expect(
      applied.json.warnings.some((w) => w.startsWith('1 image(s) carry an EXIF orientation tag: turned upright')),
    ).toBe(true)

    const ignored = runJson<EvalResult>([...args, '--ignore-exif-orientation'])
    expect(ignored.status, ignored.stderr).toBe(0)
    expect(ignored.json.metrics.correct).toBe(2)
    expect(ignored.json.dataset.images?.exifOrientation).toBe('ignored')
    expect(ignored.json.dataset.images?.exifOrientationTagged).toBe(1)
    expect(ignored.json.warnings.some((w) => w.includes('not applied (--ignore-exif-orientation)'))).toBe(true)
    // the pixels differ, so the dataset digests differ too
    expect(ignored.json.dataset.digest).not.toBe(applied.json.dataset.digest)
  })

  it('a CSV dataset (no image files) has no dataset.images', () => {
    const run = runJson<EvalResult>(['eval', '--model', model, '--data', path.join(FIXTURES, 'fer2013', 'fer2013.csv')])
    expect(run.status, run.stderr).toBe(0)
    expect(run.json.dataset.images).toBeUndefined()
  })
})
