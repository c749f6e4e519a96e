import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { evaluate } from '../../src/engine/evaluate.js'
import { evalSpec } from '../../src/engine/spec.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { grayPng } from '../helpers/builders.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')

describe('eval loop: failed samples are settled as they come, in stream order', () => {
  it('a run of undecodable files is settled one by one (nothing waits for a batch that never fills)', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'img'))
    const lines = ['path,label']
    for (let i = 0; i < 12; i++) {
      const name = `img/${String(i).padStart(2, '0')}.png`
      // samples 0-9 are broken, 10 and 11 are fine
      writeFileSync(path.join(dir, name), i < 10 ? `broken ${i}` : grayPng(48, 48, new Uint8Array(48 * 48).fill(i)))
      lines.push(`${name},neutral`)
    }
    const manifest = path.join(dir, 'manifest.csv')
    writeFileSync(manifest, `${lines.join('\n')}\n`)
    const progress: number[] = []
    const result = await evaluate(
      evalSpec({
        model: ORACLE,
        dataset: 'manifest',
        data: manifest,
        batch: 32,
        device: 'cpu',
        extraClasses: 'drop',
        concurrency: 3,
      }),
      { onProgress: (n) => progress.push(n) },
    )
    expect(progress.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(result.failures.map((f) => f.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `img/${String(i).padStart(2, '0')}.png`),
    )
    expect(result.dataset.samples).toBe(2)
    expect(result.complete).toBe(true)
  })
})
