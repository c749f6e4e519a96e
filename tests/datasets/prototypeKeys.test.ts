import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { ownValue } from '../../src/base/textKeys.js'
import { createDataset } from '../../src/datasets/registry.js'
import type { Sample } from '../../src/datasets/types.js'
import { MISSING_GROUP, SliceAccumulator, type SliceMetrics } from '../../src/metrics/slices.js'
import { tempDir } from '../helpers/cli.js'
import { HOSTILE } from '../helpers/hostileNames.js'

// Adapters and slice counting fed Object.prototype's names (and __proto__) as labels, class folders,
// split names, column names and values: each is plain text, or a FerbenchError naming the place.

const EMOTION_FOR = new Map<string, string>(
  HOSTILE.map((name, i) => [name, ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust'][i]!]),
)
const CLASS_MAP = [...EMOTION_FOR].map(([name, emotion]) => `${name}=${emotion}`).join(',')

async function collect(samples: AsyncIterable<Sample>): Promise<Sample[]> {
  const out: Sample[] = []
  for await (const s of samples) out.push(s)
  return out
}

/** Image files need not exist: adapters list samples without decoding them. */
function manifest(dir: string, header: string, rows: string[]): string {
  const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.csv`)
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`)
  return file
}

const hostile = fc.constantFrom(...HOSTILE)

describe('manifest: hostile labels, splits, columns and values', () => {
  const dir = tempDir('ferbench-proto-manifest-')

  it('labels: refused by line without --class-map; mapped as plain text with it (60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 10 }), async (labels) => {
        const file = manifest(
          dir,
          'path,label',
          labels.map((l, i) => `img${i}.png,${l}`),
        )
        let refused: unknown
        try {
          await createDataset('manifest', { data: file })
        } catch (error) {
          refused = error
        }
        expect(refused).toBeInstanceOf(FerbenchError)
        expect((refused as FerbenchError).exitCode).toBe(3)
        expect((refused as FerbenchError).message).toContain(`line 2: label '${labels[0]}' is not an emotion`)

        const adapter = await createDataset('manifest', { data: file, classMap: CLASS_MAP })
        const samples = await collect(adapter.samples('all'))
        expect(samples.map((s) => s.label)).toEqual(labels.map((l) => EMOTION_FOR.get(l)))
        expect([...adapter.labels].sort()).toEqual([...new Set(labels.map((l) => EMOTION_FOR.get(l)!))].sort())
      }),
      { numRuns: 60 },
    )
  })

  it('split values and extra columns: every row in its split, every value under its column (60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(hostile, hostile, fc.oneof(hostile, fc.constant(''))), { minLength: 1, maxLength: 10 }),
        hostile,
        async (rows, column) => {
          const file = manifest(
            dir,
            `path,label,split,${column}`,
            rows.map(([split, , value], i) => `img${i}.png,happy,${split},${value}`),
          )
          const adapter = await createDataset('manifest', { data: file })
          const splits = [...new Set(rows.map(([split]) => split))].sort()
          expect([...adapter.splits()].sort()).toEqual(splits)
          expect(adapter.sliceAttributes?.()).toEqual([column])
          for (const split of splits) {
            const samples = await collect(adapter.samples(split))
            const mine = rows.map((r, i) => ({ r, i })).filter(({ r }) => r[0] === split)
            expect(samples.map((s) => s.id)).toEqual(mine.map(({ i }) => `img${i}.png`))
            for (const [k, s] of samples.entries()) {
              const attributes = await s.attributes!()
              const value = mine[k]!.r[2]
              expect([...attributes]).toEqual(value === '' ? [] : [[column, value]])
            }
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('folder: hostile class and split folder names', () => {
  it('class folders: refused, named, without --class-map; read as plain text with it', async () => {
    const root = tempDir('ferbench-proto-folder-')
    HOSTILE.forEach((name, i) => {
      mkdirSync(path.join(root, name))
      for (let k = 0; k <= i; k++) writeFileSync(path.join(root, name, `x${k}.png`), 'not decoded here')
    })
    let refused: unknown
    try {
      await createDataset('folder', { data: root })
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(FerbenchError)
    expect((refused as FerbenchError).exitCode).toBe(2)
    for (const name of HOSTILE) expect((refused as FerbenchError).message).toContain(name)

    const adapter = await createDataset('folder', { data: root, classMap: CLASS_MAP })
    const samples = await collect(adapter.samples('all'))
    const counts = new Map<string, number>()
    for (const s of samples) counts.set(s.label, (counts.get(s.label) ?? 0) + 1)
    HOSTILE.forEach((name, i) => expect(counts.get(EMOTION_FOR.get(name)!)).toBe(i + 1))
    expect(samples).toHaveLength(21)
  })

  it('split folders: each hostile name is a split holding its own images', async () => {
    const root = tempDir('ferbench-proto-splits-')
    HOSTILE.forEach((name, i) => {
      mkdirSync(path.join(root, name, 'happy'), { recursive: true })
      for (let k = 0; k <= i; k++) writeFileSync(path.join(root, name, 'happy', `x${k}.png`), 'not decoded here')
    })
    const adapter = await createDataset('folder', { data: root })
    expect([...adapter.splits()].sort()).toEqual([...HOSTILE].sort())
    for (const [i, name] of HOSTILE.entries()) {
      const samples = await collect(adapter.samples(name))
      expect(samples.map((s) => s.id).sort()).toEqual(
        Array.from({ length: i + 1 }, (_, k) => `${name}/happy/x${k}.png`).sort(),
      )
    }
  })
})

describe('slices: hostile group values are groups like any other', () => {
  it('every sample counted in its group, also after a JSON round trip and adding saved counts (200 runs)', () => {
    const value = fc.oneof(fc.constantFrom(...HOSTILE.filter((n) => n !== '__proto__')), fc.constant('a'))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(value, { nil: undefined }), fc.nat(1), fc.nat(1)), { maxLength: 40 }),
        hostile.filter((n) => n !== '__proto__'),
        (rows, attribute) => {
          const acc = new SliceAccumulator([attribute], 2, 1)
          const expected = new Map<string, number[][]>()
          for (const [v, truth, predicted] of rows) {
            acc.add(v === undefined ? new Map() : new Map([[attribute, v]]), truth, predicted)
            const group = v ?? MISSING_GROUP
            const m = expected.get(group) ?? [
              [0, 0],
              [0, 0],
            ]
            m[truth]![predicted]! += 1
            expected.set(group, m)
          }
          const check = (metrics: SliceMetrics): void => {
            const slice = ownValue(metrics, attribute)!
            expect(Object.keys(slice.groups).sort()).toEqual([...expected.keys()].sort())
            for (const [group, counts] of expected) expect(ownValue(slice.groups, group)!.counts).toEqual(counts)
            const total = Object.values(slice.groups).reduce((n, g) => n + g.samples, 0)
            expect(total).toBe(rows.length)
          }
          const metrics = acc.metrics(['x', 'y'])
          check(metrics)
          const saved = JSON.parse(JSON.stringify(metrics)) as SliceMetrics
          check(saved)
          const again = new SliceAccumulator([attribute], 2, 1)
          again.addSaved(saved)
          check(again.metrics(['x', 'y']))
        },
      ),
      { numRuns: 200 },
    )
  })
})
