import { describe, expect, it } from 'vitest'
import { bitCount64, ChunkTable, gridCorrelationAbove } from '../../src/audit/nearDuplicates.js'
import { seededRandom } from '../../src/base/prng.js'

// The candidate index's own parts (src/audit/nearDuplicates.ts): the buckets of one chunk of the hash, whose images
// move as buckets fill, and the early exit of the grid correlation, which must never drop a value at or above its floor.

describe('the buckets of one chunk of the hash', () => {
  it('hold every image of each key in the order added, across bucket moves and table growth, keys interleaved', () => {
    const random = seededRandom(7)
    const table = new ChunkTable()
    const expected = new Map<number, Array<[number, number, number]>>()
    // a few keys with many images (their buckets move many times) among 70,000 keys with one or two (the slots grow twice past 2^16)
    for (let item = 0; item < 90_000; item++) {
      const key = item % 9 === 0 ? Math.floor(random() * 5) : 5 + Math.floor(random() * 70_000) * 57
      const hi = Math.floor(random() * 2 ** 32)
      const lo = Math.floor(random() * 2 ** 32)
      table.add(key, item, hi, lo)
      const list = expected.get(key) ?? []
      list.push([item, hi | 0, lo | 0])
      expected.set(key, list)
    }
    expect(expected.get(0)!.length).toBeGreaterThan(1000)
    // every key compared, the differing ones collected and asserted once (70,000 expect() calls took seconds)
    const same = (a: ReadonlyArray<readonly number[]>, b: ReadonlyArray<readonly number[]>): boolean =>
      a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => v === b[i]![j]))
    const differing = [...expected].filter(([key, list]) => !same(table.entriesOf(key), list)).map(([key]) => key)
    expect(differing).toEqual([])
    expect(expected.size).toBeGreaterThan(40_000) // the keys compared
    expect(table.entriesOf(6)).toEqual([])
  })
})

/** The plain sum of products in cell order, and the length of the cells from 27 on (the first three rows of 9 are before). */
const plainDot = (q: Float32Array, g: Float32Array): number => q.reduce((s, v, i) => s + v * g[i]!, 0)
const tail = (v: Float32Array): number => Math.sqrt(v.slice(27).reduce((s, x) => s + x * x, 0))

describe('the grid correlation with an exact early exit', () => {
  it('returns the plain sum whenever it is at or above the floor; −Infinity only for sums below it', () => {
    const random = seededRandom(11)
    let exits = 0
    for (let trial = 0; trial < 2000; trial++) {
      const q = Float32Array.from({ length: 72 }, () => random() - 0.5)
      const g = Float32Array.from(q, (v) => v + (random() - 0.5) * (trial % 10) * 0.1)
      const r = plainDot(q, g)
      for (const floor of [r - 0.01, r, r + 1e-12, r + 0.01, r + 1]) {
        const got = gridCorrelationAbove(q, 0, tail(q), g, 0, tail(g), floor)
        if (got === -Infinity) {
          exits += 1
          expect(r).toBeLessThan(floor)
        } else expect(got).toBe(r)
      }
    }
    expect(exits).toBeGreaterThan(1000)
  })

  it('at the bound: tails pointing the same way make the bound the value itself, and a floor equal to it still gets it in full', () => {
    const random = seededRandom(13)
    const q = Float32Array.from({ length: 72 }, () => random() - 0.5)
    // the tail of g is twice q's (exact in float32): Cauchy–Schwarz holds with equality there
    const g = Float32Array.from(q, (v, i) => (i < 27 ? random() - 0.5 : 2 * v))
    const r = plainDot(q, g)
    expect(gridCorrelationAbove(q, 0, tail(q), g, 0, tail(g), r)).toBe(r)
    // within the slack (rounding) it is still computed; beyond it, the exit is taken
    expect(gridCorrelationAbove(q, 0, tail(q), g, 0, tail(g), r + 1e-12)).toBe(r)
    expect(gridCorrelationAbove(q, 0, tail(q), g, 0, tail(g), r + 1e-6)).toBe(-Infinity)
    // offsets into longer arrays read the same cells
    const qs = new Float32Array(144)
    qs.set(q, 72)
    const gs = new Float32Array(216)
    gs.set(g, 144)
    expect(gridCorrelationAbove(qs, 72, tail(q), gs, 144, tail(g), r)).toBe(r)
  })
})

describe('the set bits of two 32-bit words', () => {
  it('equals a bit-by-bit count, for every word from the extremes (all set, the sign bit alone) to random ones', () => {
    const naive = (w: number): number => {
      let n = 0
      for (let b = 0; b < 32; b++) n += (w >>> b) & 1
      return n
    }
    const random = seededRandom(17)
    const words = [0, -1, 0x7fffffff, -0x80000000, 0x55555555, -0x55555556, 1, 0x0f0f0f0f]
    for (let i = 0; i < 2000; i++) words.push(Math.floor(random() * 2 ** 32) | 0)
    // every pair compared, the differing ones collected and asserted once (80,000 expect() calls took a second and a half)
    const differing: Array<[number, number]> = []
    for (const x of words)
      for (const y of words.slice(0, 40)) if (bitCount64(x, y) !== naive(x) + naive(y)) differing.push([x, y])
    expect(differing).toEqual([])
    expect(bitCount64(-1, -1)).toBe(64)
  })
})
