import { writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImageFile } from '../../src/datasets/decode.js'
import { tempDir } from '../helpers/cli.js'

/**
 * libvips keeps one error buffer per process, so concurrent failing decodes used to swap or lose
 * their messages (issue 22, item 8). Each failure must name its own file and its own decoder's error,
 * and be the message the same file gives when decoded alone.
 */
describe('decode errors are isolated under concurrency', () => {
  it('64 truncated PNGs and JPEGs decoded at once (with good images among them): each reason is its own', async () => {
    const dir = tempDir()
    const side = 64
    const noise = Buffer.alloc(side * side * 3)
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 7)) % 251
    const raw = { raw: { width: side, height: side, channels: 3 as const } }
    const pngBytes = await sharp(noise, raw).png().toBuffer()
    const jpegBytes = await sharp(noise, raw).jpeg({ quality: 90 }).toBuffer()
    const files: Array<{ file: string; kind: 'png' | 'jpeg' | 'good' }> = []
    for (let i = 0; i < 64; i++) {
      const kind = i % 8 === 7 ? 'good' : i % 2 === 0 ? 'png' : 'jpeg'
      const bytes = kind === 'jpeg' ? jpegBytes : pngBytes
      const file = path.join(dir, `${kind}-${i}.${kind === 'jpeg' ? 'jpg' : 'png'}`)
      // truncated after the header at varying lengths (30–90 % of the file)
      writeFileSync(
        file,
        kind === 'good' ? bytes : bytes.subarray(0, Math.floor(bytes.length * (0.3 + (0.6 * i) / 64))),
      )
      files.push({ file, kind })
    }
    const reason = (file: string): Promise<string> =>
      decodeImageFile(file).then(
        () => 'decoded',
        (error: unknown) => (error as Error).message,
      )
    const alone: string[] = []
    for (const { file } of files) alone.push(await reason(file))
    for (let round = 0; round < 3; round++) {
      const together = await Promise.all(files.map(({ file }) => reason(file)))
      files.forEach(({ file, kind }, i) => {
        const r = together[i]!
        if (kind === 'good') return expect(r, file).toBe('decoded')
        expect(r.startsWith(`${file}: cannot decode image (`), r).toBe(true)
        // exactly one decoder message, of this file's format
        const detail = r.slice(r.indexOf('(') + 1, -1)
        expect(detail.split('\n').filter((line) => line.trim() !== '').length, r).toBe(1)
        if (kind === 'png') expect(detail, r).toMatch(/png/i)
        if (kind === 'png') expect(detail, r).not.toMatch(/jpeg/i)
        if (kind === 'jpeg') expect(detail, r).toMatch(/jpeg/i)
        if (kind === 'jpeg') expect(detail, r).not.toMatch(/png/i)
        expect(detail, r).not.toContain('failOn')
        expect(r, file).toBe(alone[i])
      })
    }
  })
})
