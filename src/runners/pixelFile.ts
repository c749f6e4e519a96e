import { closeSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The pixel file: how the 8-bit batches of `runPixels` calls reach the ONNX runner process
 * (src/runners/onnxProcess.ts) without going through its IPC channel. The command writes each batch
 * into a slot of a file both processes hold open (`writeSync` at the slot's offset) and sends only
 * the slot's place; the session's worker thread in the runner process reads it back (`readSync`)
 * into a buffer it reuses. Through the channel, each batch was serialized, written to the pipe,
 * read back, copied out of the channel's buffers and made floats by the runner process's main
 * thread, in fresh memory each time: robust's 50,031 rows of the bench took 0.6 s of CPU there
 * (docs/performance.md, "The pixel file").
 *
 * The file is created in /dev/shm (memory) where there is one, else in the temporary folder, with
 * a random name, for its owner only, and unlinked at once: it never outlives the two processes and
 * no other process can open it. The runner process gets it as its descriptor PIXEL_FILE_FD (the
 * `stdio` of its fork). Any failure (no writable folder, a file system that refuses to unlink an
 * open file, a full /dev/shm) leaves the batches to the IPC channel, with the same results.
 */

/** The pixel file's descriptor in the runner process: its fork's `stdio` index. */
export const PIXEL_FILE_FD = 4

/** The most bytes of slots a runner writes into the file; calls beyond go through the IPC channel. */
export const MAX_PIXEL_FILE_BYTES = 64 * 2 ** 20

/**
 * Test hook: FERBENCH_DEBUG_NO_PIXEL_FILE=1 starts runner processes without a pixel file, so every
 * batch goes through the IPC channel (tests/runners/pixelFile.test.ts compares the two). Not a user setting.
 */
const DISABLED = process.env.FERBENCH_DEBUG_NO_PIXEL_FILE === '1'

/** Folders tried for the file, in order: memory first. */
function folders(): string[] {
  const out: string[] = []
  try {
    if (process.platform === 'linux' && statSync('/dev/shm').isDirectory()) out.push('/dev/shm')
  } catch {
    // no /dev/shm: the temporary folder only
  }
  out.push(os.tmpdir())
  return out
}

/** A new pixel file, open for reading and writing and already unlinked; undefined when none can be made. */
export function openPixelFile(): number | undefined {
  if (DISABLED) return undefined
  for (const dir of folders()) {
    // 'wx': created here or not at all (never an existing file or a link planted under the name)
    const unique = `${Date.now().toString(16)}${Math.floor(Math.random() * 2 ** 48).toString(16)}`
    const file = path.join(dir, `ferbench-pixels-${process.pid}-${unique}`)
    let fd: number
    try {
      fd = openSync(file, 'wx+', 0o600)
    } catch {
      continue
    }
    try {
      unlinkSync(file)
      return fd
    } catch {
      // a file system that keeps an open file's name (or lost it meanwhile): not this one
      closeSync(fd)
      try {
        unlinkSync(file)
      } catch {
        // already gone
      }
    }
  }
  return undefined
}

/** Closes a pixel file, ignoring a descriptor already closed. */
export function closePixelFile(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // closed already
  }
}

/**
 * The command's side of a pixel file for one runner: slots of the size of its first batch, each
 * written by write() and free again once its call has returned (release()). A batch larger than a
 * slot while others are in use, or past MAX_PIXEL_FILE_BYTES of slots, is not written (the caller
 * sends it through the channel); with none in use, the slots are laid out again at its size. After
 * a failed write (a full /dev/shm) nothing more is.
 */
export class PixelSlots {
  private slotBytes = 0
  private next = 0
  private readonly free: number[] = []
  private broken = false

  /** `maxBytes`: MAX_PIXEL_FILE_BYTES, or less for a test. */
  constructor(
    readonly fd: number,
    private readonly maxBytes = MAX_PIXEL_FILE_BYTES,
  ) {}

  /** Writes `pixels` into a free slot; its byte offset, or undefined when the caller must send them otherwise. */
  write(pixels: Uint8Array): number | undefined {
    if (this.broken || pixels.byteLength === 0) return undefined
    if (pixels.byteLength > this.slotBytes) {
      if (this.next > this.free.length) return undefined // slots of the smaller size still in use
      this.slotBytes = pixels.byteLength
      this.next = 0
      this.free.length = 0
    }
    const reused = this.free.length > 0
    const slot = reused ? this.free.pop()! : this.next
    const offset = slot * this.slotBytes
    if (!reused && offset + this.slotBytes > this.maxBytes) return undefined
    try {
      let at = 0
      while (at < pixels.byteLength) at += writeSync(this.fd, pixels, at, pixels.byteLength - at, offset + at)
    } catch {
      this.broken = true
      if (reused) this.free.push(slot)
      return undefined
    }
    if (!reused) this.next += 1
    return offset
  }

  /** The slot at `offset` can be written again (its call has returned). */
  release(offset: number): void {
    this.free.push(offset / this.slotBytes)
  }

  /** Bytes of the file in slots so far. */
  get fileBytes(): number {
    return this.next * this.slotBytes
  }
}

/** Reads `bytes` bytes at `offset` of the pixel file (in the runner process) into the start of `into`. */
export function readPixelFile(offset: number, bytes: number, into: Uint8Array): void {
  let at = 0
  while (at < bytes) {
    const n = readSync(PIXEL_FILE_FD, into, at, bytes - at, offset + at)
    if (n === 0) throw new Error(`internal: the pixel file ends before byte ${offset + at} of ${offset + bytes}`)
    at += n
  }
}
