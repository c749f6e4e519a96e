import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ownValue, PROTO_KEY, protoKeyPath, textRecord } from '../../src/base/textKeys.js'
import { parseEmotion } from '../../src/base/emotions.js'
import { HOSTILE } from '../helpers/hostileNames.js'

/** A key: one of the hostile names, an ordinary word, or any string. */
const key = fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom('a', 'b', 'male'), fc.string({ maxLength: 6 }))

describe('textRecord and ownValue: every key, __proto__ included, is an ordinary own key', () => {
  it('stores each key as its own property, reads back the last value per key, and JSON keeps every key (300 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 12 }), (entries) => {
        const expected = new Map<string, number>()
        for (const [k, v] of entries) expected.set(k, v)
        const record = textRecord(entries)
        expect(Object.keys(record).sort()).toEqual([...expected.keys()].sort())
        for (const [k, v] of expected) expect(ownValue(record, k)).toBe(v)
        for (const name of HOSTILE) if (!expected.has(name)) expect(ownValue(record, name)).toBeUndefined()
        // JSON.parse keeps "__proto__" as an own key too: the text round-trips every entry
        const back = JSON.parse(JSON.stringify(record)) as Record<string, number>
        expect(Object.keys(back).sort()).toEqual([...expected.keys()].sort())
        for (const [k, v] of expected) expect(ownValue(back, k)).toBe(v)
      }),
      { numRuns: 300 },
    )
  })

  it('ownValue never answers with what Object.prototype holds', () => {
    for (const name of HOSTILE) expect(ownValue({ a: 1 }, name)).toBeUndefined()
    expect(ownValue({ a: 1 }, 'a')).toBe(1)
    expect(ownValue(undefined, 'a')).toBeUndefined()
  })
})

describe('protoKeyPath finds a __proto__ key anywhere in parsed JSON', () => {
  it('none in JSON without that key; the planted one, by path, in JSON with it (300 runs)', () => {
    const withoutProto = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"'))
    fc.assert(
      fc.property(withoutProto, fc.array(fc.nat(), { maxLength: 6 }), (value, steps) => {
        expect(protoKeyPath(JSON.parse(JSON.stringify(value)))).toBeUndefined()
        // plant {"__proto__": 1} by walking `steps` into the value (objects by key index, arrays by position)
        const doc = JSON.parse(JSON.stringify({ root: value })) as Record<string, unknown>
        let holder: Record<string, unknown> = doc
        let name = 'root'
        let expected = 'root'
        for (const step of steps) {
          const inner: unknown = holder[name]
          if (typeof inner !== 'object' || inner === null) break
          const keys = Array.isArray(inner) ? inner.map((_, i) => String(i)) : Object.keys(inner)
          if (keys.length === 0) break
          const next = keys[step % keys.length]!
          holder = inner as Record<string, unknown>
          name = next
          expected += Array.isArray(inner) ? `[${next}]` : `.${next}`
        }
        const target = holder[name]
        const planted = typeof target === 'object' && target !== null && !Array.isArray(target) ? target : {}
        holder[name] = planted
        Object.defineProperty(planted, PROTO_KEY, { value: 1, enumerable: true, configurable: true, writable: true })
        expect(protoKeyPath(JSON.parse(JSON.stringify(doc)))).toBe(`${expected}.${PROTO_KEY}`)
      }),
      { numRuns: 300 },
    )
  })
})

describe('the emotion vocabulary is a Map', () => {
  it('no hostile name, in any case, is an emotion; the real synonyms still are', () => {
    for (const name of HOSTILE) {
      expect(parseEmotion(name)).toBeUndefined()
      expect(parseEmotion(name.toUpperCase())).toBeUndefined()
      expect(parseEmotion(` ${name} `)).toBeUndefined()
    }
    expect(parseEmotion('Happy')).toBe('happiness')
    expect(parseEmotion('angry')).toBe('anger')
  })
})
