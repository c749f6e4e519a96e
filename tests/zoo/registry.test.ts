import { describe, expect, it } from 'vitest'
import { presetCard } from '../../src/card/presets.js'
import { allClaims } from '../../src/compare/claims.js'
import { ZOO_DATA } from '../../src/zoo/registryData.js'
import { zooEntries } from '../../src/zoo/registry.js'
import { zooEntrySchema } from '../../src/zoo/schema.js'

describe('the model registry (src/zoo/registryData.ts)', () => {
  it('every entry passes its schema, names a built-in preset, and answers only claims that exist', () => {
    expect(zooEntries()).toHaveLength(ZOO_DATA.length)
    const claimIds = new Set(allClaims().map((c) => c.id))
    for (const entry of zooEntries()) {
      expect(presetCard(entry.preset), `${entry.name}: preset ${entry.preset}`).toBeDefined()
      for (const id of entry.claims) expect(claimIds.has(id), `${entry.name}: claim ${id}`).toBe(true)
      expect(entry.files.filter((f) => f.role === 'model')).toHaveLength(1)
    }
  })

  it('names and aliases are unique across the registry', () => {
    const names = zooEntries().flatMap((e) => [e.name, ...e.aliases])
    expect(new Set(names).size).toBe(names.length)
  })

  it('pins the files the issue of record lists (sha256 and bytes)', () => {
    const pins = new Map(zooEntries().flatMap((e) => e.files.map((f) => [f.name, [f.sha256, f.bytes] as const])))
    expect(pins.get('emotion-ferplus-8.onnx')).toEqual([
      'a2a2ba6a335a3b29c21acb6272f962bd3d47f84952aaffa03b60986e04efa61c',
      35_040_571,
    ])
    expect(pins.get('emotion-ferplus-12-int8.onnx')).toEqual([
      '3e47195d79e9593294df9e81a6d296a1e10969b68a717284081c29493a0ff5f1',
      19_300_656,
    ])
    expect(pins.get('facial_expression_recognition_mobilefacenet_2022july.onnx')).toEqual([
      '4f61307602fc089ce20488a31d4e4614e3c9753a7d6c41578c854858b183e1a9',
      4_791_892,
    ])
    // mini-Xception json + bin: 838,496 bytes together
    expect(pins.get('emotion.json')![1] + pins.get('emotion.bin')![1]).toBe(838_496)
  })

  it('the schema refuses an entry without a model file, a non-https URL and a bad hash', () => {
    const good = ZOO_DATA[0]!
    const file = good.files[0]!
    expect(zooEntrySchema.safeParse({ ...good, files: [{ ...file, role: 'weights' }] }).success).toBe(false)
    expect(zooEntrySchema.safeParse({ ...good, files: [{ ...file, url: 'http://x.org/m.onnx' }] }).success).toBe(false)
    expect(zooEntrySchema.safeParse({ ...good, files: [{ ...file, sha256: 'abc' }] }).success).toBe(false)
  })
})
