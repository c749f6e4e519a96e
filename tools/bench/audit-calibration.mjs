#!/usr/bin/env node
// Calibration of the duplicate audit's near-duplicate rule (`datasets audit`): on generated pairs,
// how many copies of one picture it finds (recall) and how many pairs of different faces it
// reports (false pairs). Build first (`npm run tools`).
//
//   node tools/bench/audit-calibration.mjs [--faces 300] [--max-distance D] [--min-similarity S]
//
// Originals: --faces realistic synthetic faces (tools/fixtures/synthFace.ts: one layout, smooth
// shading, per-person shapes and tones) and --faces band faces of the fixture generator
// (tools/fixtures/imageFixture.ts bandFace), all 48×48 gray.
// Copies that must be found, of every original: JPEG re-encoded at quality 50, 75, 95; brightness
// and contrast ±10 %; shifted 1 and 2 px (and 2 px diagonally); rescaled 0.9 and 1.1 about the
// centre; JPEG 60 + brightness + shift combined; and a mirrored copy (its own kind).
// Pairs that must not be found: every pair of different originals of one generator
// (faces·(faces − 1)/2 each).
// Printed per measure: dHash distance and similarity quantiles of copies and of different faces;
// then recall per copy kind and false pairs for the old rule (dHash ≤ 10) and the audit's rule
// (candidates dHash ≤ max distance, confirmed by similarity ≥ min similarity), using the same
// functions as the audit (dist/audit/imageSignature.js, dist/audit/nearDuplicates.js).
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bandFace, copiesOf, seededRandom, synthFace } from './lib/audit-pairs.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const { imageViews, hamming } = await import(path.join(ROOT, 'dist/audit/imageSignature.js'))
const { NearDuplicateIndex, NEAR_MAX_DISTANCE, NEAR_MIN_SIMILARITY } = await import(
  path.join(ROOT, 'dist/audit/nearDuplicates.js')
)

const faces = Number(opt('faces', '300'))
const maxDistance = Number(opt('max-distance', String(NEAR_MAX_DISTANCE)))
const minSimilarity = Number(opt('min-similarity', String(NEAR_MIN_SIMILARITY)))
const gray = (g) => ({ data: g.data, width: g.width, height: g.height, channels: 1 })

const started = Date.now()
console.log(
  `load ${os.loadavg()[0].toFixed(2)}; ${faces} faces per generator; max distance ${maxDistance}, min similarity ${minSimilarity}`,
)
const generators = {
  'synthetic faces': (r) => synthFace(r),
  'fixture band faces': (r) => bandFace(r, 48, Math.floor(r() * 7)),
}
const report = {}
for (const [name, make] of Object.entries(generators)) {
  const random = seededRandom(name.length * 7919)
  const originals = Array.from({ length: faces }, () => make(random))
  const analysed = originals.map((g) => imageViews(gray(g)))
  // copies: an index holding the original, then the copy added
  const kinds = {}
  for (let i = 0; i < originals.length; i++) {
    for (const [kind, copy] of Object.entries(await copiesOf(originals[i]))) {
      const index = new NearDuplicateIndex({ maxDistance, minSimilarity })
      index.add(analysed[i].signature, [])
      const c = imageViews(gray(copy))
      const matches = index.add(c.signature, c.views)
      const want = kind.startsWith('mirrored') ? 'mirrored' : 'near'
      kinds[kind] ??= { found: 0, of: 0, foundByOldRule: 0 }
      const k = kinds[kind]
      k.of += 1
      if (matches.some((m) => m.kind === want)) k.found += 1
      if (hamming(analysed[i].signature.hash, c.signature.hash) <= 10) k.foundByOldRule += 1
    }
  }
  // different faces: every pair, through the index
  let oldFlood = 0
  for (let i = 0; i < originals.length; i++)
    for (let j = i + 1; j < originals.length; j++)
      if (hamming(analysed[i].signature.hash, analysed[j].signature.hash) <= 10) oldFlood += 1
  const index = new NearDuplicateIndex({ maxDistance, minSimilarity })
  const falsePairs = []
  for (const a of analysed) falsePairs.push(...index.add(a.signature, a.views))
  const pairs = (faces * (faces - 1)) / 2
  console.log(`\n${name}: ${pairs} pairs of different faces`)
  console.log(
    `  old rule (dHash ≤ 10 alone): ${oldFlood} pairs reported (${((100 * oldFlood) / pairs).toFixed(2)} % of all pairs)`,
  )
  console.log(
    `  audit rule: ${index.candidates} candidates, ${falsePairs.filter((m) => m.kind === 'near').length} false near pairs, ${falsePairs.filter((m) => m.kind === 'mirrored').length} false mirrored pairs; similarities ${falsePairs.map((m) => m.similarity.toFixed(3)).join(' ')}`,
  )
  for (const [kind, k] of Object.entries(kinds))
    console.log(`  ${kind.padEnd(40)} found ${k.found}/${k.of} (old rule ${k.foundByOldRule})`)
  const totalCopies = Object.values(kinds).reduce((a, k) => a + k.of, 0)
  const totalFound = Object.values(kinds).reduce((a, k) => a + k.found, 0)
  report[name] = {
    pairs,
    oldRulePairs: oldFlood,
    falsePairs: falsePairs.length,
    candidates: index.candidates,
    copies: totalCopies,
    found: totalFound,
    recall: totalFound / totalCopies,
    precision: totalFound / (totalFound + falsePairs.length),
    kinds,
  }
  console.log(
    `  recall ${totalFound}/${totalCopies}; precision ${(report[name].precision * 100).toFixed(2)} % (copies found / (found + false pairs))`,
  )
}
const summary = {
  maxDistance,
  minSimilarity,
  faces,
  load: os.loadavg()[0],
  wallSeconds: (Date.now() - started) / 1000,
  report,
}
mkdirSync(path.join(ROOT, 'tools', 'bench', 'out'), { recursive: true })
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'audit-calibration.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
)
console.log(
  `\n${JSON.stringify({ ...summary, report: Object.fromEntries(Object.entries(report).map(([k, v]) => [k, { ...v, kinds: undefined }])) })}`,
)
