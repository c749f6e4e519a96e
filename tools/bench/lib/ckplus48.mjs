// 981 generated 48×48 gray faces in the CK+48 layout (class folders of S<subject>_<session>_<frame>.png;
// CK+48's real class sizes: anger 135, contempt 54, disgust 177, fear 75, happy 207, sadness 84,
// surprise 249), seeded, written once under the given folder (git-ignored tools/bench/out/). Faces
// come from the fixtures' face generator (tools/fixtures/synthFace.ts, built by `npm run tools`).
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { synthFace } from '../../dist/tools/fixtures/synthFace.js'
import { grayPng, mulberry32 } from './synth.mjs'

export const CKPLUS48_CLASSES = {
  anger: 135,
  contempt: 54,
  disgust: 177,
  fear: 75,
  happy: 207,
  sadness: 84,
  surprise: 249,
}

/** Writes `<dir>/CK+48` unless it is there; returns its path. */
export function ckplus48(dir) {
  const root = path.join(dir, 'CK+48')
  if (existsSync(root)) return root
  const tmp = `${root}.tmp-${process.pid}`
  const random = mulberry32(48)
  let subject = 10
  for (const [name, count] of Object.entries(CKPLUS48_CLASSES)) {
    mkdirSync(path.join(tmp, name), { recursive: true })
    for (let i = 0; i < count; i++) {
      // three frames per sequence, as CK+48 keeps the last three of each
      const sequence = Math.floor(i / 3)
      if (i % 3 === 0) subject += 1
      const face = synthFace(random, 48)
      const file = `S${String(subject).padStart(3, '0')}_${String(sequence + 1).padStart(3, '0')}_${String(10 + (i % 3)).padStart(8, '0')}.png`
      writeFileSync(path.join(tmp, name, file), grayPng(48, 48, face.data))
    }
  }
  renameSync(tmp, root)
  return root
}
