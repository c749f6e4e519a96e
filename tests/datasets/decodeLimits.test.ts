import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../src/datasets/decode.js'
import { decodeLimitsOf, SHRINK_ABOVE_PIXELS, shrinkTarget } from '../../src/datasets/decodeLimits.js'
import { tempDir } from '../helpers/cli.js'

const dir = tempDir()

async function solidPng(
  name: string,
  width: number,
  height: number,
  options: { progressive?: boolean } = {},
): Promise<string> {
  const file = path.join(dir, name)
  const bytes = await sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } },
    limitInputPixels: false,
  })
    .png(options)
    .toBuffer()
  writeFileSync(file, bytes)
  return file
}

/**
 * A real 1×1 PNG whose IHDR (CRC recomputed) then claims width × height: the pixel data is far too
 * short, so only a check of the header's size can refuse it by size (a decode would fail otherwise).
 */
async function headerOnlyPng(name: string, width: number, height: number): Promise<string> {
  const file = path.join(dir, name)
  const bytes = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  )
  // signature (8) | length (4) | 'IHDR' (4) | width (4) | height (4) | 5 bytes | CRC (4)
  bytes.writeUInt32BE(width, 16)
  bytes.writeUInt32BE(height, 20)
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29)
  writeFileSync(file, bytes)
  return file
}

describe('side and aspect limits, from the header', () => {
  it('a 1 × 16,000,000 PNG (under --max-pixels) is refused by its side, then its aspect, with file, size and limit named', async () => {
    const file = await headerOnlyPng('strip.png', 1, 16_000_000)
    await expect(decodeImageFile(file)).rejects.toThrow(
      `${file}: 1×16000000 has a side of 16000000 pixels, over the side limit of 16384 (raise it with --max-side); not decoded`,
    )
    await expect(decodeImageFile(file, decodeLimitsOf({ maxSide: 65_535 }))).rejects.toThrow(
      `${file}: 1×16000000 has a side of 16000000 pixels, over the side limit of 65535`,
    )
    const tall = await headerOnlyPng('tall.png', 100, 5000)
    await expect(decodeImageFile(tall)).rejects.toThrow(
      `${tall}: 100×5000 has an aspect ratio of 50:1, over the aspect limit of 16:1 (raise it with --max-aspect); not decoded`,
    )
  })

  it('a 2000 × 100 PNG is refused by the aspect limit (20:1 over 16:1); --max-aspect 20 decodes it', async () => {
    const file = await solidPng('wide.png', 2000, 100)
    await expect(decodeImageFile(file)).rejects.toThrow(
      `${file}: 2000×100 has an aspect ratio of 20:1, over the aspect limit of 16:1 (raise it with --max-aspect); not decoded`,
    )
    const image = await decodeImageFile(file, decodeLimitsOf({ maxAspect: 20 }))
    expect([image.width, image.height]).toEqual([2000, 100])
  })

  it('a 20,000 × 2,000 PNG is refused by the side limit before its pixel count matters', async () => {
    const file = await headerOnlyPng('long.png', 20_000, 2_000)
    await expect(decodeImageFile(file, decodeLimitsOf({ maxPixels: 268_402_689, maxAspect: 100 }))).rejects.toThrow(
      `${file}: 20000×2000 has a side of 20000 pixels, over the side limit of 16384`,
    )
  })
})

describe('shrink while decoding (only over 4096² pixels, i.e. with --max-pixels raised)', () => {
  it('shrinkTarget keeps the aspect, stays under the bound, and leaves images at or under it alone', () => {
    expect(shrinkTarget(4096, 4096)).toBeUndefined()
    expect(shrinkTarget(640, 490)).toBeUndefined()
    for (const [w, h] of [
      [16000, 16000],
      [65535, 4096],
      [8193, 2049],
    ] as const) {
      const t = shrinkTarget(w, h)!
      expect(t.width * t.height, `${w}×${h}`).toBeLessThanOrEqual(SHRINK_ABOVE_PIXELS)
      expect(Math.abs(t.width / t.height - w / h) / (w / h), `${w}×${h}`).toBeLessThan(0.01)
    }
  })

  it('a 6000 × 3000 PNG with --max-pixels raised decodes shrunk to under 4096² pixels, noted with its stored size', async () => {
    const file = await solidPng('big.png', 6000, 3000)
    await expect(decodeImageFile(file)).rejects.toThrow('over the pixel limit of 16777216')
    const image = await decodeImageFile(file, decodeLimitsOf({ maxPixels: 6000 * 3000 }))
    const expected = shrinkTarget(6000, 3000)!
    expect([image.width, image.height]).toEqual([expected.width, expected.height])
    expect(image.notes).toEqual({ orientationApplied: true, shrunkFrom: { width: 6000, height: 3000 } })
    expect(Array.from(image.data.subarray(0, 3))).toEqual([200, 120, 40])
  })

  it('an interlaced PNG over 4096² pixels is refused (it would be decoded whole), naming the reason', async () => {
    const file = await solidPng('interlaced.png', 6000, 3000, { progressive: true })
    await expect(decodeImageFile(file, decodeLimitsOf({ maxPixels: 6000 * 3000 }))).rejects.toThrow(
      `${file}: 6000×3000 is an interlaced PNG over 16777216 pixels`,
    )
  })

  it('an image at or under 4096² pixels is decoded exactly as stored (no shrink, no note)', async () => {
    const file = await solidPng('normal.png', 300, 200)
    const image = await decodeImageFile(file, decodeLimitsOf({ maxPixels: 268_402_689 }))
    expect([image.width, image.height]).toEqual([300, 200])
    expect(image.notes).toEqual({ orientationApplied: true })
  })
})
