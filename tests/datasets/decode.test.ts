import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../src/datasets/decode.js'
import { bmp, tiff, webp, png } from '../../tools/fixtures/imageFixture.js'
import { tempDir } from '../helpers/cli.js'

const W = 5
const H = 3
const pixels = Uint8Array.from({ length: W * H }, (_, i) => (i * 37 + 11) % 256)
const gray = { width: W, height: H, data: pixels }

describe('decodeImageFile', () => {
  const dir = tempDir()
  const cases: Array<[string, () => Promise<Uint8Array> | Uint8Array]> = [
    ['gray8.tiff', () => tiff(gray, 'gray8')],
    ['palette.tiff', () => tiff(gray, 'palette8')],
    ['gray16.tiff', () => tiff(gray, 'gray16')],
    ['image.bmp', () => bmp(gray)],
    ['lossless.webp', () => webp(gray)],
    ['image.png', () => png(gray)],
  ]
  for (const [name, make] of cases) {
    it(`${name}: returns the exact gray pixels as one channel`, async () => {
      const file = path.join(dir, name)
      writeFileSync(file, await make())
      const image = await decodeImageFile(file)
      expect({ width: image.width, height: image.height, channels: image.channels }).toEqual({
        width: W,
        height: H,
        channels: 1,
      })
      expect(Array.from(image.data)).toEqual(Array.from(pixels))
    })
  }
  it('a corrupt file fails with its path', async () => {
    const file = path.join(dir, 'broken.jpg')
    writeFileSync(file, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]))
    await expect(decodeImageFile(file)).rejects.toThrow(file)
  })
})
