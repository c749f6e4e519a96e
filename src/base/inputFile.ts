import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import path from 'node:path'
import { modelError, type FerbenchError } from './errors.js'

/**
 * Input files are stat'ed before they are read: only regular files are read (a FIFO would block
 * the read forever, /dev/zero never ends), and every read is bounded by a size limit. The
 * limits are documented in docs/bad-input.md.
 */
export const MiB = 1024 * 1024
/** Model cards, tfjs model.json files and other JSON inputs. */
export const MAX_JSON_BYTES = 64 * MiB
/** One image file (a face image is kilobytes; 64 MiB is far above any FER dataset's largest). */
export const MAX_IMAGE_BYTES = 64 * MiB
/** A model file: protobuf (ONNX) cannot hold a message over 2 GiB. */
export const MAX_MODEL_BYTES = 2048 * MiB

/** What a non-regular path is, in words for a message. */
export function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder'
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'not a regular file'
}

function errnoReason(error: unknown, missing = 'no such file'): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return missing
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`
  if (code === 'ENOTDIR') return 'a part of the path is not a folder (ENOTDIR)'
  return `cannot read (${code ?? String(error)})`
}

export interface RegularFileCheck {
  /** What the file should be, for the message: "FER2013's fer2013.csv", "an ONNX model file". */
  what: string
  /** The error to raise (dataError, modelError, cardError: its kind gives the exit code). */
  fail: (message: string) => FerbenchError
  /** Refuse files larger than this many bytes. */
  maxBytes?: number
  /** The words for a missing file (default 'no such file'). */
  missing?: string
}

/**
 * Stats `file` (following symlinks) and returns its size when it is a regular file within the
 * limit; otherwise throws `fail` with a message naming the file, what it is and what was expected.
 */
export function requireRegularFile(file: string, check: RegularFileCheck): number {
  let stats: Stats
  try {
    stats = statSync(file)
  } catch (error) {
    throw check.fail(`${file}: ${errnoReason(error, check.missing)} (expected ${check.what})`)
  }
  if (!stats.isFile())
    throw check.fail(`${file}: is ${describeKind(stats)}, not a regular file (expected ${check.what})`)
  try {
    accessSync(file, constants.R_OK) // stat needs no read permission: a file we may not read fails here, not in a stream later
  } catch (error) {
    throw check.fail(`${file}: ${errnoReason(error, check.missing)} (expected ${check.what})`)
  }
  if (check.maxBytes !== undefined && stats.size > check.maxBytes) {
    throw check.fail(`${file}: ${stats.size} bytes is over the ${check.maxBytes}-byte limit for ${check.what}`)
  }
  return stats.size
}

/**
 * Opens `file` for reading without ever blocking on it (O_NONBLOCK: opening a FIFO returns at once)
 * and checks on the open descriptor that it is a regular file of at most `maxBytes`. Throws a plain
 * Error naming the file (a per-sample failure for images). The caller closes the descriptor
 * (closeSync). Synchronous on purpose: for many small files (face images of a few kB) open, fstat,
 * read and close cost a tenth of the CPU of the promise-based calls through the thread pool
 * (`node tools/bench/png-decode.mjs --baseline <a checkout before>`).
 */
export function openRegularFileSync(file: string, maxBytes: number, what: string): { fd: number; size: number } {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw new Error(`${file}: ${errnoReason(error)} (expected ${what})`)
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new Error(`${file}: is ${describeKind(stats)}, not a regular file (expected ${what})`)
    if (stats.size > maxBytes)
      throw new Error(`${file}: ${stats.size} bytes is over the ${maxBytes}-byte limit for ${what}`)
    return { fd, size: stats.size }
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/** A model file (ONNX, tfjs model.json or weight shard): regular, not empty, at most MAX_MODEL_BYTES. Errors are exit 4. */
export function requireModelFile(file: string, what = 'a model file: .onnx, or a tfjs model.json'): number {
  const size = requireRegularFile(file, {
    what,
    fail: modelError,
    maxBytes: MAX_MODEL_BYTES,
    missing: 'model file not found',
  })
  if (size === 0) throw modelError(`${file}: model file is empty (expected ${what})`)
  return size
}

/** True when `file` is `root` or lies under it, compared lexically after resolving both. */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** Reads a small text file (CK+ emotion or landmarks file) without blocking on non-regular files; plain Error naming it. */
export function readSmallTextFile(file: string, maxBytes: number, what: string): string {
  const { fd, size } = openRegularFileSync(file, maxBytes, what)
  try {
    const buffer = Buffer.alloc(size)
    const bytesRead = readSync(fd, buffer, 0, size, 0)
    return buffer.toString('utf8', 0, bytesRead)
  } finally {
    closeSync(fd)
  }
}
