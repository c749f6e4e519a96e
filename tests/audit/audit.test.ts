import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { auditDataset } from '../../src/audit/auditDataset.js'
import { auditDocumentSchema, type AuditResult } from '../../src/results/auditDocument.js'
import { imageViews, hamming } from '../../src/audit/imageSignature.js'
import { naturalCompare } from '../../src/base/naturalOrder.js'
import { png, put, type GrayImage } from '../../tools/fixtures/imageFixture.js'
import { brightness, contrast, jpegRoundTrip, mirror, rescale, shift } from '../../tools/fixtures/imageTransforms.js'
import { synthFace } from '../../tools/fixtures/synthFace.js'
import { seededRandom } from '../../src/base/prng.js'
import { runCli, runJson, tempDir } from '../helpers/cli.js'

// A FER2013-shaped file of 1,100 realistic synthetic faces (one layout, smooth shading: the kind of
// data on which a perceptual hash alone matches different people), rows 1–900 Training, 901–1000
// PublicTest, 1001–1100 PrivateTest, with planted copies whose answers are known by construction.
const ROWS = 1100
const usageOf = (row: number): string => (row <= 900 ? 'Training' : row <= 1000 ? 'PublicTest' : 'PrivateTest')
/** [original row, copy row, what was done, kind] */
const PLANTED: Array<[number, number, string, 'near' | 'mirrored']> = [
  [100, 950, 'jpeg q60', 'near'],
  [200, 1050, 'shift 2 px', 'near'],
  [300, 1060, 'rescale 1.1', 'near'],
  [400, 1070, 'brightness −10 % and contrast +10 %', 'near'],
  [500, 1080, 'mirrored', 'mirrored'],
  [600, 700, 'shift 1 px diagonally and jpeg q85', 'near'],
]
const EXACT: Array<[number, number]> = [[343, 1017]]
/** The transformation class each planted copy must be reported with (docs/detectors.md): known by construction. */
const CLASS_OF: Record<string, string> = {
  'jpeg q60': 'jpeg/blur',
  'shift 2 px': 'shift',
  'rescale 1.1': 'scale',
  // v·0.9 then (v − 128)·1.1 + 128: the tone curve moves by about 11 gray levels
  'brightness −10 % and contrast +10 %': 'photometric',
  mirrored: 'mirror',
  // √2 px of shift
  'shift 1 px diagonally and jpeg q85': 'shift',
}

let csv: string
let faces: GrayImage[]
let result: AuditResult

beforeAll(async () => {
  const random = seededRandom(48_048)
  faces = Array.from({ length: ROWS + 1 }, () => synthFace(random))
  for (const [a, b] of EXACT) faces[b] = faces[a]!
  const copy: Record<string, (g: GrayImage) => Promise<GrayImage> | GrayImage> = {
    'jpeg q60': (g) => jpegRoundTrip(g, 60),
    'shift 2 px': (g) => shift(g, 2, 0),
    'rescale 1.1': (g) => rescale(g, 1.1),
    'brightness −10 % and contrast +10 %': (g) => contrast(brightness(g, 0.9), 1.1),
    mirrored: (g) => mirror(g),
    'shift 1 px diagonally and jpeg q85': (g) => jpegRoundTrip(shift(g, 1, 1), 85),
  }
  for (const [a, b, what] of PLANTED) faces[b] = await copy[what]!(faces[a]!)
  csv = path.join(tempDir('ferbench-audit-'), 'fer2013.csv')
  const lines = ['emotion,pixels,Usage']
  for (let row = 1; row <= ROWS; row++) lines.push(`${row % 7},${[...faces[row]!.data].join(' ')},${usageOf(row)}`)
  writeFileSync(csv, `${lines.join('\n')}\n`)
  result = await auditDataset({ dataset: 'fer2013', data: csv })
}, 120_000)

describe('datasets audit on realistic faces (FER2013 layout)', () => {
  it('reports exactly the planted exact group, in natural id order (row-343 before row-1017)', () => {
    expect(result.samples).toBe(ROWS)
    expect(result.exactDuplicates).toEqual(
      EXACT.map(([a, b]) => ({
        crossSplit: true,
        items: [
          { split: usageOf(a), id: `row-${a}` },
          { split: usageOf(b), id: `row-${b}` },
        ],
      })),
    )
    expect(result.crossSplitExact).toBe(1)
  })

  it('reports exactly the planted re-saved and mirrored copies, each with the class it was made with, no pair of different faces', () => {
    const got = result.nearDuplicates.map((p) => [p.a.id, p.b.id, p.kind, p.transformation]).sort()
    const want = PLANTED.map(([a, b, what, kind]) => [`row-${a}`, `row-${b}`, kind, CLASS_OF[what]]).sort()
    expect(got).toEqual(want)
    const perClass = new Map<string, number>()
    for (const c of Object.values(CLASS_OF)) perClass.set(c, (perClass.get(c) ?? 0) + 1)
    expect(result.method.nearPairsByTransformation).toEqual({
      mirror: perClass.get('mirror') ?? 0,
      scale: perClass.get('scale') ?? 0,
      shift: perClass.get('shift') ?? 0,
      photometric: perClass.get('photometric') ?? 0,
      'jpeg/blur': perClass.get('jpeg/blur') ?? 0,
    })
    // the shifted copy's alignment in pixels of row-200 (the copy, row-1050, is b): content moved 2 px right
    const shifted = result.nearDuplicates.find((p) => p.b.id === 'row-1050')!
    expect(shifted.alignment?.dxPx).toBeCloseTo(2, 0)
    expect(shifted.alignment?.dyPx).toBeCloseTo(0, 0)
    for (const p of result.nearDuplicates) {
      expect(p.similarity).toBeGreaterThanOrEqual(result.method.nearMinSimilarity)
      expect(p.crossSplit).toBe(p.a.split !== p.b.split)
    }
    expect(result.crossSplitNear).toBe(PLANTED.filter(([a, b]) => usageOf(a) !== usageOf(b)).length)
  })

  it('the old rule (dHash distance ≤ 10 alone) floods on the same faces', () => {
    // independent of the audit: identity dHashes of every pair of the 1,100 images
    const hashes = faces
      .slice(1)
      .map((g) => imageViews({ data: g.data, width: g.width, height: g.height, channels: 1 }).signature.hash)
    let close = 0
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++) if (hamming(hashes[i]!, hashes[j]!) <= 10) close += 1
    expect(close).toBeGreaterThan(100 * (PLANTED.length + EXACT.length))
  })

  it('the same answer whatever the number of view worker threads (views and alignments; 0: on the main thread, 2) and decode concurrency', async () => {
    const serial = await auditDataset({ dataset: 'fer2013', data: csv, viewWorkers: 0, concurrency: 1 })
    const two = await auditDataset({ dataset: 'fer2013', data: csv, viewWorkers: 2, concurrency: 16 })
    expect(serial.nearDuplicates.length).toBe(PLANTED.length)
    expect(two).toEqual(serial)
    expect(result).toEqual(serial)
  })

  it('counts per pair of splits', () => {
    const count = (
      x: string,
      y: string,
    ): { exactGroups: number; nearPairs: number; mirroredPairs: number } | undefined => {
      const e = result.splitPairs.find((p) => p.splits[0] === x && p.splits[1] === y)
      return e && { exactGroups: e.exactGroups, nearPairs: e.nearPairs, mirroredPairs: e.mirroredPairs }
    }
    expect(count('Training', 'PublicTest')).toEqual({ exactGroups: 0, nearPairs: 1, mirroredPairs: 0 })
    expect(count('Training', 'PrivateTest')).toEqual({ exactGroups: 1, nearPairs: 3, mirroredPairs: 1 })
    expect(count('Training', 'Training')).toEqual({ exactGroups: 0, nearPairs: 1, mirroredPairs: 0 })
    expect(result.splitPairs).toHaveLength(3)
  })

  it('the flags tune the rule: --min-similarity 1 drops the shifted, re-encoded copy in Training; --max-distance 0 searches fewer candidates', async () => {
    const pairsOf = (r: AuditResult): string[][] => r.nearDuplicates.map((p) => [p.a.id, p.b.id])
    expect(pairsOf(await auditDataset({ dataset: 'fer2013', data: csv, split: 'Training' }))).toEqual([
      ['row-600', 'row-700'],
    ])
    const strict = await auditDataset({ dataset: 'fer2013', data: csv, split: 'Training', minSimilarity: 1 })
    expect(strict.nearDuplicates).toEqual([])
    expect(strict.method.nearMinSimilarity).toBe(1)
    const blind = await auditDataset({ dataset: 'fer2013', data: csv, split: 'Training', maxDistance: 0 })
    expect(blind.method.nearCandidates).toBeLessThan(strict.method.nearCandidates)
  })

  it('the terminal shows a summary with the closest pairs, not every pair; bad --min-similarity is exit 2', () => {
    const run = runCli([
      'datasets',
      'audit',
      '--dataset',
      'fer2013',
      '--data',
      csv,
      '--split',
      'Training',
      '--top',
      '1',
    ])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/within Training/)
    expect(run.stdout).toMatch(/Closest near pairs \(1 of 1\)/)
    expect(runCli(['datasets', 'audit', '--dataset', 'fer2013', '--data', csv, '--min-similarity', '2']).status).toBe(2)
  })
})

describe('natural id order', () => {
  it('orders digit runs by value', () => {
    expect(['row-1017', 'row-343', 'row-34', 'img10.png', 'img2.png', 'a/b9', 'a/b10'].sort(naturalCompare)).toEqual([
      'a/b9',
      'a/b10',
      'img2.png',
      'img10.png',
      'row-34',
      'row-343',
      'row-1017',
    ])
  })
})

describe('splits and subjects', () => {
  it('FER2013 JPEG folders: PublicTest_/PrivateTest_ file-name prefixes are the splits, as in eval', async () => {
    const root = tempDir('ferbench-audit-kaggle-')
    const face = synthFace(seededRandom(7))
    const other = synthFace(seededRandom(8))
    put(path.join(root, 'test', 'happy', 'PublicTest_00012.png'), await png(face))
    put(path.join(root, 'test', 'sad', 'PrivateTest_00340.png'), await png(face))
    put(path.join(root, 'test', 'sad', 'PrivateTest_00341.png'), await png(other))
    put(path.join(root, 'train', 'happy', 'Training_00001.png'), await png(other))
    const r = await auditDataset({ dataset: 'folder', data: root })
    expect(r.splits).toEqual(['Training', 'PublicTest', 'PrivateTest'])
    expect(r.exactDuplicates).toEqual([
      {
        crossSplit: true,
        items: [
          { split: 'Training', id: 'train/happy/Training_00001.png' },
          { split: 'PrivateTest', id: 'test/sad/PrivateTest_00341.png' },
        ],
      },
      {
        crossSplit: true,
        items: [
          { split: 'PublicTest', id: 'test/happy/PublicTest_00012.png' },
          { split: 'PrivateTest', id: 'test/sad/PrivateTest_00340.png' },
        ],
      },
    ])
  })

  it('CK+48: one picture under two subjects is flagged, with the folds it spans', async () => {
    const root = tempDir('ferbench-audit-ck-')
    const random = seededRandom(11)
    const subjects = ['S010', 'S011', 'S022', 'S034']
    for (const [i, s] of subjects.entries())
      put(path.join(root, 'happy', `${s}_001_0000001${i}.png`), await png(synthFace(random)))
    const shared = synthFace(random)
    put(path.join(root, 'sadness', 'S022_004_00000017.png'), await png(shared))
    put(path.join(root, 'surprise', 'S034_002_00000009.png'), await png(await jpegRoundTrip(shared, 80)))
    const r = await auditDataset({ dataset: 'ckplus', data: root, folds: 4 })
    // folds: subjects sorted S010, S011, S022, S034 → folds 1, 2, 3, 4
    expect(auditDocumentSchema.parse(r)).toStrictEqual(r)
    expect(r.method.folds?.folds).toBe(4)
    expect(r.subjectConflicts).toEqual([
      {
        kind: 'near',
        items: [
          { split: 'all', id: 'S022_004_00000017', subject: 'S022', fold: 3 },
          { split: 'all', id: 'S034_002_00000009', subject: 'S034', fold: 4 },
        ],
        subjects: ['S022', 'S034'],
        crossFold: true,
      },
    ])
    expect(r.warnings.join('\n')).toMatch(/1 picture\(s\) appear under two subject ids; 1 of them in two folds/)
  })

  it('the JSON keeps exactDuplicates, nearDuplicates (pairs), crossSplitExact and crossSplitNear', () => {
    const run = runJson<AuditResult>([
      'datasets',
      'audit',
      '--dataset',
      'fer2013',
      '--data',
      csv,
      '--split',
      'PublicTest',
      '--json',
    ])
    expect(run.status).toBe(0)
    // the document's zod schema holds every field it prints (parsing drops and changes nothing)
    expect(auditDocumentSchema.parse(run.json)).toStrictEqual(run.json)
    expect(Object.keys(run.json)).toEqual(
      expect.arrayContaining(['exactDuplicates', 'nearDuplicates', 'crossSplitExact', 'crossSplitNear']),
    )
    expect(Array.isArray(run.json.nearDuplicates)).toBe(true)
  })
})
