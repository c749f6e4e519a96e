#!/usr/bin/env node
// Calibration of the duplicate audit's near-duplicate rule (`datasets audit`) on realistic faces and their
// re-saves (tools/bench/lib/audit-resaves.mjs says how the faces are made and what each re-save does).
// Build first (`npm run tools`).
//
//   node tools/bench/audit-calibration.mjs [--identities 250] [--seed 21] [--face-api-demo DIR]
//                                          [--max-distance D] [--min-similarity S]
//
// Faces: the 22 real faces of @vladmandic/face-api's demo photos when that package is installed (or
// --face-api-demo names its demo folder; without it the run says so and uses synthetic faces only), and
// --identities synthetic people photographed twice (the second time with another expression).
// Copies that must be found: of every real face and of every person's first picture, one re-save per
// transformation class (photometric, shift, scale, jpeg/blur, mirror, combined), each at its stated strength;
// found = the audit, given the original and then the copy, reports the pair. Class right = the pair's
// transformation is the class the copy was made with (for combined: any class).
// Pairs that must not be found: every pair of different pictures — all pairs among the real faces and the
// synthetic pictures, the two pictures of one person (hard negatives) included; counted through one index
// holding them all, as the audit does.
// Uses the audit's own functions (dist/audit/imageSignature.js, dist/audit/nearDuplicates.js); writes
// tools/bench/out/audit-calibration.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RESAVES, faceApiDemoDir, realFaces, seededRandom, syntheticPairs } from './lib/audit-resaves.mjs'
import { ROOT, opt } from './lib/cli.mjs'

const { imageViews } = await import(path.join(ROOT, 'dist/audit/imageSignature.js'))
const { NearDuplicateIndex, NEAR_MAX_DISTANCE, NEAR_MIN_SIMILARITY } = await import(
  path.join(ROOT, 'dist/audit/nearDuplicates.js')
)

const identities = Number(opt('identities', '250'))
const seed = Number(opt('seed', '21'))
const maxDistance = Number(opt('max-distance', String(NEAR_MAX_DISTANCE)))
const minSimilarity = Number(opt('min-similarity', String(NEAR_MIN_SIMILARITY)))
const demo = faceApiDemoDir(opt('face-api-demo', undefined))
const gray = (g) => ({ data: g.data, width: g.width, height: g.height, channels: 1 })
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN
}

const started = Date.now()
const random = seededRandom(seed)
const real = demo ? await realFaces(demo) : []
if (!demo)
  console.log(
    'real faces: @vladmandic/face-api is not installed (npm install --no-save @vladmandic/face-api@1.7.15, or --face-api-demo DIR): synthetic faces only',
  )
const pairs = await syntheticPairs(random, identities)
console.log(
  `load ${os.loadavg()[0].toFixed(2)}; ${real.length} real faces, ${identities} synthetic people × 2 pictures; max distance ${maxDistance}, min similarity ${minSimilarity}`,
)

// copies: an index holding the original, then the copy added
const originals = [...real.map((g) => ({ g, source: 'real' })), ...pairs.map(([g]) => ({ g, source: 'synthetic' }))]
const classes = {}
const t0 = performance.now()
let copyCount = 0
for (const { g, source } of originals) {
  const original = imageViews(gray(g))
  for (const [name, resave] of Object.entries(RESAVES)) {
    const copy = await resave.make(g, random)
    const c = imageViews(gray(copy))
    const index = new NearDuplicateIndex({ maxDistance, minSimilarity })
    index.add(original.signature)
    const matches = index.add(c.signature, c.views)
    copyCount += 1
    classes[name] ??= { strength: resave.strength, of: 0, found: 0, classRight: 0, real: [0, 0], similarities: [] }
    const k = classes[name]
    k.of += 1
    if (source === 'real') k.real[1] += 1
    const m = matches[0]
    if (!m) continue
    k.found += 1
    if (source === 'real') k.real[0] += 1
    k.similarities.push(m.similarity)
    if (name === 'combined' || m.transformation === name) k.classRight += 1
  }
}
const copiesSeconds = (performance.now() - t0) / 1000

// different pictures: all of them through one index
const different = [
  ...real.map((g, i) => ({ g, who: `real ${i}` })),
  ...pairs.flatMap(([a, b], i) => [
    { g: a, who: `person ${i}` },
    { g: b, who: `person ${i}` },
  ]),
]
const index = new NearDuplicateIndex({ maxDistance, minSimilarity })
const falsePairs = []
const t1 = performance.now()
for (const [i, d] of different.entries()) {
  const v = imageViews(gray(d.g))
  for (const m of index.add(v.signature, v.views))
    falsePairs.push({
      a: m.other,
      b: i,
      samePerson: different[m.other].who === d.who,
      similarity: m.similarity,
      transformation: m.transformation,
    })
}
const differentSeconds = (performance.now() - t1) / 1000
const differentPairs = (different.length * (different.length - 1)) / 2
const hardNegatives = pairs.length
const hardFalse = falsePairs.filter((p) => p.samePerson).length

console.log(`\ncopies (${copyCount}, ${copiesSeconds.toFixed(1)} s):`)
console.log('| class | strength | found | recall | class right | real faces found | similarity q01 |')
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
for (const [name, k] of Object.entries(classes))
  console.log(
    `| ${name} | ${k.strength} | ${k.found} / ${k.of} | ${((100 * k.found) / k.of).toFixed(1)} % | ${k.classRight} / ${k.found} | ${k.real[0]} / ${k.real[1]} | ${q(k.similarities, 0.01).toFixed(4)} |`,
  )
console.log(
  `\ndifferent pictures: ${different.length} (${differentPairs} pairs, of which ${hardNegatives} are one person's two pictures), ${differentSeconds.toFixed(1)} s`,
)
console.log(
  `  reported: ${falsePairs.length} false pairs (${hardFalse} of one person, ${falsePairs.length - hardFalse} of different people); candidates ${index.candidates}, aligned ${index.aligned}`,
)
for (const p of falsePairs.slice(0, 20))
  console.log(
    `    ${different[p.a].who} × ${different[p.b].who}: similarity ${p.similarity.toFixed(4)} (${p.transformation})`,
  )

const summary = {
  seed,
  identities,
  realFaces: real.length,
  maxDistance,
  minSimilarity,
  load: os.loadavg()[0],
  wallSeconds: (Date.now() - started) / 1000,
  classes: Object.fromEntries(
    Object.entries(classes).map(([name, k]) => [
      name,
      {
        strength: k.strength,
        found: k.found,
        of: k.of,
        recall: k.found / k.of,
        classRight: k.classRight,
        realFound: k.real[0],
        realOf: k.real[1],
        similarityQ01: q(k.similarities, 0.01),
      },
    ]),
  ),
  differentPictures: different.length,
  differentPairs,
  hardNegativePairs: hardNegatives,
  falsePairs: falsePairs.length,
  falsePairsOnePerson: hardFalse,
  candidates: index.candidates,
  aligned: index.aligned,
}
mkdirSync(path.join(ROOT, 'tools', 'bench', 'out'), { recursive: true })
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'audit-calibration.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
)
console.log(`\n${JSON.stringify({ ...summary, classes: undefined })}`)
