import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { sha256File } from '../base/provenance.js'
import { FerbenchError, messageOf } from '../base/errors.js'
import { rawPreset } from '../card/presets.js'
import { cachedFilePath, ensureCacheDir, entryDir, partialPath, sizeOf } from './cache.js'
import { entryBytes, modelFileOf } from './registry.js'
import type { ZooEntry, ZooFile } from './schema.js'

/**
 * `ferbench models pull`: every file of a registry entry into the cache, each verified (size, then
 * sha256) before a rename makes it visible, then the entry's card written beside the model as its
 * sidecar (`<model>.ferbench.json`), so `--model zoo:<name>` finds both. Sources, in this order: the
 * cache itself (re-hashed), files the user fetched by hand (`from`), a content-addressed mirror
 * (`<base>/<sha256>`, a URL or a plain folder), else the registry URL.
 */
export const PULL_SCHEMA = 'ferbench/models-pull@1'

export type FileSource = 'cache' | 'import' | 'mirror' | 'download'

export interface PullSpec {
  entry: ZooEntry
  cacheDir: string
  /** A content-addressed mirror: an http(s) base URL or a folder, each file at `<mirror>/<sha256>`. */
  mirror?: string
  /** Files the user downloaded by hand; each is matched to the entry's files by its sha256. */
  from: readonly string[]
  timeoutS: number
  attempts: number
  /** Bytes so far over all of the entry's files, and their total. */
  onBytes?: (doneBytes: number, totalBytes: number) => void
}

export interface PullResult {
  schema: typeof PULL_SCHEMA
  name: string
  dir: string
  modelPath: string
  cardPath: string
  licence: ZooEntry['licence']
  files: { name: string; path: string; sha256: string; bytes: number; source: FileSource; from: string }[]
}

const isUrl = (text: string): boolean => /^https?:\/\//i.test(text)

function mirrorFolder(mirror: string): string {
  return mirror.startsWith('file://') ? new URL(mirror).pathname : path.resolve(mirror)
}

function howByHand(entry: ZooEntry, file: ZooFile): string {
  return (
    `By hand: download ${file.url} (${file.bytes} bytes, sha256 ${file.sha256}), then run ` +
    `\`ferbench models pull ${entry.name} --from <the file>\`, or put it in a mirror folder as <folder>/${file.sha256} ` +
    'and pass --mirror <folder> (or set FERBENCH_MIRROR)'
  )
}

/** Verifies `part` against the pinned size and hash, then renames it to `target`; a mismatch removes it (exit 4). */
async function settle(part: string, target: string, file: ZooFile, origin: string): Promise<void> {
  const size = sizeOf(part)
  if (size !== file.bytes) {
    rmSync(part, { force: true })
    throw new FerbenchError(
      'model',
      `${origin}: ${size ?? 0} bytes where the registry pins ${file.bytes} for ${file.name}; nothing was kept`,
    )
  }
  const actual = await sha256File(part)
  if (actual !== file.sha256) {
    rmSync(part, { force: true })
    throw new FerbenchError(
      'model',
      `${origin}: sha256 mismatch for ${file.name}: expected ${file.sha256}, got ${actual}; nothing was kept (a tampered or different file)`,
    )
  }
  mkdirSync(path.dirname(target), { recursive: true })
  renameSync(part, target)
}

/** Copies a local file into the part file, then settles it. */
async function importLocal(source: string, part: string, target: string, file: ZooFile): Promise<void> {
  mkdirSync(path.dirname(part), { recursive: true })
  try {
    copyFileSync(source, part)
  } catch (error) {
    throw new FerbenchError('model', `${source}: cannot read it (${messageOf(error)})`)
  }
  await settle(part, target, file, source)
}

/** Matches the --from files to the entry's files by sha256; a file matching none is exit 4, both hashes named. */
async function matchImports(entry: ZooEntry, from: readonly string[]): Promise<Map<string, string>> {
  const bySha = new Map<string, string>()
  for (const file of from) {
    if (sizeOf(file) === undefined)
      throw new FerbenchError('model', `${file}: --from file not found (or not a regular file)`)
    const sha = await sha256File(file)
    if (!entry.files.some((f) => f.sha256 === sha)) {
      const expected = entry.files.map((f) => `${f.name} sha256 ${f.sha256} (${f.bytes} bytes)`).join('; ')
      throw new FerbenchError(
        'model',
        `${file}: sha256 ${sha} (${sizeOf(file)} bytes) is none of ${entry.name}'s files: expected ${expected}`,
      )
    }
    bySha.set(sha, file)
  }
  return bySha
}

/** The card sidecar written beside the model: the entry's preset, its source naming the registry entry. */
export function sidecarCard(entry: ZooEntry): Record<string, unknown> {
  const preset = rawPreset(entry.preset) as Record<string, unknown>
  const model = modelFileOf(entry)
  return {
    ...preset,
    source: `zoo:${entry.name} (preset ${entry.preset}; ${model.url}; sha256 ${model.sha256}; card checked against ${entry.cardCheckedAgainst})`,
  }
}

export function sidecarPath(modelPath: string): string {
  return `${modelPath}.ferbench.json`
}

export async function pullModel(spec: PullSpec): Promise<PullResult> {
  const { entry } = spec
  ensureCacheDir(spec.cacheDir)
  const dir = ensureCacheDir(entryDir(spec.cacheDir, entry))
  const imports = await matchImports(entry, spec.from)
  const total = entryBytes(entry)
  let before = 0
  const files: PullResult['files'] = []
  for (const file of entry.files) {
    const target = cachedFilePath(spec.cacheDir, entry, file)
    const part = partialPath(spec.cacheDir, file.sha256)
    let source: FileSource
    let origin: string
    const cached = sizeOf(target) === file.bytes && (await sha256File(target)) === file.sha256
    if (cached) {
      source = 'cache'
      origin = target
    } else {
      if (existsSync(target)) rmSync(target, { force: true })
      const imported = imports.get(file.sha256)
      if (imported) {
        source = 'import'
        origin = imported
        await importLocal(imported, part, target, file)
      } else if (spec.mirror && !isUrl(spec.mirror)) {
        source = 'mirror'
        origin = path.join(mirrorFolder(spec.mirror), file.sha256)
        if (sizeOf(origin) === undefined)
          throw new FerbenchError('model', `${origin}: not in the mirror folder; ${howByHand(entry, file)}`)
        await importLocal(origin, part, target, file)
      } else {
        source = spec.mirror ? 'mirror' : 'download'
        origin = spec.mirror ? `${spec.mirror.replace(/\/+$/, '')}/${file.sha256}` : file.url
        // the HTTP client (undici) loads only when a file is downloaded: an eval of a cached model never needs it
        const { describeFailure, TransferRefused, transferFile } = await import('./transfer.js')
        try {
          await transferFile(origin, part, file.bytes, {
            timeoutS: spec.timeoutS,
            attempts: spec.attempts,
            onBytes: (bytes) => spec.onBytes?.(before + bytes, total),
          })
        } catch (error) {
          if (error instanceof TransferRefused) rmSync(part, { force: true })
          const kept = sizeOf(part) ? ` (${sizeOf(part)} bytes kept in ${part}: the next pull resumes there)` : ''
          throw new FerbenchError(
            'model',
            `could not download ${file.name} from ${origin}: ${describeFailure(error)}${kept}. ${howByHand(entry, file)}`,
          )
        }
        await settle(part, target, file, origin)
      }
    }
    before += file.bytes
    spec.onBytes?.(before, total)
    files.push({ name: file.name, path: target, sha256: file.sha256, bytes: file.bytes, source, from: origin })
  }
  const modelPath = cachedFilePath(spec.cacheDir, entry, modelFileOf(entry))
  const cardPath = sidecarPath(modelPath)
  writeFileAtomic(cardPath, `${JSON.stringify(sidecarCard(entry), null, 2)}\n`)
  return { schema: PULL_SCHEMA, name: entry.name, dir, modelPath, cardPath, licence: entry.licence, files }
}
