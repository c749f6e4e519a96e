import { byCodePoint } from '../base/naturalOrder.js'
import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { dataError } from '../base/errors.js'
import { isInside } from '../base/inputFile.js'
import { isImagePath } from './decode.js'

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}

/**
 * The dataset-root rule: image paths (list entries, symlinked folders) must lie inside the
 * dataset root unless --allow-outside-root is given (docs/bad-input.md).
 */
export interface RootRule {
  root: string
  allowOutside: boolean
}

export function rootRule(root: string, options: { allowOutsideRoot?: boolean | undefined }): RootRule {
  return { root, allowOutside: options.allowOutsideRoot === true }
}

const OUTSIDE_HINT =
  'paths are relative to the dataset root and must stay inside it; --allow-outside-root reads them anyway'

/**
 * A path from a list file (manifest, AffectNet list), resolved against the dataset root. An
 * absolute path or one that leaves the root (`../`) is a data error naming the row, unless the
 * rule allows it.
 */
export function resolveListedPath(rule: RootRule, listed: string, where: string): string {
  const file = path.resolve(rule.root, listed)
  if (!rule.allowOutside && (path.isAbsolute(listed) || path.win32.isAbsolute(listed) || !isInside(rule.root, file))) {
    throw dataError(`${where}: path '${listed}' is outside the dataset root ${rule.root} (${OUTSIDE_HINT})`)
  }
  return file
}

/** A symlink in `dir` that points to a folder: followed inside the root, else a data error (unless allowed). */
function isLinkedFolder(link: string, rule: RootRule): boolean {
  let target: string
  try {
    if (!statSync(link).isDirectory()) return false
    target = realpathSync(link)
  } catch {
    return false // a broken link: not a folder
  }
  if (rule.allowOutside || isInside(realpathSync(rule.root), target)) return true
  throw dataError(
    `${link}: symlinked folder points to ${target}, outside the dataset root ${rule.root} (${OUTSIDE_HINT})`,
  )
}

/**
 * Sub-folder names of `dir`, sorted by code point, hidden ones (`.x`, `__MACOSX`) left out.
 * Symlinks to folders count as folders when their target lies inside the dataset root.
 */
export function subfolders(dir: string, rule: RootRule): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (d) =>
        !d.name.startsWith('.') &&
        d.name !== '__MACOSX' &&
        (d.isDirectory() || (d.isSymbolicLink() && isLinkedFolder(path.join(dir, d.name), rule))),
    )
    .map((d) => d.name)
    .sort(byCodePoint)
}

export function requireDirectory(dir: string, what: string): void {
  if (!existsSync(dir)) throw dataError(`${dir}: no such folder (expected ${what})`)
  if (!isDirectory(dir)) throw dataError(`${dir}: is a file, expected a folder (${what})`)
}

/** Counts of files skipped because they are not images (.DS_Store, Thumbs.db, text), for warnings. */
export class SkippedFiles {
  private count = 0
  private readonly examples: string[] = []
  add(file: string): void {
    this.count += 1
    if (this.examples.length < 5) this.examples.push(file)
  }
  get size(): number {
    return this.count
  }
  /** The warning text, or undefined when nothing was skipped. */
  message(where: string): string | undefined {
    if (this.count === 0) return undefined
    return `skipped ${this.count} non-image file(s) under ${where} (e.g. ${this.examples.join(', ')})`
  }
}

/** Adds a warning once: adapters may be read several times (folds, inspect) and must not repeat themselves. */
export function warnOnce(warnings: string[], message: string | undefined): void {
  if (message !== undefined && !warnings.includes(message)) warnings.push(message)
}

/**
 * Streams the image files under `dir` recursively, folder by folder in code-point order (so ids and
 * order are the same on every machine). Files that are not images are counted in `skipped`.
 */
export async function* walkImages(dir: string, skipped: SkippedFiles): AsyncGenerator<string> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    throw dataError(`${dir}: cannot list folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  entries.sort((a, b) => byCodePoint(a.name, b.name))
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name === '__MACOSX') continue
      yield* walkImages(full, skipped)
    } else if (isImagePath(entry.name) && !entry.name.startsWith('._')) {
      yield full // whatever it is (a FIFO, a device, a link): the decoder reads regular files only and names anything else
    } else {
      skipped.add(path.relative(dir, full) === entry.name ? entry.name : full)
    }
  }
}

/** Path relative to `root` with forward slashes: a sample id that is the same on every OS. */
export function relativeId(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/')
}
