import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../src/datasets/decode.js'
import { decodeLimitsOf } from '../../src/datasets/decodeLimits.js'
import { DecodeTally } from '../../src/datasets/decodeTally.js'
import { readJpegHeader } from '../../src/datasets/jpegHeader.js'
import { tempDir } from '../helpers/cli.js'

const dir = tempDir()

/** A 32×16 JPEG (quality 100, no chroma subsampling): left half red, right half blue, with the given EXIF orientation. */
async function halves(orientation: number): Promise<string> {
  const W = 32
  const H = 16
  const rgb = Buffer.alloc(W * H * 3)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) rgb.set(x < W / 2 ? [255, 0, 0] : [0, 0, 255], (y * W + x) * 3)
  const file = path.join(dir, `halves-${orientation}.jpg`)
  writeFileSync(
    file,
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .withMetadata({ orientation })
      .toBuffer(),
  )
  return file
}

const at = (img: { data: Uint8Array; width: number }, x: number, y: number): number[] =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3))

describe('EXIF orientation', () => {
  it('orientation 6 (a phone held upright): the stored 32×16 left-red/right-blue image comes out 16×32, red on top', async () => {
    const file = await halves(6)
    const image = await decodeImageFile(file)
    expect([image.width, image.height, image.channels]).toEqual([16, 32, 3])
    // rotating 90° clockwise puts the stored left half (red) on top and the right half (blue) below
    for (const [x, y] of [
      [2, 2],
      [13, 12],
    ] as const) {
      const [r, g, b] = at(image, x, y)
      expect(r! > 230 && g! < 25 && b! < 25, `red at ${x},${y}: ${[r, g, b]}`).toBe(true)
    }
    for (const [x, y] of [
      [2, 20],
      [13, 29],
    ] as const) {
      const [r, g, b] = at(image, x, y)
      expect(r! < 25 && g! < 25 && b! > 230, `blue at ${x},${y}: ${[r, g, b]}`).toBe(true)
    }
    expect(image.notes).toEqual({ orientationApplied: true, exifOrientation: 6 })
  })

  it('--ignore-exif-orientation keeps the stored 32×16 pixels, and notes the tag as not applied', async () => {
    const file = await halves(6)
    const image = await decodeImageFile(file, decodeLimitsOf({ ignoreExifOrientation: true }))
    expect([image.width, image.height]).toEqual([32, 16])
    expect(at(image, 2, 8)[0]).toBeGreaterThan(230)
    expect(at(image, 29, 8)[2]).toBeGreaterThan(230)
    expect(image.notes).toEqual({ orientationApplied: false, exifOrientation: 6 })
  })

  it('every orientation 1–8, PNG and JPEG (baseline and progressive), gives exactly the pixels of sharp’s own autoOrient', async () => {
    const W = 7
    const H = 5
    const rgb = Buffer.alloc(W * H * 3)
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 53 + 17) % 256
    for (const kind of ['png', 'jpg', 'progressive.jpg'] as const)
      for (let orientation = 1; orientation <= 8; orientation++) {
        const file = path.join(dir, `noise-${orientation}.${kind}`)
        const pipeline = sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
        const encoded = kind === 'png' ? pipeline.png() : pipeline.jpeg({ progressive: kind !== 'jpg' })
        writeFileSync(file, await encoded.withMetadata({ orientation }).toBuffer())
        // the JPEG header read in JavaScript agrees with sharp's metadata
        if (kind !== 'png') {
          const meta = await sharp(file).metadata()
          expect(readJpegHeader(readFileSync(file)), file).toEqual({
            width: meta.width,
            height: meta.height,
            progressive: meta.isProgressive,
            ...(meta.orientation !== undefined ? { orientation: meta.orientation } : {}),
          })
        }
        const image = await decodeImageFile(file)
        const expected = await sharp(file).autoOrient().raw().toBuffer({ resolveWithObject: true })
        expect([image.width, image.height], `orientation ${orientation}`).toEqual([
          expected.info.width,
          expected.info.height,
        ])
        expect(Buffer.from(image.data).equals(expected.data), `${kind} orientation ${orientation}`).toBe(true)
      }
  })

  it('an animated WebP gives its first frame; the tally names the file and counts tags', async () => {
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer()
    const blue = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer()
    const file = path.join(dir, 'blink.webp')
    writeFileSync(
      file,
      await sharp([red, blue], { join: { animated: true } })
        .webp({ lossless: true })
        .toBuffer(),
    )
    const image = await decodeImageFile(file)
    expect([image.width, image.height]).toEqual([8, 8])
    expect(at(image, 4, 4)).toEqual([255, 0, 0])
    expect(image.notes).toEqual({ orientationApplied: true, frames: 2 })
    const tally = new DecodeTally()
    tally.add(image, file)
    tally.add(await decodeImageFile(await halves(6)), 'phone.jpg')
    tally.add(await decodeImageFile(await halves(1)), 'upright.jpg')
    expect(tally.summary()).toEqual({ exifOrientation: 'applied', exifOrientationTagged: 1, animated: 1, shrunk: 0 })
    const warnings = tally.warnings()
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^1 image\(s\) carry an EXIF orientation tag/)
    expect(warnings[1]).toContain(`${file} (2 frames)`)
  })
})
