import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ux } from '@oclif/core'
import { describe, expect, it } from 'vitest'
import { plainJsonText } from '../../src/cli/jsonText.js'
import { FIXTURES } from '../helpers/cli.js'

/** What oclif's logJson prints without a theme: its colorizeJson, pretty, every token as it is. */
const oclifText = (value: unknown): string => ux.colorizeJson(value as object, { pretty: true, theme: undefined })

describe('--json text: the text oclif prints, made without its tokenizer', () => {
  const values: Array<[string, unknown]> = [
    ['empty object', {}],
    ['empty array', []],
    ['numbers', { a: 0, b: -1.5, c: 1e-7, d: 2 ** 64, e: Number.NaN, f: Number.POSITIVE_INFINITY, g: -0 }],
    ['strings', { quote: 'say "hi"', back: 'a\\b', ctl: '\u0000\u001b[31m\t\n', uni: '日本語 \u2028 😀', empty: '' }],
    ['nesting', { a: [[], {}, [1, [2, [3]]], { b: { c: null, d: true, e: false } }], f: undefined }],
    ['array of objects', [{ x: 1 }, { y: [null, 'z'] }]],
    ['toJSON', { when: new Date(Date.UTC(2026, 11, 7)), n: { toJSON: () => 'custom' } }],
    ['an error document', { error: { kind: 'usage', exitCode: 2, message: "--split X: FER2013 splits are 'A', B" } }],
  ]
  for (const [name, value] of values) {
    it(`${name}: byte for byte`, () => {
      expect(plainJsonText(value, undefined)).toBe(oclifText(value))
    })
  }

  it('a whole eval document: byte for byte', () => {
    // a committed document of the repository (any large one with nested arrays and long strings)
    const file = path.join(FIXTURES, '..', 'schemas', 'eval.schema.json')
    const doc = JSON.parse(readFileSync(file, 'utf8')) as object
    expect(plainJsonText(doc, undefined)).toBe(oclifText(doc))
    expect(plainJsonText(doc, undefined)!.length).toBeGreaterThan(1000)
  })

  it('leaves to oclif a themed config, and what is not an object or array', () => {
    expect(plainJsonText({ a: 1 }, { key: 'blue' })).toBeUndefined()
    expect(plainJsonText('{"a":1}', undefined)).toBeUndefined()
    expect(plainJsonText(3, undefined)).toBeUndefined()
    expect(plainJsonText(null, undefined)).toBeUndefined()
  })
})
