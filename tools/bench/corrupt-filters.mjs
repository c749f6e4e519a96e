#!/usr/bin/env node
// The Gaussian blur, motion blur, brightness and contrast corruptions on 981 generated 48×48 gray
// faces (the CK+48 layout of tools/bench/lib/ckplus48.mjs; with --colour, the same faces as
// three-band images, each band tinted), all five severities (4,905 corrupted images per
// corruption), as `ferbench robust` asks for them: corruptBatch over chunks of --chunk images.
// Measured per corruption and round, in one process:
//   this checkout   corruptBatch of this checkout's dist/ (src/robust/convolve.ts, linear.ts)
//   sharp per image the corruption's definition run through sharp, one call per image
//   baseline        with `--baseline DIR` (another built checkout, e.g. a `git worktree add` of a
//                   commit before convolve.ts with `npm ci`): its corruptBatch (stacked tiles
//                   through sharp for blur, motion blur and brightness; contrast per image)
// Rounds alternate the order so load drift hits all; wall and CPU ms (process CPU: sharp's
// threads included) are the medians. Every image of every variant is compared byte for byte with
// "sharp per image"; any difference fails the run. Build first: npm run tools.
//
//   node tools/bench/corrupt-filters.mjs [--rounds 3] [--chunk 256] [--colour] [--baseline DIR]
//                                        [--corruptions gaussian-blur,motion-blur,brightness,contrast]
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { batched, benchFaces, differingImages, loadCorruptBatch, median, timeAlternating } from './lib/corruptBench.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const rounds = Number(opt('rounds', '3'))
const chunk = Number(opt('chunk', '256'))
const baseline = opt('baseline', undefined)
const colour = process.argv.includes('--colour')
const corruptions = opt('corruptions', 'gaussian-blur,motion-blur,brightness,contrast').split(',')
const sharp = createRequire(path.join(ROOT, 'package.json'))('sharp')

const { CORRUPTION_PARAMETERS, corruptionRandom, motionKernel } = await import(
  pathToFileURL(path.join(ROOT, 'dist', 'robust', 'corruptions.js')).href
)
const faces = await benchFaces(sharp)
const { ids } = faces
// --colour: three bands, each tinted differently from the gray face
const images = colour
  ? faces.images.map(({ data: gray }) => {
      const data = new Uint8Array(gray.length * 3)
      for (let i = 0; i < gray.length; i++) {
        data[3 * i] = gray[i]
        data[3 * i + 1] = Math.round(gray[i] * 0.9)
        data[3 * i + 2] = Math.min(255, gray[i] + 12)
      }
      return { data, width: 48, height: 48, channels: 3 }
    })
  : faces.images

/** The corruption's definition through sharp, one image at a time (what corrupt() did before convolve.ts and linear.ts). */
async function viaSharp(image, corruption, severity, id) {
  const { width, height, channels } = image
  const v = CORRUPTION_PARAMETERS[corruption].values[severity - 1]
  let p = sharp(Buffer.from(image.data), { raw: { width, height, channels } })
  if (corruption === 'gaussian-blur') p = p.blur(Math.max(0.6, (v * Math.min(width, height)) / 100))
  else if (corruption === 'motion-blur') {
    const angle = (corruptionRandom(0, corruption, id)() - 0.5) * (Math.PI / 2)
    p = p.convolve(motionKernel(Math.max(2, Math.round((v * Math.min(width, height)) / 100)), angle))
  } else if (corruption === 'brightness') p = p.linear(1, v * 255)
  else {
    const means = []
    for (let c = 0; c < channels; c++) {
      let sum = 0
      for (let i = c; i < image.data.length; i += channels) sum += image.data[i]
      means.push(sum / (width * height))
    }
    p = p.linear(
      new Array(channels).fill(v),
      means.map((m) => m * (1 - v)),
    )
  }
  const { data, info } = await p
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== channels) throw new Error(`sharp gave ${info.channels} channels`)
  return new Uint8Array(data)
}

const mine = await loadCorruptBatch(ROOT)
const theirs = baseline ? await loadCorruptBatch(path.resolve(baseline)) : undefined
console.log(
  `${images.length} ${colour ? 'three-band' : 'gray'} 48×48 images × 5 severities per corruption, chunks of ${chunk}, ${rounds} rounds; ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
let failed = false
for (const corruption of corruptions) {
  const conditions = [1, 2, 3, 4, 5].map((severity) => ({ corruption, severity }))
  const variants = {
    'this checkout': batched(mine, images, ids, conditions, chunk),
    'sharp per image': async () => {
      const out = []
      for (let at = 0; at < images.length; at += chunk) {
        const part = images.slice(at, at + chunk)
        out.push(
          ...(await Promise.all(
            part.map((image, k) =>
              Promise.all(conditions.map(({ severity }) => viaSharp(image, corruption, severity, ids[at + k]))),
            ),
          )),
        )
      }
      return out
    },
    ...(theirs ? { baseline: batched(theirs, images, ids, conditions, chunk) } : {}),
  }
  const { times, results } = await timeAlternating(variants, rounds)
  const reference = results['sharp per image']
  console.log(corruption)
  for (const name of Object.keys(variants)) {
    const differing = differingImages(results[name], reference)
    failed ||= differing > 0
    console.log(
      `  ${name.padEnd(16)} wall ${median(times[name].wallMs).toFixed(0).padStart(6)} ms  cpu ${median(
        times[name].cpuMs,
      )
        .toFixed(0)
        .padStart(
          6,
        )} ms  (walls ${times[name].wallMs.map((t) => t.toFixed(0)).join(', ')})  images differing: ${differing}`,
    )
  }
  if (theirs)
    console.log(
      `  wall ratio this checkout / baseline: ${(median(times['this checkout'].wallMs) / median(times.baseline.wallMs)).toFixed(3)}`,
    )
}
if (failed) {
  console.error('some images differ from sharp')
  process.exit(1)
}
