import { readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { type DetectedFace, type FaceDetector, loadBlazeFace } from '../../src/faces/blazeface.js'
import { cropFace, eyeAngle, faceSquare } from '../../src/faces/faceCrop.js'
import { FIXTURES } from '../helpers/cli.js'

const FRAMES = path.join(FIXTURES, 'jaffe-frames')
type Box = DetectedFace['box']
// boxes.json: the face box each frame was made with (fixtures/faces/ crops hold the face in their central 1/2.2)
const EXPECTED = JSON.parse(readFileSync(path.join(FRAMES, 'boxes.json'), 'utf8')) as Record<string, Box | null>

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left))
  const h = Math.max(0, Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top))
  return (w * h) / (a.width * a.height + b.width * b.height - w * h)
}

async function decode(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 1 | 3 }
}

/** A 320×240 wall with fixtures/faces/face1.jpg pasted at (x, y), `side` pixels wide. */
async function pasted(x: number, y: number, side: number): Promise<RawImage> {
  const face = await sharp(path.join(FIXTURES, 'faces', 'face1.jpg'))
    .resize(side, side)
    .png()
    .toBuffer()
  const { data, info } = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a7a7a' } })
    .composite([{ input: face, left: x, top: y }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 }
}

let detector: FaceDetector
beforeAll(async () => {
  detector = await loadBlazeFace()
})
afterAll(() => detector.dispose())

describe('BlazeFace on real faces at known places (fixtures/jaffe-frames, made by tools/fixtures/jaffeFramesFixture.ts)', () => {
  it('finds 7 of the 8 faces, each within IoU 0.5 of the box it was placed in, and one face per frame', async () => {
    let found = 0
    for (const [file, box] of Object.entries(EXPECTED)) {
      if (!box) continue
      const faces = await detector.detect(await decode(path.join(FRAMES, file)))
      expect(faces.length, file).toBeLessThanOrEqual(1)
      if (faces.length === 0) continue
      found += 1
      expect(iou(faces[0]!.box, box), file).toBeGreaterThan(0.5)
    }
    // the rate docs/faces.md states for this fixture
    expect(found).toBe(7)
  })

  it('finds no face on a plain wall, on noise or on a blank image', async () => {
    for (const [file, box] of Object.entries(EXPECTED))
      if (box === null) expect(await detector.detect(await decode(path.join(FRAMES, file))), file).toEqual([])
    const blank: RawImage = { data: new Uint8Array(200 * 150).fill(128), width: 200, height: 150, channels: 1 }
    expect(await detector.detect(blank)).toEqual([])
  })

  it('a face moved by (dx, dy) is found moved by (dx, dy), to within 3 px', async () => {
    const [a] = await detector.detect(await pasted(20, 30, 150))
    const [b] = await detector.detect(await pasted(140, 70, 150))
    expect(a && b).toBeTruthy()
    expect(Math.abs(b!.box.left - a!.box.left - 120)).toBeLessThan(3)
    expect(Math.abs(b!.box.top - a!.box.top - 40)).toBeLessThan(3)
    // the eyes lie in the upper half of the box, the right eye (image left) left of the left eye
    const [right, left] = a!.keypoints
    expect(right![0]).toBeLessThan(left![0])
    expect(right![1]).toBeLessThan(a!.box.top + a!.box.height / 2)
  })
})

describe('the crop rule', () => {
  const face: DetectedFace = {
    box: { left: 100, top: 50, width: 40, height: 50 },
    score: 0.9,
    keypoints: [
      [110, 60],
      [130, 70],
      [120, 75],
      [120, 90],
      [100, 65],
      [140, 65],
    ],
  }

  it('is a square of margin × the longer side, centred on the box, kept inside the image', () => {
    expect(faceSquare(face, 400, 300, 1.4)).toEqual({ left: 85, top: 40, side: 70 })
    // near the edge: shifted inside; image smaller than the square: shrunk to fit
    expect(faceSquare({ ...face, box: { ...face.box, left: 0, top: 0 } }, 400, 300, 1.4)).toEqual({
      left: 0,
      top: 0,
      side: 70,
    })
    expect(faceSquare(face, 60, 300, 1.4)).toEqual({ left: 0, top: 45, side: 60 })
  })

  it('with --align, turns the crop by the eye line so that the eyes are level', () => {
    expect(eyeAngle(face)).toBeCloseTo(Math.atan2(10, 20), 10)
    // an image whose columns are numbered: a level crop keeps rows equal, a turned one does not
    const width = 400
    const height = 300
    const data = new Uint8Array(width * height).map((_, i) => (i % width) % 256)
    const image: RawImage = { data, width, height, channels: 1 }
    const level = cropFace(
      image,
      { ...face, keypoints: [[110, 70], [130, 70], ...face.keypoints.slice(2)] },
      { margin: 1.4, align: true, faceIndex: 0 },
    )
    const plain = cropFace(image, face, { margin: 1.4, align: false, faceIndex: 0 })
    expect(level.width).toBe(70)
    expect(plain.data[0]).toBe(85)
    // level eyes: no turn, every row the same as the first
    expect(level.data.subarray(70 * 35, 70 * 36)).toEqual(level.data.subarray(0, 70))
    const turned = cropFace(image, face, { margin: 1.4, align: true, faceIndex: 0 })
    // turned by +26.6°: going down a column, the source x falls (x = cx + cos·dx − sin·dy)
    expect(turned.data[70 * 60 + 35]!).toBeLessThan(turned.data[70 * 10 + 35]!)
  })
})
