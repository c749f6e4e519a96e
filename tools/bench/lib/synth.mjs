// Synthetic FER2013-shaped data for the memory and speed benchmarks (seeded, deterministic),
// written under tools/bench/out/ (git-ignored). Shared by tools/bench/memory.mjs, fer2013-vs-raw.mjs, tfjs-eval.mjs and tfjs-workers.mjs.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { deflateSync } from 'node:zlib'

/** FER2013's real split sizes: 28,709 + 3,589 + 3,589 = 35,887 rows. */
export const FER2013_SPLIT_ROWS = { Training: 28709, PublicTest: 3589, PrivateTest: 3589 }

/** The project's seeded PRNG (mulberry32, src/runners/onnxBuilder.ts), from the build. */
import { seededRandom as mulberry32 } from '../../../dist/base/prng.js'

export { mulberry32 }

/** A 48×48 gray image: noise 0–255 with one brighter band of 6 rows (so the oracle's answer varies). */
function image(random) {
  const px = new Uint8Array(48 * 48)
  const band = Math.floor(random() * 8)
  for (let i = 0; i < px.length; i++) {
    const y = Math.floor(i / 48)
    px[i] = Math.floor(random() * (Math.floor(y / 6) === band ? 256 : 200))
  }
  return px
}

/**
 * Writes a 35,887-row fer2013.csv (header emotion,pixels,Usage; rows in the original's order:
 * Training, then PublicTest, then PrivateTest) unless it is already there. Returns its path.
 */
export async function synthFer2013Csv(dir, rows = FER2013_SPLIT_ROWS) {
  mkdirSync(dir, { recursive: true })
  const total = Object.values(rows).reduce((a, b) => a + b, 0)
  const file = path.join(dir, `fer2013-${total}.csv`)
  if (existsSync(file)) return file
  const tmp = `${file}.tmp`
  const out = createWriteStream(tmp)
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)))
  const random = mulberry32(2013)
  await write('emotion,pixels,Usage\n')
  for (const [usage, n] of Object.entries(rows)) {
    for (let i = 0; i < n; i++) await write(`${Math.floor(random() * 7)},${image(random).join(' ')},${usage}\n`)
  }
  await new Promise((r) => out.end(r))
  renameSync(tmp, file)
  return file
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const head = Buffer.alloc(4)
  head.writeUInt32BE(data.length)
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(crc32(body))
  return Buffer.concat([head, body, tail])
}
/** An 8-bit gray PNG, encoded by hand (zlib only). */
export function grayPng(width, height, pixels) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  const raw = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const LABELS = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear']

/**
 * Writes `count` distinct small gray PNGs (48×48) in folders of 1,000 and a manifest.csv
 * (path,label) listing them, unless already there. Returns the manifest path.
 */
export function synthManifest(dir, count = 100_000) {
  const root = path.join(dir, `manifest-${count}`)
  const manifest = path.join(root, 'manifest.csv')
  if (existsSync(manifest)) return manifest
  const random = mulberry32(100_000)
  const lines = ['path,label']
  for (let i = 0; i < count; i++) {
    const folder = `d${String(Math.floor(i / 1000)).padStart(3, '0')}`
    if (i % 1000 === 0) mkdirSync(path.join(root, folder), { recursive: true })
    const rel = `${folder}/${String(i).padStart(6, '0')}.png`
    writeFileSync(path.join(root, rel), grayPng(48, 48, image(random)))
    lines.push(`${rel},${LABELS[Math.floor(random() * 7)]}`)
  }
  writeFileSync(`${manifest}.tmp`, `${lines.join('\n')}\n`)
  renameSync(`${manifest}.tmp`, manifest)
  return manifest
}

export const fileMiB = (file) => statSync(file).size / 2 ** 20

/**
 * Writes `samples` PrivateTest rows of 48×48 blob faces (a bright disc at a random centre with
 * noise, random labels; seed 2013) to `file` unless it is already there; the tfjs benchmarks
 * (tools/bench/tfjs-eval.mjs, tools/bench/tfjs-workers.mjs) evaluate on it. Returns the path.
 */
export function blobFacesCsv(file, samples) {
  if (existsSync(file)) return file
  const random = mulberry32(2013)
  const lines = ['emotion,pixels,Usage']
  for (let i = 0; i < samples; i++) {
    const cx = 20 + random() * 8
    const cy = 20 + random() * 8
    const px = new Array(48 * 48)
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 48; x++) {
        const v = 200 - Math.hypot(x - cx, y - cy) * 4 + (random() - 0.5) * 40
        px[y * 48 + x] = Math.max(0, Math.min(255, Math.round(v)))
      }
    }
    lines.push(`${Math.floor(random() * 7)},${px.join(' ')},PrivateTest`)
  }
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}
