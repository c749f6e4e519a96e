import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { prefetch } from '../../src/engine/prefetch.js'
import { parseShard, shardOf } from '../../src/engine/shard.js'

describe('shards: first 4 bytes of sha256(id), big-endian, mod n, plus 1', () => {
  it('matches the documented hash and splits ids into disjoint covering parts', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `row-${i + 1}`)
    for (const id of ids.slice(0, 20)) {
      const h = createHash('sha256').update(id).digest()
      expect(shardOf(id, 7)).toBe(((((h[0]! << 24) >>> 0) + (h[1]! << 16) + (h[2]! << 8) + h[3]!) % 7) + 1)
    }
    const parts = [1, 2, 3, 4].map((i) => ids.filter((id) => shardOf(id, 4) === i))
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(ids.length)
    for (const p of parts) expect(p.length).toBeGreaterThan(40) // roughly balanced: 75 expected each
  })

  it.each(['0/3', '4/3', '1', 'a/b', '2/0', '1/2/3'])('--shard %s is a usage error', (text) => {
    expect(() => parseShard(text)).toThrow(FerbenchError)
    expect(() => parseShard(text)).toThrow(/--shard .*expected i\/n/)
  })

  it('parses i/n', () => expect(parseShard(' 2 / 5 ')).toEqual({ index: 2, count: 5 }))
})

describe('prefetch: a bounded, order-keeping async pipeline', () => {
  async function* numbers(n: number, failAt?: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error(`source broke at ${i}`)
      yield i
    }
  }

  it.each([1, 2, 5, 16])('ahead %i: keeps source order, never more than `ahead` in preparation', async (ahead) => {
    let active = 0
    let maxActive = 0
    const out: number[] = []
    const delays = [7, 1, 4, 0, 9, 2, 3, 8, 5, 6]
    for await (const r of prefetch(numbers(40), ahead, async (i) => {
      active += 1
      maxActive = Math.max(maxActive, active)
      await sleep(delays[i % delays.length]!)
      active -= 1
      if (i === 13) throw new Error('thirteen')
      return i * 2
    })) {
      out.push(r.ok ? r.value : -1)
    }
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => (i === 13 ? -1 : i * 2)))
    expect(maxActive).toBeLessThanOrEqual(ahead)
    if (ahead > 1) expect(maxActive).toBeGreaterThan(1)
  })

  it('a source error surfaces after the items before it', async () => {
    const got: number[] = []
    await expect(
      (async () => {
        for await (const r of prefetch(numbers(10, 6), 4, async (i) => i)) if (r.ok) got.push(r.value)
      })(),
    ).rejects.toThrow('source broke at 6')
    expect(got).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('stopping early closes the source', async () => {
    let closed = false
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i
      } finally {
        closed = true
      }
    }
    for await (const r of prefetch(source(), 3, async (i) => i)) if (r.ok && r.value === 5) break
    expect(closed).toBe(true)
  })
})
