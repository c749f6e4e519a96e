import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { readJpegHeader } from '../../src/datasets/jpegHeader.js'

describe('readJpegHeader (the JPEG fast path reads size, progressive flag and orientation itself)', () => {
  it('every prefix of a JPEG gives either nothing or the full header, never a wrong one; random bytes never throw', async () => {
    const rgb = Buffer.alloc(40 * 30 * 3, 77)
    const file = await sharp(rgb, { raw: { width: 40, height: 30, channels: 3 } })
      .jpeg({ progressive: true })
      .withMetadata({ orientation: 8 })
      .toBuffer()
    const full = readJpegHeader(file)
    expect(full).toEqual({ width: 40, height: 30, progressive: true, orientation: 8 })
    let settledAt = -1
    for (let n = 0; n <= Math.min(file.length, 4096); n++) {
      const got = readJpegHeader(file.subarray(0, n))
      if (got === undefined) continue
      expect(got, `prefix of ${n} bytes`).toEqual(full)
      if (settledAt < 0) settledAt = n
    }
    expect(settledAt).toBeGreaterThan(0)
    let seed = 7
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let k = 0; k < 2000; k++) {
      const bytes = Uint8Array.from({ length: 4 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))
      bytes[0] = 0xff
      bytes[1] = 0xd8
      bytes[2] = 0xff
      expect(() => readJpegHeader(bytes)).not.toThrow()
    }
  })
})
