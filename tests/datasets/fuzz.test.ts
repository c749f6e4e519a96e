import { writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { Fer2013Adapter } from '../../src/datasets/fer2013.js'
import { loadCard } from '../../src/card/load.js'
import { parseCard } from '../../src/card/schema.js'
import { tempDir } from '../helpers/cli.js'

/** Runs `work`; passes when it succeeds or fails with a FerbenchError (a documented exit code), fails on any other error. */
async function onlyFerbenchErrors(work: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (!(error instanceof FerbenchError)) throw new Error(`not a FerbenchError: ${String(error)}`, { cause: error })
    expect(error.message.length).toBeGreaterThan(0)
  }
}

const pixelsOf = (n: number, v: number): string => Array.from({ length: n }, (_, i) => (v + i) % 256).join(' ')

// Pieces a broken fer2013.csv is made of: good and damaged rows, stray quotes, delimiters, BOMs, CR.
const piece = fc.oneof(
  fc.constant('emotion,pixels,Usage'),
  fc.constant('emotion, Usage, pixels'),
  fc.integer({ min: 0, max: 255 }).map((v) => `3,${pixelsOf(2304, v)},PrivateTest`),
  fc
    .tuple(fc.integer({ min: 0, max: 2400 }), fc.integer({ min: 0, max: 255 }))
    .map(([n, v]) => `${n % 9},${pixelsOf(n, v)},PrivateTest`),
  fc.constantFrom(
    '"',
    '""',
    ',',
    ';',
    '\t',
    '\r',
    '\uFEFF',
    '\u0000',
    ' ',
    '-1',
    '256',
    'nan',
    'Training',
    'PublicTest',
    '"3","1 2"',
  ),
  fc.string({ maxLength: 40 }),
)

describe('fuzz: the FER2013 CSV reader never crashes with anything but a FerbenchError', () => {
  it('random files of CSV pieces (200 runs)', async () => {
    const dir = tempDir('ferbench-fuzz-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
          { maxLength: 8 },
        ),
        fc.constantFrom('\n', '\r\n'),
        async (lines, eol) => {
          const file = path.join(dir, `f${n++}.csv`)
          writeFileSync(file, lines.join(eol))
          await onlyFerbenchErrors(async () => {
            const adapter = new Fer2013Adapter(file)
            for await (const sample of adapter.samples('PrivateTest')) {
              const image = await sample.load()
              expect(image.data.length).toBe(48 * 48)
            }
          })
        },
      ),
      { numRuns: 200, seed: 7 },
    )
  })
})

const validCard = {
  input: { height: 48, width: 48, channels: 1, layout: 'NCHW' },
  scale: 'raw255',
  resize: 'bilinear',
  labels: ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'],
  output: 'logits',
}

describe('fuzz: the card parser never crashes with anything but a FerbenchError (exit 5)', () => {
  it('arbitrary JSON values (200 runs)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        try {
          parseCard(raw, 'fuzz.json')
        } catch (error) {
          expect(error).toBeInstanceOf(FerbenchError)
          expect((error as FerbenchError).exitCode).toBe(5)
        }
      }),
      { numRuns: 200, seed: 11 },
    )
  })

  it('valid cards with one field replaced by anything (200 runs)', () => {
    const fields = [
      ...Object.keys(validCard),
      'mean',
      'std',
      'crop',
      'tta',
      'ttaAverage',
      'batch',
      'input.height',
      'input.channels',
      'input.layout',
      'labels.0',
    ]
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything(), (field, value) => {
        const card = structuredClone(validCard) as Record<string, unknown>
        const [a, b] = field.split('.')
        if (b === undefined) card[a!] = value
        else (card[a!] as Record<string, unknown>)[b] = value
        try {
          parseCard(card, 'fuzz.json')
        } catch (error) {
          expect(error).toBeInstanceOf(FerbenchError)
          expect((error as FerbenchError).message).toMatch(/^fuzz.json: invalid model card: /)
        }
      }),
      { numRuns: 200, seed: 13 },
    )
  })

  it('random file contents (200 runs)', async () => {
    const dir = tempDir('ferbench-fuzz-card-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (text) => {
          const file = path.join(dir, `c${n++}.json`)
          writeFileSync(file, text)
          await onlyFerbenchErrors(() => loadCard('model.onnx', { card: file }))
        },
      ),
      { numRuns: 200, seed: 17 },
    )
  })
})
