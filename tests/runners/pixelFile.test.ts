import {
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type PixelScale, pixelsToBatch } from '../../src/card/pixelTensor.js'
import { onnxRunnerFactory } from '../../src/runners/onnx.js'
import { closePixelFile, MAX_PIXEL_FILE_BYTES, openPixelFile, PixelSlots } from '../../src/runners/pixelFile.js'
import { seededBytes } from '../helpers/builders.js'
import { FIXTURES, runCliProcess, tempDir } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const CPU = { device: 'cpu' } as const
const PLANE = 48 * 48
const SCALE: PixelScale = { mul: [1], add: [0], channels: 1, plane: PLANE, layout: 'NCHW' }

/** The bytes at `offset` of an open file. */
function readAt(fd: number, offset: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  expect(readSync(fd, out, 0, bytes, offset)).toBe(bytes)
  return out
}

/** Names this process's pixel files left in the folders they are made in (none: each is unlinked at once). */
function leftNames(): string[] {
  const prefix = `ferbench-pixels-${process.pid}-`
  return ['/dev/shm', os.tmpdir()].flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(prefix)) : [],
  )
}

describe('the pixel file between the command and its ONNX runner process (src/runners/pixelFile.ts)', () => {
  it('is a file no folder lists (unlinked as soon as it is open), readable and writable by its owner only', () => {
    const fd = openPixelFile()
    expect(fd).toBeTypeOf('number')
    try {
      const stat = fstatSync(fd!)
      expect(stat.nlink).toBe(0)
      expect(stat.mode & 0o777).toBe(0o600)
      expect(leftNames()).toEqual([])
    } finally {
      closePixelFile(fd!)
    }
  })

  it('writes each batch into a slot of the first batch’s size, reuses a slot once released, refuses what does not fit', () => {
    const fd = openPixelFile()!
    try {
      const slots = new PixelSlots(fd, 25)
      const [a, b, c] = [seededBytes(10, 1), seededBytes(10, 2), seededBytes(7, 3)]
      expect(slots.write(a)).toBe(0)
      expect(slots.write(b)).toBe(10)
      expect(slots.write(c)).toBeUndefined() // a third slot would end past 25 bytes: through the channel
      expect(readAt(fd, 0, 10)).toEqual(a)
      expect(readAt(fd, 10, 10)).toEqual(b)
      slots.release(0)
      expect(slots.write(c)).toBe(0) // the slot released, for a smaller batch too
      expect(readAt(fd, 0, 7)).toEqual(c)
      expect(slots.write(seededBytes(11, 4))).toBeUndefined() // larger than a slot, with slots in use
      expect(slots.write(new Uint8Array(0))).toBeUndefined()
      slots.release(10)
      const d = seededBytes(10, 5)
      expect(slots.write(d)).toBe(10)
      expect(readAt(fd, 10, 10)).toEqual(d)
      expect(slots.fileBytes).toBe(20)
      slots.release(0)
      slots.release(10)
      const e = seededBytes(12, 6) // larger, with every slot free: the slots are laid out again at its size
      expect(slots.write(e)).toBe(0)
      expect(slots.write(seededBytes(12, 7))).toBe(12)
      expect(slots.write(seededBytes(12, 8))).toBeUndefined() // a third would end past 25 bytes
      expect(readAt(fd, 0, 12)).toEqual(e)
      expect(slots.fileBytes).toBe(24)
      expect(new PixelSlots(fd).write(new Uint8Array(MAX_PIXEL_FILE_BYTES + 1))).toBeUndefined() // past the cap at once
    } finally {
      closePixelFile(fd)
    }
  })

  it('writes nothing more after a write fails (a full /dev/shm, a file it cannot write): the caller uses the channel', () => {
    const dir = tempDir('ferbench-pixel-file-')
    const file = path.join(dir, 'read-only')
    writeFileSync(file, '')
    const fd = openSync(file, 'r')
    try {
      const slots = new PixelSlots(fd)
      expect(slots.write(seededBytes(4, 7))).toBeUndefined()
      expect(slots.write(seededBytes(4, 8))).toBeUndefined()
      expect(readFileSync(file)).toHaveLength(0)
    } finally {
      closePixelFile(fd)
    }
  })

  it('carries a runner process’s pixel batches: scores bit for bit as a main-thread session, many calls in flight, slots reused, larger batches through the channel', async () => {
    const main = await onnxRunnerFactory.create(ORACLE, CPU)
    const remote = await onnxRunnerFactory.create(ORACLE, { ...CPU, offThread: true })
    try {
      if (process.platform === 'linux') {
        // the runner process holds it as its descriptor 4, with no name left
        const held = readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .filter((p) => {
            try {
              return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(process.pid)
            } catch {
              return false
            }
          })
          .flatMap((p) => {
            try {
              return [readlinkSync(`/proc/${p}/fd/4`)]
            } catch {
              return []
            }
          })
        expect(held.some((link) => /ferbench-pixels-\d+-[0-9a-f]+ \(deleted\)$/.test(link))).toBe(true)
      }
      expect(remote.runPixels).toBeTypeOf('function')
      // the first batch sets the slot size (5 rows): the 8-row batches go through the IPC channel
      const sizes = [5, 1, 8, 3, 8, 2, 5, 4, ...Array.from({ length: 40 }, (_, i) => 1 + (i % 5))]
      const batches = sizes.map((n, i) => seededBytes(n * PLANE, 900 + i))
      const got = await Promise.all(
        batches.map((p, i) => remote.runPixels!(p, sizes[i]!, SCALE, [sizes[i]!, 1, 48, 48])),
      )
      for (const [i, p] of batches.entries()) {
        const n = sizes[i]!
        expect(got[i]).toEqual(await main.run(pixelsToBatch(p, n, SCALE, n * PLANE), [n, 1, 48, 48]))
      }
      // a second wave after every slot was released: the same slots again
      const again = await Promise.all(
        batches.slice(0, 10).map((p, i) => remote.runPixels!(p, sizes[i]!, SCALE, [sizes[i]!, 1, 48, 48])),
      )
      for (const [i, scores] of again.entries()) expect(scores).toEqual(got[i])
    } finally {
      await remote.release()
      await main.release()
    }
    expect(leftNames()).toEqual([])
  })

  it('gives the same eval document as the IPC channel alone (FERBENCH_DEBUG_NO_PIXEL_FILE=1), apart from timing', () => {
    const args = ['eval', '--model', ORACLE, '--data', path.join(FIXTURES, 'fer2013', 'fer2013.csv'), '--json']
    const withFile = runCliProcess(args)
    const without = runCliProcess(args, { env: { FERBENCH_DEBUG_NO_PIXEL_FILE: '1' } })
    expect(withFile.status).toBe(0)
    expect(without.status).toBe(0)
    const stable = (stdout: string): unknown => {
      const { createdAt: _c, timing: _t, ...rest } = JSON.parse(stdout) as Record<string, unknown>
      return rest
    }
    expect(stable(withFile.stdout)).toEqual(stable(without.stdout))
    // every sample of the fixture's PrivateTest rows scored either way
    expect((JSON.parse(withFile.stdout) as { predictions: { ids: string[] } }).predictions.ids).toHaveLength(28)
  })
})
