import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  DatasetDigest,
  SampleDigests,
  contentHash,
  sampleHashes,
  type SampleIdentity,
} from '../../src/base/datasetDigest.js'

/** The documented digest, computed here with BigInt arithmetic from its definition: sum mod 2^256 of sha256(`id\tlabel\tcontent\n`). */
function digestByDefinition(samples: SampleIdentity[]): string {
  let sum = 0n
  for (const { id, label, content } of samples)
    sum += BigInt(`0x${createHash('sha256').update(`${id}\t${label}\t${content}\n`).digest('hex')}`)
  return (sum % (1n << 256n)).toString(16).padStart(64, '0')
}

describe('dataset digest: sum mod 2^256 of sha256(id\\tlabel\\tcontent\\n)', () => {
  const samples: SampleIdentity[] = Array.from({ length: 50 }, (_, i) => ({
    id: `row-${i + 1}`,
    label: ['anger', 'fear', 'neutral'][i % 3]!,
    content: createHash('sha256').update(`pixels ${i}`).digest('hex'),
  }))

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
    const inverted = samples.map((s, i) =>
      i === 7 ? { ...s, content: createHash('sha256').update('inverted').digest('hex') } : s,
    )
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
