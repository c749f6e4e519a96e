import { writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../src/datasets/decode.js'
import { png, tiff } from '../../tools/fixtures/imageFixture.js'
import { tempDir } from '../helpers/cli.js'

const W = 6
const H = 4
const gray = Uint8Array.from({ length: W * H }, (_, i) => (i * 41 + 7) % 256)
const rgb = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 29 + 3) % 256)

/** The JPEG fast path (one sharp pipeline from the file) must give the same pixels as the general path. */
describe('decodeImageFile: JPEG fast path', () => {
  const dir = tempDir()

  it('a gray JPEG comes back as one channel, equal to libvips b-w decoding', async () => {
    const file = path.join(dir, 'gray.jpg')
    await sharp(Buffer.from(gray), { raw: { width: W, height: H, channels: 1 } })
      .jpeg({ quality: 80 })
      .toFile(file)
    const expected = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })
    expect(expected.info.channels).toBe(1)
    const image = await decodeImageFile(file)
    expect({ width: image.width, height: image.height, channels: image.channels }).toEqual({
      width: W,
      height: H,
      channels: 1,
    })
    expect(Array.from(image.data)).toEqual(Array.from(expected.data))
  })

  it('a colour JPEG comes back as three sRGB channels', async () => {
    const file = path.join(dir, 'colour.jpeg')
    await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file)
    const expected = await sharp(file).toColourspace('srgb').raw().toBuffer()
    const image = await decodeImageFile(file)
    expect(image.channels).toBe(3)
    expect(Array.from(image.data)).toEqual(Array.from(expected))
  })

  it('a 16-bit TIFF or a PNG named .jpg still decodes exactly (general path)', async () => {
    const g = { width: W, height: H, data: gray }
    const cases: Array<[string, Uint8Array]> = [
      ['gray16-really.jpg', tiff(g, 'gray16')],
      ['palette-really.jpg', tiff(g, 'palette8')],
      ['png-really.jpeg', await png(g)],
    ]
    for (const [name, bytes] of cases) {
      const file = path.join(dir, name)
      writeFileSync(file, bytes)
      const image = await decodeImageFile(file)
      expect({ name, channels: image.channels }).toEqual({ name, channels: 1 })
      expect(Array.from(image.data)).toEqual(Array.from(gray))
    }
  })

  it('a corrupt .jpg fails with its path', async () => {
    const file = path.join(dir, 'broken.jpg')
    writeFileSync(file, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]))
    await expect(decodeImageFile(file)).rejects.toThrow(file)
  })
})
