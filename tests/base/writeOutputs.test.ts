import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../src/base/atomicWrite.js'
import { FerbenchError } from '../../src/base/errors.js'
import { writeOutputs } from '../../src/base/writeOutputs.js'
import { tempDir } from '../helpers/cli.js'

describe('writeOutputs: one failed output loses nothing else', () => {
  it('writeOutputs: the main result first, then each side output; every failure named together (exit 10)', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'afile'), 'x')
    const order: string[] = []
    const write = (name: string, file: string) => () => {
      order.push(name)
      writeFileAtomic(file, name)
    }
    const bad1 = path.join(dir, 'afile', 'p.csv')
    const bad2 = path.join(dir, 'afile', 'r.md')
    const error = await writeOutputs([
      write('main', path.join(dir, 'main.json')),
      write('predictions', bad1),
      undefined,
      write('report', bad2),
      write('html', path.join(dir, 'r.html')),
    ]).catch((e: unknown) => e)
    expect(order).toEqual(['main', 'predictions', 'report', 'html'])
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(10)
    expect((error as FerbenchError).message).toMatch(
      new RegExp(`^2 output files could not be written: ${bad1}: .*; ${bad2}: `),
    )
    expect(readFileSync(path.join(dir, 'main.json'), 'utf8')).toBe('main')
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).toBe('html')
  })
})
