import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { FerbenchError, messageOf } from './errors.js'

/** Writes a file so that readers see either the old file or the whole new one, never half. */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file))
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(tmp, contents)
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw new FerbenchError('output', `${file}: could not write: ${messageOf(error)}`)
  }
}
