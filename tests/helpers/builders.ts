import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { createDeflate, deflateSync } from 'node:zlib'
import { OnnxGraphBuilder } from '../../src/runners/onnxBuilder.js'

/** The oracle's band weights: score k = mean of rows 6k..6k+5 (written from the rule). */
function bandWeights(): Float32Array {
  const w = new Float32Array(48 * 48 * 8)
  for (let p = 0; p < 48 * 48; p++) w[p * 8 + Math.floor(Math.floor(p / 48) / 6)] = 1 / 288
  return w
}

function oracleScores(g: OnnxGraphBuilder, inputShape: ReadonlyArray<number | string>, pixels = 48 * 48): string {
  const x = g.input('image', inputShape)
  const flat = g.node('Flatten', [x], { axis: 1 })
  const w = pixels === 48 * 48 ? bandWeights() : new Float32Array(pixels * 8)
  return g.node('MatMul', [flat, g.weight('bands', [pixels, 8], w)])
}

/** Oracle scores, except NaN for every class whose band mean is below `t` (sqrt of a negative number). */
export function nanModel(t: number): Uint8Array {
  const g = new OnnxGraphBuilder('nan_oracle')
  const s = oracleScores(g, ['N', 1, 48, 48])
  const shifted = g.node('Sub', [s, g.weight('t', [1], Float32Array.of(t))])
  const zeroOrNaN = g.node('Mul', [g.node('Sqrt', [shifted]), g.weight('zero', [1], Float32Array.of(0))])
  const oneOrNaN = g.node('Add', [zeroOrNaN, g.weight('one', [1], Float32Array.of(1))])
  g.output(g.node('Mul', [s, oneOrNaN], {}, 'scores'), ['N', 8])
  return g.build('oracle with NaN for bands below t')
}

/** Oracle scores, except +Inf for every class whose band mean is at most `t` (division by zero). */
export function infModel(t: number): Uint8Array {
  const g = new OnnxGraphBuilder('inf_oracle')
  const s = oracleScores(g, ['N', 1, 48, 48])
  const gate = g.node('Sign', [g.node('Relu', [g.node('Sub', [s, g.weight('t', [1], Float32Array.of(t))])])])
  g.output(g.node('Div', [s, gate], {}, 'scores'), ['N', 8])
  return g.build('oracle with Inf for bands at or below t')
}

/** The oracle with a given input shape (e.g. dynamic height/width, or 3-D). */
export function oracleWithInput(shape: ReadonlyArray<number | string>, pixels = 48 * 48): Uint8Array {
  const g = new OnnxGraphBuilder('shape_oracle')
  const s = oracleScores(g, shape, pixels)
  g.output(g.node('Identity', [s], {}, 'scores'), [shape[0]!, 8])
  return g.build()
}

/** A model with 6 outputs per sample (the card lists 8 labels). */
export function sixOutputModel(): Uint8Array {
  const g = new OnnxGraphBuilder('six')
  const x = g.input('image', ['N', 1, 48, 48])
  const flat = g.node('Flatten', [x], { axis: 1 })
  g.output(g.node('MatMul', [flat, g.weight('w', [48 * 48, 6], new Float32Array(48 * 48 * 6))], {}, 'scores'), ['N', 6])
  return g.build()
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A valid 8-bit gray PNG of these pixels, written by hand (no image library). */
export function grayPng(width: number, height: number, pixels: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // gray
  const raw = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ])
}

/** A small file whose PNG header claims a huge image (60000×60000) with a token of pixel data. */
export function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(60000, 0)
  ihdr.writeUInt32BE(60000, 4)
  ihdr[8] = 8
  ihdr[9] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(100))),
    chunk('IEND', new Uint8Array()),
  ])
}

export function writeModel(dir: string, name: string, bytes: Uint8Array, card?: object): string {
  const file = path.join(dir, name)
  writeFileSync(file, bytes)
  if (card) writeFileSync(`${file}.ferbench.json`, JSON.stringify(card))
  return file
}

/**
 * A valid gray PNG of side × side zero pixels, compressed row by row (a 16000×16000 image is a
 * file of under 1 MB but 256 MB of pixels once decoded: a decompression bomb).
 */
export async function blankPng(side: number): Promise<Buffer> {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(side, 0)
  ihdr.writeUInt32BE(side, 4)
  ihdr[8] = 8
  ihdr[9] = 0
  const deflate = createDeflate({ level: 9 })
  const parts: Buffer[] = []
  deflate.on('data', (b: Buffer) => parts.push(b))
  const done = new Promise((resolve) => deflate.on('end', resolve))
  const row = Buffer.alloc(side + 1)
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve))
  deflate.end()
  await done
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', new Uint8Array()),
  ])
}

/** An SVG document (sharp would rasterise it with librsvg if asked to decode it). */
export const SVG_TEXT =
  '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><rect width="48" height="48" fill="#888"/></svg>\n'

/** The first bytes of a PDF document. */
export const PDF_TEXT = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'

/** `n` bytes of a seeded pattern (mulberry32), different for each seed. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  let a = seed >>> 0
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (t ^ (t >>> 14)) >>> 24
  }
  return out
}
