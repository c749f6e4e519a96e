import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, type Stats, statSync } from 'node:fs'
import { FerbenchError } from './errors.js'

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  return 'not a folder'
}

const codeOf = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined

/**
 * A folder ferbench keeps files in across runs (the history store, the model cache): made if
 * missing, else checked. A path that is a file (or under one), a dangling symbolic link, one that
 * cannot be made, or a folder that cannot be written is exit 10 naming the path, `what` it is and
 * the reason — before anything is written there.
 */
export function ensureStoreDir(dir: string, what: string): string {
  const fail = (reason: string): FerbenchError =>
    new FerbenchError('output', `${dir}: ${what} ${reason}; give a folder ferbench can write (it is made if missing)`)
  let st: Stats | undefined
  try {
    st = lstatSync(dir)
  } catch (error) {
    const code = codeOf(error)
    if (code === 'ENOTDIR') throw fail('lies under a regular file, not a folder (ENOTDIR)')
    if (code !== 'ENOENT') throw fail(`cannot be read (${code ?? String(error)})`)
  }
  if (st?.isSymbolicLink()) {
    try {
      st = statSync(dir)
    } catch {
      throw fail(`is a symbolic link to ${readlinkSync(dir)}, which does not exist (a dangling link)`)
    }
  }
  if (st && !st.isDirectory()) throw fail(`is ${kindOf(st)}, not a folder`)
  if (!st) {
    try {
      mkdirSync(dir, { recursive: true })
    } catch (error) {
      const code = codeOf(error)
      throw fail(
        code === 'ENOTDIR' || code === 'EEXIST'
          ? `cannot be made: a parent of it is a regular file (${code})`
          : `cannot be made (${code ?? String(error)})`,
      )
    }
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch (error) {
    throw fail(`cannot be written (${codeOf(error) === 'EACCES' ? 'permission denied (EACCES)' : String(error)})`)
  }
  return dir
}
