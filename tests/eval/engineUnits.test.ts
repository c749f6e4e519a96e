import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { DatasetDigest, SampleDigests, contentHash, sampleHashes, type SampleIdentity } from '../../src/identity/datasetDigest.js'
import { FerbenchError } from '../../src/base/errors.js'
import { prefetch } from '../../src/eval/prefetch.js'
import { parseShard, shardOf } from '../../src/eval/shard.js'

/** The documented digest, computed here with BigInt arithmetic from its definition: sum mod 2^256 of sha256(`id\tlabel\tcontent\n`). */
function digestByDefinition(samples: SampleIdentity[]): string {
  let sum = 0n
  for (const { id, label, content } of samples) sum += BigInt(`0x${createHash('sha256').update(`${id}\t${label}\t${content}\n`).digest('hex')}`)
  return (sum % (1n << 256n)).toString(16).padStart(64, '0')
}

describe('dataset digest: sum mod 2^256 of sha256(id\\tlabel\\tcontent\\n)', () => {
  const samples: SampleIdentity[] = Array.from({ length: 50 }, (_, i) => ({ id: `row-${i + 1}`, label: ['anger', 'fear', 'neutral'][i % 3]!, content: createHash('sha256').update(`pixels ${i}`).digest('hex') }))

  it('equals its definition and does not depend on order', () => {
    const a = new DatasetDigest()
    for (const s of samples) a.add(s)
    const b = new DatasetDigest()
    for (const s of [...samples].reverse()) b.add(s)
    expect(a.hex()).toBe(digestByDefinition(samples))
    expect(b.hex()).toBe(a.hex())
    expect(new DatasetDigest().hex()).toBe('0'.repeat(64))
  })

  it('resumes from a stored value and combines disjoint parts into the whole (carries across 32-bit limbs)', () => {
    const first = new DatasetDigest()
    for (const s of samples.slice(0, 20)) first.add(s)
    const resumed = new DatasetDigest(first.hex())
    for (const s of samples.slice(20)) resumed.add(s)
    expect(resumed.hex()).toBe(digestByDefinition(samples))
    const rest = new DatasetDigest()
    for (const s of samples.slice(20)) rest.add(s)
    expect(DatasetDigest.combine([first.hex(), rest.hex()])).toBe(digestByDefinition(samples))
    // wrap-around: (2^256 − 1) + 1 = 0
    expect(DatasetDigest.combine(['f'.repeat(64), `${'0'.repeat(63)}1`])).toBe('0'.repeat(64))
  })

  it('changes when a label or the pixels change; idDigest sees labels only, contentDigest ignores ids', () => {
    const relabelled = samples.map((s, i) => (i === 7 ? { ...s, label: 'happiness' } : s))
    expect(digestByDefinition(relabelled)).not.toBe(digestByDefinition(samples))
    const inverted = samples.map((s, i) => (i === 7 ? { ...s, content: createHash('sha256').update('inverted').digest('hex') } : s))
    expect(digestByDefinition(inverted)).not.toBe(digestByDefinition(samples))
    const digests = (list: SampleIdentity[]): ReturnType<SampleDigests['fields']> => {
      const d = new SampleDigests()
      for (const s of list) d.add(sampleHashes(s))
      return d.fields()
    }
    const base = digests(samples)
    expect(base.digest).toBe(digestByDefinition(samples))
    expect(digests(inverted).idDigest).toBe(base.idDigest)
    expect(digests(inverted).contentDigest).not.toBe(base.contentDigest)
    const renumbered = samples.map((s, i) => ({ ...s, id: `row-${1000 + i}` }))
    expect(digests(renumbered).contentDigest).toBe(base.contentDigest)
    expect(digests(renumbered).digest).not.toBe(base.digest)
  })

  it('hashes decoded pixels with their shape', () => {
    const data = Uint8Array.from({ length: 6 }, (_, i) => i * 40)
    const expected = createHash('sha256').update('3x2x1\n').update(data).digest('hex')
    expect(contentHash({ width: 3, height: 2, channels: 1, data })).toBe(expected)
    expect(contentHash({ width: 2, height: 3, channels: 1, data })).not.toBe(expected)
  })
})

describe('shards: first 4 bytes of sha256(id), big-endian, mod n, plus 1', () => {
  it('matches the documented hash and splits ids into disjoint covering parts', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `row-${i + 1}`)
    for (const id of ids.slice(0, 20)) {
      const h = createHash('sha256').update(id).digest()
      expect(shardOf(id, 7)).toBe((((h[0]! << 24) >>> 0) + (h[1]! << 16) + (h[2]! << 8) + h[3]!) % 7 + 1)
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
