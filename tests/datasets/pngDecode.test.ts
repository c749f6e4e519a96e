import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { crc32, deflateSync, type ZlibOptions } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { RawImage } from '../../src/base/image.js'
import { seededRandom } from '../../src/base/prng.js'
import { collapseGray, decodeImageFile } from '../../src/datasets/decode.js'
import { DEFAULT_DECODE_LIMITS, DEFAULT_MAX_PIXELS } from '../../src/datasets/decodeLimits.js'
import { decodeSimplePng, MAX_SIMPLE_PNG_BYTES } from '../../src/datasets/pngDecode.js'
import { tempDir } from '../helpers/cli.js'

// The JavaScript PNG path must give exactly what the sharp path gives. The oracle below is the sharp
// path written out (decode.ts before the JavaScript path): a metadata() header pass, then one pipeline
// to 8-bit b-w (gray files) or sRGB with alpha removed, then collapseGray. PNGs are written by an
// encoder in this file (every filter type, chosen per row; IDAT split; zlib levels, strategies and
// window sizes), and by sharp (libpng, adaptive filtering, palette).

type Oracle = { image: RawImage; notes: object } | { error: string }

async function sharpOracle(buffer: Buffer): Promise<Oracle> {
  try {
    const meta = await sharp(buffer, { limitInputPixels: false }).metadata()
    const gray = (meta.space === 'b-w' || meta.space === 'grey16') && (meta.channels ?? 3) <= 2
    let pipeline = sharp(buffer, { limitInputPixels: DEFAULT_MAX_PIXELS })
    pipeline = gray ? pipeline.toColourspace('b-w') : pipeline.removeAlpha().toColourspace('srgb')
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
    if (info.channels !== 1 && info.channels !== 3) return { error: `${info.channels} channels` }
    const image = collapseGray({
      data: new Uint8Array(data),
      width: info.width,
      height: info.height,
      channels: info.channels,
    })
    return { image, notes: { orientationApplied: true } }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

// ---- a PNG encoder: filters applied forwards, written independently of the decoder under test ----

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  if (pa <= pb && pa <= pc) return a
  return pb <= pc ? b : c
}

/** Rows of `samples` (`bpp` bytes a pixel) with filter byte `filterOf(y)` before each, filtered. */
function filterRows(
  samples: Uint8Array,
  width: number,
  height: number,
  bpp: number,
  filterOf: (y: number) => number,
): Buffer {
  const stride = width * bpp
  const out = Buffer.alloc(height * (stride + 1))
  for (let y = 0; y < height; y++) {
    const type = filterOf(y)
    out[y * (stride + 1)] = type
    for (let i = 0; i < stride; i++) {
      const x = samples[y * stride + i]!
      const a = i >= bpp ? samples[y * stride + i - bpp]! : 0
      const b = y > 0 ? samples[(y - 1) * stride + i]! : 0
      const c = y > 0 && i >= bpp ? samples[(y - 1) * stride + i - bpp]! : 0
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][type] ?? 0
      out[y * (stride + 1) + 1 + i] = (x - predictor) & 0xff
    }
  }
  return out
}

function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const body = Buffer.concat([head.subarray(4), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body), 0)
  return Buffer.concat([head.subarray(0, 4), body, crc])
}

function ihdr(width: number, height: number, depth: number, colourType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13)
  data.writeUInt32BE(width, 0)
  data.writeUInt32BE(height, 4)
  data.set([depth, colourType, 0, 0, interlace], 8)
  return chunk('IHDR', data)
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

interface Encode {
  width: number
  height: number
  colourType: 0 | 2 | 3
  samples: Uint8Array
  palette?: Uint8Array
  filterOf?: (y: number) => number
  zlib?: ZlibOptions
  /** IDAT data cut into this many chunks (some may be empty). */
  idatParts?: number
  before?: Buffer[]
  after?: Buffer[]
  /** Bytes appended to the zlib stream inside IDAT. */
  zlibTail?: Buffer
}

function encodePng(e: Encode): Buffer {
  const bpp = e.colourType === 2 ? 3 : 1
  const filtered = filterRows(e.samples, e.width, e.height, bpp, e.filterOf ?? (() => 0))
  const z = Buffer.concat([deflateSync(filtered, e.zlib), e.zlibTail ?? Buffer.alloc(0)])
  const parts = e.idatParts ?? 1
  const idat: Buffer[] = []
  for (let k = 0; k < parts; k++)
    idat.push(chunk('IDAT', z.subarray(Math.floor((k * z.length) / parts), Math.floor(((k + 1) * z.length) / parts))))
  return Buffer.concat([
    SIGNATURE,
    ihdr(e.width, e.height, 8, e.colourType),
    ...(e.before ?? []),
    ...(e.palette ? [chunk('PLTE', e.palette)] : []),
    ...idat,
    ...(e.after ?? []),
    chunk('IEND'),
  ])
}

function text(keyword: string, value: string): Buffer {
  return chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'))
}

function phys(): Buffer {
  const d = Buffer.alloc(9)
  d.writeUInt32BE(3780, 0)
  d.writeUInt32BE(3780, 4)
  d[8] = 1
  return chunk('pHYs', d)
}

function time(): Buffer {
  return chunk('tIME', Buffer.from([0x07, 0xea, 12, 6, 23, 59, 30]))
}

/** Samples of a face-like or noisy image: smooth gradients, some noise, a few flat runs. */
function samplesOf(random: () => number, n: number, kind: 'noise' | 'smooth' | 'gray-rgb'): Uint8Array {
  const out = new Uint8Array(n)
  const base = Math.floor(random() * 200)
  for (let i = 0; i < n; i++) {
    if (kind === 'noise') out[i] = Math.floor(random() * 256)
    else out[i] = Math.min(255, base + ((i * 7) % 53) + Math.floor(random() * 12))
  }
  return out
}

const SIZES: ReadonlyArray<[number, number]> = [
  [1, 1],
  [2, 3],
  [3, 2],
  [5, 1],
  [1, 7],
  [37, 53],
  [48, 48],
  [100, 100],
  [300, 200],
]

const dir = tempDir('ferbench-png-')
let fileCount = 0

async function decodeFile(buffer: Buffer, limits = DEFAULT_DECODE_LIMITS): Promise<Oracle> {
  const file = path.join(dir, `f${fileCount++}.png`)
  writeFileSync(file, buffer)
  try {
    const image = await decodeImageFile(file, limits)
    const { notes, ...rest } = image
    return { image: rest, notes: notes ?? {} }
  } catch (error) {
    return { error: (error as Error).message.replace(`${file}: `, '') }
  }
}

function summary(result: Oracle): object {
  if ('error' in result) return result
  const { image, notes } = result
  return {
    width: image.width,
    height: image.height,
    channels: image.channels,
    data: Buffer.from(image.data).toString('base64'),
    notes,
  }
}

/** The JavaScript path takes `buffer` and decodeImageFile gives exactly the oracle's pixels and notes. */
async function expectTakenAndEqual(buffer: Buffer, label: string): Promise<void> {
  const simple = decodeSimplePng(buffer, () => true)
  expect(simple, `${label}: taken by the JavaScript path`).toBeDefined()
  const oracle = await sharpOracle(buffer)
  expect('error' in oracle, `${label}: sharp decodes it`).toBe(false)
  expect(summary(await decodeFile(buffer)), label).toEqual(summary(oracle))
}

/** The JavaScript path leaves `buffer` to sharp, and decodeImageFile gives what the sharp path gives. */
async function expectFallback(buffer: Buffer, label: string): Promise<Oracle> {
  expect(
    decodeSimplePng(buffer, () => true),
    `${label}: left to sharp`,
  ).toBeUndefined()
  const oracle = await sharpOracle(buffer)
  const got = await decodeFile(buffer)
  if ('error' in oracle) {
    expect('error' in got, `${label}: fails as sharp fails`).toBe(true)
    if ('error' in got) expect(got.error, label).toContain(oracle.error.split('\n')[0]!)
  } else expect(summary(got), label).toEqual(summary(oracle))
  return got
}

describe('decodeSimplePng: byte-equal to the sharp path for simple PNGs', () => {
  it('gray, RGB and palette images of every size, each filter type on every row and mixed per row', async () => {
    const random = seededRandom(25)
    let n = 0
    for (const [width, height] of SIZES) {
      for (const colourType of [0, 2, 3] as const) {
        for (const filter of [0, 1, 2, 3, 4, -1]) {
          const bpp = colourType === 2 ? 3 : 1
          const kind = (['noise', 'smooth', 'gray-rgb'] as const)[n % 3]!
          let samples = samplesOf(random, width * height * bpp, kind)
          let palette: Uint8Array | undefined
          if (colourType === 3) {
            const entries = 1 + Math.floor(random() * 256)
            palette = samplesOf(random, entries * 3, 'noise')
            samples = samples.map((v) => v % entries)
          }
          if (colourType === 2 && kind === 'gray-rgb') {
            // R = G = B: collapsed to one channel after decoding
            for (let i = 0; i < samples.length; i += 3) samples[i + 1] = samples[i + 2] = samples[i]!
          }
          const filterOf = filter >= 0 ? () => filter : () => Math.floor(random() * 5)
          const png = encodePng({ width, height, colourType, samples, ...(palette ? { palette } : {}), filterOf })
          await expectTakenAndEqual(png, `${width}×${height} type ${colourType} filter ${filter}`)
          n++
        }
      }
    }
    expect(n).toBe(SIZES.length * 3 * 6)
  })

  it('a palette of gray entries becomes one channel, a palette of 256 colours three', async () => {
    const random = seededRandom(3)
    const grayPalette = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3))
    const samples = samplesOf(random, 30 * 20, 'noise')
    await expectTakenAndEqual(
      encodePng({ width: 30, height: 20, colourType: 3, samples, palette: grayPalette, filterOf: (y) => y % 5 }),
      'gray palette',
    )
    const decoded = decodeSimplePng(
      encodePng({ width: 30, height: 20, colourType: 3, samples, palette: grayPalette }),
      () => true,
    )
    expect(decoded?.image.channels).toBe(3)
    expect(decoded?.image.data[3 * 7]).toBe(samples[7])
  })

  it('zlib levels, strategies and window sizes; IDAT split into several chunks, empty ones included', async () => {
    const random = seededRandom(99)
    const options: ZlibOptions[] = [
      { level: 0 },
      { level: 1 },
      { level: 9 },
      { level: 6, strategy: 1 },
      { level: 6, strategy: 2 },
      { level: 6, strategy: 3 },
      { level: 6, strategy: 4 },
      { windowBits: 9 },
      { windowBits: 12, memLevel: 1 },
    ]
    for (const [k, zlib] of options.entries()) {
      for (const parts of [1, 2, 7, 40]) {
        const [width, height] = SIZES[(k + parts) % SIZES.length]!
        const colourType = ([0, 2] as const)[k % 2]!
        const samples = samplesOf(random, width * height * (colourType === 2 ? 3 : 1), 'smooth')
        const png = encodePng({
          width,
          height,
          colourType,
          samples,
          zlib,
          idatParts: parts,
          filterOf: (y) => (y * 3) % 5,
        })
        await expectTakenAndEqual(png, `zlib ${JSON.stringify(zlib)}, ${parts} IDAT`)
      }
    }
  })

  it('tEXt, pHYs and tIME chunks before and after IDAT change nothing', async () => {
    const random = seededRandom(7)
    const samples = samplesOf(random, 48 * 48, 'smooth')
    const png = encodePng({
      width: 48,
      height: 48,
      colourType: 0,
      samples,
      before: [text('Title', 'a face'), phys(), time(), text('Comment', '')],
      after: [text('Software', 'test encoder')],
      filterOf: (y) => y % 5,
    })
    await expectTakenAndEqual(png, 'text chunks')
  })

  it('gAMA, cHRM, sRGB and bKGD (as ImageMagick writes them, and extreme valid values) change nothing', async () => {
    const random = seededRandom(17)
    const u32 = (...values: number[]): Buffer => {
      const b = Buffer.alloc(values.length * 4)
      values.forEach((v, i) => b.writeUInt32BE(v, i * 4))
      return b
    }
    const gama = (v: number): Buffer => chunk('gAMA', u32(v))
    const chrm = (...v: number[]): Buffer => chunk('cHRM', u32(...v))
    const srgb = (intent: number): Buffer => chunk('sRGB', Buffer.from([intent]))
    const bkgd = (...bytes: number[]): Buffer => chunk('bKGD', Buffer.from(bytes))
    const standard = chrm(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)
    const dates = [text('date:create', '2026-12-07T00:00:00+00:00'), text('date:modify', '2026-12-07T00:00:00+00:00')]
    const gray = samplesOf(random, 37 * 53, 'smooth')
    const rgb = samplesOf(random, 37 * 53 * 3, 'noise')
    const palette = samplesOf(random, 16 * 3, 'noise')
    const indices = samplesOf(random, 37 * 53, 'noise').map((v) => v % 16)
    const base = { width: 37, height: 53, filterOf: (y: number) => y % 5 }
    const cases: Array<[string, Encode]> = [
      [
        'gray, ImageMagick set',
        { ...base, colourType: 0, samples: gray, before: [gama(45455), standard, bkgd(0, 255), time(), ...dates] },
      ],
      [
        'RGB, ImageMagick set',
        {
          ...base,
          colourType: 2,
          samples: rgb,
          before: [srgb(0), gama(45455), standard, bkgd(0, 255, 0, 255, 0, 255), ...dates],
        },
      ],
      [
        'palette, colour chunks before PLTE',
        { ...base, colourType: 3, samples: indices, palette, before: [gama(45455), srgb(1), standard], after: [] },
      ],
      [
        'gray, extreme values',
        { ...base, colourType: 0, samples: gray, before: [gama(1), srgb(3), chrm(0, 0, 0, 0, 0, 0, 0, 0), bkgd(0, 0)] },
      ],
      [
        'RGB, gAMA 2³¹ − 1, cHRM at its maximum',
        {
          ...base,
          colourType: 2,
          samples: rgb,
          before: [gama(0x7fffffff), chrm(...Array<number>(8).fill(0x7fffffff))],
        },
      ],
      ['gray, gAMA and sRGB that disagree', { ...base, colourType: 0, samples: gray, before: [srgb(2), gama(100000)] }],
    ]
    for (const [label, e] of cases) await expectTakenAndEqual(encodePng(e), label)
    // bKGD of a palette image comes after PLTE: written by hand
    const png = encodePng({ ...base, colourType: 3, samples: indices, palette })
    const idatAt = png.indexOf('IDAT') - 4
    await expectTakenAndEqual(
      Buffer.concat([png.subarray(0, idatAt), bkgd(15), png.subarray(idatAt)]),
      'palette bKGD 15 of 16',
    )
    await expectFallback(
      Buffer.concat([png.subarray(0, idatAt), bkgd(16), png.subarray(idatAt)]),
      'palette bKGD 16 of 16',
    )
    const plteAt = png.indexOf('PLTE') - 4
    await expectFallback(
      Buffer.concat([png.subarray(0, plteAt), bkgd(3), png.subarray(plteAt)]),
      'palette bKGD before PLTE',
    )
    await expectFallback(Buffer.concat([png.subarray(0, idatAt), gama(45455), png.subarray(idatAt)]), 'gAMA after PLTE')
    const fallbacks: Array<[string, Buffer[], Buffer[]?]> = [
      ['gAMA 2³¹', [gama(0x80000000)]],
      ['gAMA short', [chunk('gAMA', Buffer.from([0, 0, 1]))]],
      ['two gAMA', [gama(45455), gama(45455)]],
      ['gAMA after IDAT', [], [gama(45455)]],
      ['sRGB intent 4', [srgb(4)]],
      ['cHRM negative', [chrm(31270, 32900, 64000, 33000, 30000, 60000, 15000, 0xfffffff0)]],
      ['cHRM short', [chunk('cHRM', u32(1, 2, 3, 4, 5, 6, 7))]],
      ['bKGD gray over 255', [bkgd(1, 0)]],
      ['bKGD of RGB length on gray', [bkgd(0, 1, 0, 2, 0, 3)]],
      ['bKGD after IDAT', [], [bkgd(0, 9)]],
    ]
    for (const [label, before, after] of fallbacks)
      await expectFallback(encodePng({ ...base, colourType: 0, samples: gray, before, after: after ?? [] }), label)
    await expectFallback(
      encodePng({ ...base, colourType: 2, samples: rgb, before: [bkgd(0, 1, 1, 2, 0, 3)] }),
      'bKGD RGB over 255',
    )
  })

  it('PNGs written by sharp (libpng): adaptive filtering or none, compression levels, palette', async () => {
    const random = seededRandom(11)
    for (const [width, height] of SIZES) {
      for (const channels of [1, 3] as const) {
        const raw = Buffer.from(samplesOf(random, width * height * channels, channels === 1 ? 'smooth' : 'noise'))
        const input = sharp(raw, { raw: { width, height, channels } })
        const variants = [
          { adaptiveFiltering: true, compressionLevel: 9 },
          { adaptiveFiltering: false, compressionLevel: 6 },
          { adaptiveFiltering: true, compressionLevel: 0 },
          { palette: true, colours: 64, dither: 0 },
        ]
        for (const options of variants) {
          const png = await input.clone().png(options).toBuffer()
          const label = `sharp ${width}×${height}×${channels} ${JSON.stringify(options)}`
          const colourType = png[25]
          if (png[24] === 8 && (colourType === 0 || colourType === 2 || colourType === 3))
            await expectTakenAndEqual(png, label)
          else await expectFallback(png, label)
        }
      }
    }
  })
})

describe('decodeSimplePng: every other PNG goes to sharp, which answers as before', () => {
  const random = seededRandom(5)
  const W = 20
  const H = 12
  const grayPixels = samplesOf(random, W * H, 'smooth')
  const good = (extra: Partial<Encode> = {}): Buffer =>
    encodePng({ width: W, height: H, colourType: 0, samples: grayPixels, filterOf: (y) => y % 5, ...extra })

  /** `png` with the byte at `at` changed. */
  const flipped = (png: Buffer, at: number): Buffer => {
    const copy = Buffer.from(png)
    copy[at] = copy[at]! ^ 0x01
    return copy
  }

  it('the unmodified file is taken (the cases below differ from it by one thing)', async () => {
    await expectTakenAndEqual(good(), 'baseline')
  })

  it('a bad CRC (IHDR, IDAT, tEXt, IEND), a truncated file, bytes after IEND, no IEND', async () => {
    const png = good()
    const idatCrcAt = png.indexOf('IDAT') + 4 + png.readUInt32BE(png.indexOf('IDAT') - 4)
    await expectFallback(flipped(png, 29), 'IHDR CRC')
    await expectFallback(flipped(png, idatCrcAt), 'IDAT CRC')
    await expectFallback(flipped(png, png.length - 1), 'IEND CRC')
    const withText = good({ before: [text('Title', 'x')] })
    await expectFallback(flipped(withText, withText.indexOf('tEXt') + 6), 'tEXt CRC')
    for (const cut of [png.length - 12, idatCrcAt, idatCrcAt - 5, 40, 20])
      await expectFallback(png.subarray(0, cut), `truncated at ${cut}`)
    await expectFallback(Buffer.concat([png, Buffer.from('junk')]), 'after IEND')
  })

  it('16-bit, 1/2/4-bit, gray+alpha, RGBA, interlaced, tRNS, iCCP, sBIT, eXIf, zTXt, an unknown chunk', async () => {
    const header = (depth: number, colourType: number, interlace = 0): Buffer => {
      const png = good()
      return Buffer.concat([png.subarray(0, 8), ihdr(W, H, depth, colourType, interlace), png.subarray(33)])
    }
    await expectFallback(
      await sharp(Buffer.from(grayPixels), { raw: { width: W, height: H, channels: 1 } })
        .png({ progressive: true })
        .toBuffer(),
      'interlaced (sharp)',
    )
    await expectFallback(
      await sharp(Buffer.from(grayPixels), { raw: { width: W, height: H, channels: 1 } })
        .toColourspace('grey16')
        .png()
        .toBuffer(),
      '16-bit (sharp)',
    )
    const rgba = Buffer.from(samplesOf(random, W * H * 4, 'noise'))
    await expectFallback(
      await sharp(rgba, { raw: { width: W, height: H, channels: 4 } })
        .png()
        .toBuffer(),
      'RGBA (sharp)',
    )
    await expectFallback(
      await sharp(Buffer.from(samplesOf(random, W * H * 2, 'noise')), { raw: { width: W, height: H, channels: 2 } })
        .png()
        .toBuffer(),
      'gray+alpha (sharp)',
    )
    await expectFallback(
      await sharp(rgba, { raw: { width: W, height: H, channels: 4 } })
        .png({ palette: true })
        .toBuffer(),
      'palette with tRNS (sharp)',
    )
    await expectFallback(header(16, 0), '16-bit header on 8-bit data')
    await expectFallback(header(4, 0), '4-bit header')
    await expectFallback(header(8, 0, 1), 'interlace flag')
    await expectFallback(header(8, 4), 'gray+alpha header')
    await expectFallback(good({ before: [chunk('tRNS', Buffer.from([0, 7]))] }), 'gray tRNS')
    await expectFallback(good({ before: [chunk('sBIT', Buffer.from([5]))] }), 'sBIT')
    await expectFallback(good({ before: [chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0', 'latin1'))] }), 'eXIf')
    await expectFallback(
      good({ before: [chunk('zTXt', Buffer.concat([Buffer.from('Title\0\0'), deflateSync('hello')]))] }),
      'zTXt',
    )
    await expectFallback(good({ before: [chunk('prVt', Buffer.from([1, 2, 3]))] }), 'unknown ancillary chunk')
    await expectFallback(good({ before: [text('XML:com.adobe.xmp', '<x/>')] }), 'XMP text')
    await expectFallback(good({ before: [text('Raw profile type exif', 'exif')] }), 'EXIF in text')
    await expectFallback(good({ before: [chunk('tEXt', Buffer.from('\0no keyword'))] }), 'empty keyword')
    await expectFallback(good({ before: [chunk('tIME', Buffer.from([0x07, 0xea, 13, 6, 23, 59, 30]))] }), 'month 13')
    await expectFallback(good({ before: [phys(), phys()] }), 'two pHYs')
    await expectFallback(good({ after: [phys()] }), 'pHYs after IDAT')
    const withProfile = await sharp(Buffer.from(grayPixels), { raw: { width: W, height: H, channels: 1 } })
      .withIccProfile('p3')
      .png()
      .toBuffer()
    expect(withProfile.includes('iCCP')).toBe(true)
    await expectFallback(withProfile, 'iCCP (sharp)')
  })

  it('zlib anomalies: data after the stream, a short stream, a long stream, a bad Adler-32, a bad filter type', async () => {
    await expectFallback(good({ zlibTail: Buffer.from([0, 0, 0]) }), 'bytes after the zlib stream')
    const short = encodePng({ width: W, height: H - 1, colourType: 0, samples: grayPixels })
    await expectFallback(Buffer.concat([short.subarray(0, 8), ihdr(W, H, 8, 0), short.subarray(33)]), 'a row short')
    const long = encodePng({ width: W, height: H + 1, colourType: 0, samples: new Uint8Array(W * (H + 1)) })
    await expectFallback(Buffer.concat([long.subarray(0, 8), ihdr(W, H, 8, 0), long.subarray(33)]), 'a row too many')
    const z = deflateSync(filterRows(grayPixels, W, H, 1, () => 0))
    z[z.length - 1] = z[z.length - 1]! ^ 0xff
    await expectFallback(Buffer.concat([SIGNATURE, ihdr(W, H, 8, 0), chunk('IDAT', z), chunk('IEND')]), 'Adler-32')
    const badFilter = filterRows(grayPixels, W, H, 1, () => 0)
    badFilter[(W + 1) * 3] = 5
    await expectFallback(
      Buffer.concat([SIGNATURE, ihdr(W, H, 8, 0), chunk('IDAT', deflateSync(badFilter)), chunk('IEND')]),
      'filter type 5',
    )
    const split = good({ idatParts: 2 })
    const second = split.lastIndexOf('IDAT') - 4
    await expectFallback(
      Buffer.concat([split.subarray(0, second), text('Title', 'between'), split.subarray(second)]),
      'IDAT chunks not consecutive',
    )
  })

  it('palette anomalies: an index past the palette, no PLTE, PLTE in a gray or RGB image, PLTE after IDAT', async () => {
    const palette = Uint8Array.from({ length: 4 * 3 }, (_, i) => i * 20)
    const indices = grayPixels.map((v) => v % 4)
    await expectTakenAndEqual(
      encodePng({ width: W, height: H, colourType: 3, samples: indices, palette }),
      'palette baseline',
    )
    const past = Uint8Array.from(indices)
    past[17] = 4
    await expectFallback(
      encodePng({ width: W, height: H, colourType: 3, samples: past, palette }),
      'index 4 of 4 entries',
    )
    await expectFallback(encodePng({ width: W, height: H, colourType: 3, samples: indices }), 'no PLTE')
    await expectFallback(good({ palette }), 'PLTE in a gray image')
    const rgb = samplesOf(random, W * H * 3, 'noise')
    await expectFallback(
      encodePng({ width: W, height: H, colourType: 2, samples: rgb, palette }),
      'PLTE in an RGB image',
    )
    await expectFallback(
      encodePng({ width: W, height: H, colourType: 3, samples: indices, after: [chunk('PLTE', palette)], palette }),
      'a second PLTE after IDAT',
    )
  })

  it('a refused or shrunk size goes to sharp: the refusal text is the size check’s, as before', async () => {
    const png = good()
    const refused = await decodeFile(png, { ...DEFAULT_DECODE_LIMITS, maxPixels: 100 })
    expect(refused).toEqual({
      error: `${W}×${H} = ${W * H} pixels is over the pixel limit of 100 (face images are far smaller; raise the limit with --max-pixels); not decoded`,
    })
    expect(await decodeFile(png, { ...DEFAULT_DECODE_LIMITS, maxSide: 15 })).toHaveProperty('error')
    expect(decodeSimplePng(png, (w, h) => w * h <= 100)).toBeUndefined()
    // over the size this path takes: sharp decodes it, to the same pixels
    const side = Math.ceil(Math.sqrt(MAX_SIMPLE_PNG_BYTES + 1))
    const big = encodePng({
      width: side,
      height: side,
      colourType: 0,
      samples: new Uint8Array(side * side).map((_, i) => i % 251),
    })
    await expectFallback(big, 'over MAX_SIMPLE_PNG_BYTES')
  })
})
