// Shared by the corruption benchmarks (tools/bench/corrupt-filters.mjs, low-resolution.mjs): the
// bench's 981 generated CK+48 faces, a checkout's built corruptBatch, corruptBatch run over chunks
// as `ferbench robust` runs it, the alternating timing loop and the byte-for-byte comparison.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ckplus48 } from './ckplus48.mjs'
import { ROOT } from './cli.mjs'

/** corruptBatch from a built checkout (its dist/). */
export async function loadCorruptBatch(dir) {
  const file = path.join(dir, 'dist', 'robust', 'corruptBatch.js')
  if (!existsSync(file)) throw new Error(`${dir}: build first (npm run build)`)
  return (await import(pathToFileURL(file).href)).corruptBatch
}

/** The bench's faces (generated once under tools/bench/out/robust) as 48×48 gray images, and their ids (file names). */
export async function benchFaces(sharp) {
  const folder = ckplus48(path.join(ROOT, 'tools', 'bench', 'out', 'robust'))
  const files = readdirSync(folder)
    .sort()
    .flatMap((d) =>
      readdirSync(path.join(folder, d))
        .sort()
        .filter((f) => f.endsWith('.png'))
        .map((f) => path.join(folder, d, f)),
    )
  const images = []
  for (const f of files)
    images.push({
      data: new Uint8Array(await sharp(f).greyscale().raw().toBuffer()),
      width: 48,
      height: 48,
      channels: 1,
    })
  return { images, ids: files.map((f) => path.basename(f)) }
}

/** A run of corruptBatch over `images` in chunks of `chunk`: every corrupted image's pixels, image by image. */
export const batched = (corruptBatch, images, ids, conditions, chunk) => async () => {
  const out = []
  for (let at = 0; at < images.length; at += chunk) {
    const cells = await corruptBatch(images.slice(at, at + chunk), ids.slice(at, at + chunk), conditions, 0)
    for (const row of cells)
      out.push(
        row.map((cell) => {
          if (!('image' in cell)) throw cell.error
          return cell.image.data
        }),
      )
  }
  return out
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

/**
 * Runs every variant once per round, in alternating order (ABBA…), timing each run's wall and CPU
 * milliseconds of this process; returns the times per variant and each variant's last result.
 */
export async function timeAlternating(variants, rounds) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, { wallMs: [], cpuMs: [] }]))
  const results = {}
  for (let r = 0; r < rounds; r++) {
    const order = Object.keys(variants)
    for (const name of r % 2 === 0 ? order : order.reverse()) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      results[name] = await variants[name]()
      times[name].wallMs.push(performance.now() - t0)
      const cpu = process.cpuUsage(c0)
      times[name].cpuMs.push((cpu.user + cpu.system) / 1000)
    }
  }
  return { times, results }
}

/** How many images (rows of conditions) of `rows` differ byte for byte from `reference`'s. */
export function differingImages(rows, reference) {
  let differing = 0
  rows.forEach((row, i) =>
    row.forEach((data, c) => {
      if (!Buffer.from(data).equals(Buffer.from(reference[i][c]))) differing++
    }),
  )
  return differing
}
