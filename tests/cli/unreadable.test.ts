import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { tempDir } from '../helpers/cli.js'

/**
 * Tests run as root, where chmod 000 does not stop a read: the file system answers EACCES here
 * for any path containing "DENIED", through the same calls ferbench makes (stat, open, openSync).
 */
const denied = (): NodeJS.ErrnoException => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const statSync = ((p: string, ...rest: unknown[]) => {
    if (String(p).includes('DENIED')) throw denied()
    return (fs.statSync as (...a: unknown[]) => unknown)(p, ...rest)
  }) as typeof fs.statSync
  const openSync = ((p: string, ...rest: unknown[]) => {
    if (String(p).includes('DENIED')) throw denied()
    return (fs.openSync as (...a: unknown[]) => unknown)(p, ...rest)
  }) as typeof fs.openSync
  return { ...fs, default: { ...fs, statSync, openSync }, statSync, openSync }
})
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>()
  const open = (async (p: string, ...rest: unknown[]) => {
    if (String(p).includes('DENIED')) throw denied()
    return (fsp.open as (...a: unknown[]) => unknown)(p, ...rest)
  }) as typeof fsp.open
  return { ...fsp, default: { ...fsp, open }, open }
})

const { readFer2013Rows } = await import('../../src/datasets/fer2013Csv.js')
const { decodeImageFile } = await import('../../src/datasets/decode.js')
const { requireModelFile } = await import('../../src/base/inputFile.js')
const { loadCard } = await import('../../src/card/load.js')

async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('an unreadable file (EACCES) is a named error with its documented code, never exit 1', () => {
  const dir = tempDir()
  const file = (name: string): string => {
    const p = path.join(dir, name)
    writeFileSync(p, 'x')
    return p
  }

  it.each([
    [
      'fer2013.csv (exit 3)',
      () => readFer2013Rows(file('DENIED.csv')).next(),
      EXIT_CODES.data.code,
      "permission denied (EACCES) (expected FER2013's fer2013.csv)",
    ],
    [
      'a model file (exit 4)',
      () => requireModelFile(file('DENIED.onnx')),
      EXIT_CODES.model.code,
      'permission denied (EACCES) (expected a model file: .onnx, or a tfjs model.json)',
    ],
    [
      'a card (exit 5)',
      () => loadCard('model.onnx', { card: file('DENIED.json') }),
      EXIT_CODES.card.code,
      'permission denied (EACCES) (expected a model card JSON file)',
    ],
  ] as const)('%s', async (_name, fn, exitCode, message) => {
    const error = await caught(fn)
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(exitCode)
    expect((error as FerbenchError).message).toMatch(/DENIED\.\w+: /)
    expect((error as FerbenchError).message).toContain(message)
  })

  it('an image: a per-sample failure naming the file and the reason', async () => {
    const image = file('DENIED.png')
    await expect(decodeImageFile(image)).rejects.toThrow(`${image}: permission denied (EACCES)`)
  })
})
