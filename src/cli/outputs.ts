import { statSync } from 'node:fs'
import path from 'node:path'
import { assertWritable } from '../base/atomicWrite.js'
import { usageError } from '../base/errors.js'

/** A path given on the command line, with the flag (or argument) that gave it, for messages. */
export interface NamedPath {
  flag: string
  file: string | undefined
}

/** The identity of a path: device and inode when it exists (so links and `./x` vs `x` agree), else the resolved path. */
function identity(file: string): string {
  try {
    const st = statSync(file)
    return `${st.dev}:${st.ino}`
  } catch {
    return path.resolve(file)
  }
}

/** Whether `file` is a regular file or missing (devices such as /dev/null may be given for several outputs). */
function isFileOrMissing(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return true
  }
}

/**
 * Checks every output path before any work: an output that is one of the inputs (--output equal
 * to --data or --model) or another output is a usage error (exit 2), and each must be writable
 * (exit 10, see assertWritable), so that a long run never ends in a write that cannot happen.
 */
export function checkOutputs(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const given = outputs.filter((o): o is { flag: string; file: string } => o.file !== undefined)
  const inputIds = new Map<string, string>()
  for (const i of inputs) if (i.file !== undefined) inputIds.set(identity(i.file), `${i.flag} ${i.file}`)
  const seen = new Map<string, string>()
  for (const o of given) {
    const id = identity(o.file)
    const input = inputIds.get(id)
    if (input !== undefined)
      throw usageError(
        `${o.flag} ${o.file} is the same file as ${input}: ferbench never overwrites its input; choose another output path`,
      )
    const earlier = seen.get(id)
    if (earlier !== undefined && isFileOrMissing(o.file))
      throw usageError(`${o.flag} ${o.file} is the same file as ${earlier}: give each output its own path`)
    seen.set(id, `${o.flag} ${o.file}`)
  }
  for (const o of given) assertWritable(o.file)
}
