import { existsSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

const FRAMES = path.join(FIXTURES, 'jaffe-frames')

interface InspectJson {
  samples: number
  faces: {
    samples: number
    detected: number
    detectionRate: number
    perClass: { label: string; samples: number; detected: number; detectionRate: number }[]
    missed: { source: string; error: string }[]
    contactSheet: { path: string; crops: number; missed: number }
  }
}

describe('datasets inspect --faces detect', () => {
  it('reports the detection rate per class, names the images without a face, and writes a contact sheet of crops then misses', async () => {
    const sheet = path.join(tempDir('ferbench-faces-'), 'faces.png')
    const { status, json } = runJson<InspectJson>([
      'datasets',
      'inspect',
      '--dataset',
      'jaffe',
      '--data',
      FRAMES,
      '--faces',
      'detect',
      '--contact-sheet',
      sheet,
    ])
    expect(status).toBe(0)
    const f = json.faces
    expect(f.samples).toBe(json.samples)
    expect(f.perClass.reduce((n, c) => n + c.samples, 0)).toBe(f.samples)
    expect(f.perClass.reduce((n, c) => n + c.detected, 0)).toBe(f.detected)
    for (const c of f.perClass) expect(c.detectionRate).toBeCloseTo(c.detected / c.samples, 12)
    expect(f.missed).toHaveLength(f.samples - f.detected)
    for (const m of f.missed) expect(m.error).toContain(m.source)
    expect(f.contactSheet).toEqual({ path: sheet, crops: f.detected, missed: f.missed.length })
    // one row of 64-px tiles: the crops, then each image without a face with a red frame
    const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([640, 64])
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ]
    expect(pixel(f.detected * 64 + 1, 32)).toEqual([220, 30, 30])
    expect(pixel(1, 32)).not.toEqual([220, 30, 30])
  })

  it('--contact-sheet without --faces detect is a usage error (exit 2) and writes nothing', () => {
    const sheet = path.join(tempDir('ferbench-faces-'), 'faces.png')
    const run = runCli(['datasets', 'inspect', '--dataset', 'jaffe', '--data', FRAMES, '--contact-sheet', sheet])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--faces detect')
    expect(existsSync(sheet)).toBe(false)
  })
})
