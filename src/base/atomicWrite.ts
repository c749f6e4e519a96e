import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  writeFileSync,
  type Stats,
} from 'node:fs'
import path from 'node:path'
import { FerbenchError, messageOf } from './errors.js'

/** Where a write to `file` lands: the file itself (or, for a symlink, its final target), and how. */
export interface WriteTarget {
  /** The path written: symlinks resolved, so that the link itself is never replaced. */
  path: string
  /** true: opened and written in place (devices, FIFOs, /dev/stdout); false: temp file + rename (atomic). */
  direct: boolean
}

const outputError = (file: string, what: string): FerbenchError =>
  new FerbenchError('output', `${file}: could not write: ${what}`)

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined
}

/** Follows a chain of symlinks whose last target may not exist yet (a dangling link is written through, creating its target). */
function followLinks(file: string): string {
  let at = file
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats
    try {
      st = lstatSync(at)
    } catch {
      return at
    }
    if (!st.isSymbolicLink()) return realpathSync(at)
    at = path.resolve(path.dirname(at), readlinkSync(at))
  }
  throw outputError(file, 'too many levels of symbolic links')
}

/** The process's own streams (/dev/stdout, /dev/fd/1, /proc/self/fd/1): written in place even when they lead to a regular file. */
const PROCESS_STREAM = /^\/(dev\/(stdin|stdout|stderr|fd\/\d+)|proc\/(self|thread-self|\d+)\/fd\/\d+)$/

/**
 * How `file` is written. A regular file (or a path that does not exist yet) is replaced
 * atomically; a symlink is written through (its final target replaced atomically, the link kept);
 * a device, FIFO or socket — and the process's own streams such as /dev/stdout — is opened and
 * written in place, since renaming over it would replace the node. A directory is refused.
 */
export function writeTarget(file: string): WriteTarget {
  const abs = path.resolve(file)
  let st: Stats
  try {
    st = statSync(abs)
  } catch (error) {
    if (code(error) === 'ENOENT') return { path: followLinks(abs), direct: false }
    if (code(error) === 'ENOTDIR')
      throw outputError(file, `a parent of it is a file, not a directory (${notADirectory(abs)})`)
    throw outputError(file, messageOf(error))
  }
  if (st.isDirectory()) throw outputError(file, 'it is a directory; expected a file name')
  if (!st.isFile() || PROCESS_STREAM.test(abs)) return { path: abs, direct: true }
  return { path: realpathSync(abs), direct: false }
}

/** The nearest ancestor of `file` that exists, when it is not a directory (for messages). */
function notADirectory(file: string): string {
  let dir = path.dirname(file)
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) return `${dir} is a file`
      return `${dir} is a directory`
    } catch {
      const up = path.dirname(dir)
      if (up === dir) return 'no existing parent'
      dir = up
    }
  }
}

/** The temp-file name pattern of writeFileAtomic, and the pid in it. */
const TEMP_NAME = (base: string): RegExp =>
  new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.\\d+\\.tmp$`)

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return code(error) === 'EPERM'
  }
}

/**
 * Removes the temp files a killed writer left beside `target` (`.<name>.<pid>.<time>.tmp` whose
 * process no longer runs): a SIGKILL between writing the temp file and renaming it leaves one,
 * and the next write to the same output cleans it. Returns the files removed.
 */
export function removeStaleTemps(target: string): string[] {
  const dir = path.dirname(target)
  const pattern = TEMP_NAME(path.basename(target))
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN)
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue
    try {
      rmSync(path.join(dir, name), { force: true })
      removed.push(path.join(dir, name))
    } catch {
      // not ours to insist on: the write below does not depend on it
    }
  }
  return removed
}

function writeAndSync(file: string, contents: string | Uint8Array, mode: number): void {
  const fd = openSync(file, 'wx', mode)
  try {
    const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents
    let at = 0
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at)
    try {
      fsyncSync(fd)
    } catch {
      // pipes and terminals cannot be synced
    }
  } finally {
    closeSync(fd)
  }
}

/** The permission bits of the file being replaced (kept), or 0o666 (less the umask) for a new file. */
function modeOf(file: string): number {
  try {
    return statSync(file).mode & 0o7777
  } catch {
    return 0o666
  }
}

/**
 * Writes a file so that readers see either the old file or the whole new one, never half: a temp
 * file beside the target, synced, then renamed over it. Symlinks are written through, devices and
 * FIFOs in place (writeTarget); stale temp files of killed earlier writes are removed first.
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  const target = writeTarget(file)
  if (target.direct) {
    try {
      writeFileSync(target.path, contents)
    } catch (error) {
      throw outputError(file, messageOf(error))
    }
    return
  }
  const dir = path.dirname(target.path)
  const tmp = path.join(dir, `.${path.basename(target.path)}.${process.pid}.${Date.now()}.tmp`)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    throw outputError(
      file,
      code(error) === 'EEXIST' || code(error) === 'ENOTDIR'
        ? `a parent of it is a file, not a directory (${notADirectory(target.path)})`
        : messageOf(error),
    )
  }
  removeStaleTemps(target.path)
  try {
    writeAndSync(tmp, contents, modeOf(target.path))
    renameSync(tmp, target.path)
  } catch (error) {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // the temp file could not be created either
    }
    throw outputError(file, messageOf(error))
  }
}

/**
 * Checks, before any work is done, that `file` can be written: not a directory, no parent that
 * is a file, and a directory that lets us create the temp file (or, for a device, the node itself
 * writable). A run that would only fail at the end, losing what it measured, fails at the start
 * instead (exit 10, the path named).
 */
export function assertWritable(file: string): void {
  const target = writeTarget(file)
  if (target.direct) {
    try {
      accessSync(target.path, constants.W_OK)
    } catch (error) {
      throw outputError(file, `not writable (${messageOf(error)})`)
    }
    return
  }
  let dir = path.dirname(target.path)
  for (;;) {
    let st: Stats
    try {
      st = statSync(dir)
    } catch {
      const up = path.dirname(dir)
      if (up === dir) throw outputError(file, 'no existing parent directory')
      dir = up
      continue
    }
    if (!st.isDirectory()) throw outputError(file, `a parent of it is a file, not a directory (${dir} is a file)`)
    try {
      accessSync(dir, constants.W_OK | constants.X_OK)
    } catch (error) {
      throw outputError(file, `cannot create files in ${dir} (${messageOf(error)})`)
    }
    return
  }
}
