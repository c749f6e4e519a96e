#!/usr/bin/env node
// The low-resolution corruption on 981 generated 48×48 gray faces (the CK+48 layout of
// tools/bench/lib/ckplus48.mjs), all five severities (4,905 corrupted images), as `ferbench robust`
// asks for it: corruptBatch over chunks of 32 images. Measured per round, in one process:
//   this checkout   corruptBatch of this checkout's dist/ (src/robust/lowResolution.ts)
//   sharp per image the corruption's definition run through sharp, two resizes per image
//   baseline        with `--baseline DIR` (another built checkout, e.g. a `git worktree add` of a
//                   commit before lowResolution.ts with `npm ci`): its corruptBatch (stacked tiles
//                   through sharp)
// Rounds alternate the order so load drift hits all; wall and CPU ms (process CPU: sharp's
// threads included) are the medians. Every image of every variant is compared byte for byte with
// "sharp per image"; any difference fails the run. Build first: npm run tools.
//
//   node tools/bench/low-resolution.mjs [--rounds 3] [--baseline DIR] [--chunk 32]
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { batched, benchFaces, differingImages, loadCorruptBatch, median, timeAlternating } from './lib/corruptBench.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '3'))
const chunk = Number(opt('chunk', '32'))
const baseline = opt('baseline', undefined)
const sharp = createRequire(path.join(ROOT, 'package.json'))('sharp')

const { images, ids } = await benchFaces(sharp)
const values = [1.5, 2, 3, 4, 6]
const conditions = values.map((_, k) => ({ corruption: 'low-resolution', severity: k + 1 }))

/** The corruption's definition through sharp, one image at a time (what corrupt() did before lowResolution.ts). */
async function viaSharp(image, v) {
  const { width, height } = image
  const w = Math.max(1, Math.round(width / v))
  const h = Math.max(1, Math.round(height / v))
  const small = await sharp(Buffer.from(image.data), { raw: { width, height, channels: 1 } })
    .resize(w, h, { fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer()
  const back = await sharp(small, { raw: { width: w, height: h, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer()
  return new Uint8Array(back)
}

const variants = {
  'this checkout': batched(await loadCorruptBatch(ROOT), images, ids, conditions, chunk),
  'sharp per image': async () => {
    const out = []
    for (let at = 0; at < images.length; at += chunk) {
      const part = images.slice(at, at + chunk)
      out.push(...(await Promise.all(part.map((image) => Promise.all(values.map((v) => viaSharp(image, v)))))))
    }
    return out
  },
  ...(baseline
    ? { baseline: batched(await loadCorruptBatch(path.resolve(baseline)), images, ids, conditions, chunk) }
    : {}),
}

const { times, results } = await timeAlternating(variants, rounds)
const reference = results['sharp per image']
const compare = (name) => differingImages(results[name], reference)
console.log(
  `low-resolution, ${images.length} images × 5 severities, chunks of ${chunk}, ${rounds} rounds; ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
let failed = false
for (const name of Object.keys(variants)) {
  const differing = name === 'sharp per image' ? 0 : compare(name)
  failed ||= differing > 0
  console.log(
    `${name.padEnd(16)} wall ${median(times[name].wallMs).toFixed(0).padStart(6)} ms  cpu ${median(times[name].cpuMs)
      .toFixed(0)
      .padStart(
        6,
      )} ms  (walls ${times[name].wallMs.map((t) => t.toFixed(0)).join(', ')})  images differing from sharp: ${differing}`,
  )
}
const ratio = (a, b) => (median(times[a].wallMs) / median(times[b].wallMs)).toFixed(3)
console.log(`wall ratio this checkout / sharp per image: ${ratio('this checkout', 'sharp per image')}`)
if (baseline) console.log(`wall ratio this checkout / baseline: ${ratio('this checkout', 'baseline')}`)
if (failed) {
  console.error('some images differ from sharp')
  process.exit(1)
}
