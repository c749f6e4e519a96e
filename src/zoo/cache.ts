import { existsSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ensureStoreDir } from '../base/storeDir.js'
import type { ZooEntry, ZooFile } from './schema.js'

/**
 * Where pulled models live (docs/zoo.md): `--cache-dir`, else $FERBENCH_CACHE_DIR, else
 * $XDG_CACHE_HOME/ferbench, else ~/.cache/ferbench. Verified files sit at
 * `<cache>/models/<entry>/<file>`; a download in progress is `<cache>/downloads/<sha256>.part`, never
 * at a model path, and becomes visible only by a rename once its size and sha256 are verified.
 */
export function cacheRoot(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag)
  if (env.FERBENCH_CACHE_DIR) return path.resolve(env.FERBENCH_CACHE_DIR)
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined
  return path.join(xdg ?? path.join(os.homedir(), '.cache'), 'ferbench')
}

export const entryDir = (root: string, entry: ZooEntry): string => path.join(root, 'models', entry.name)
export const cachedFilePath = (root: string, entry: ZooEntry, file: ZooFile): string =>
  path.join(entryDir(root, entry), file.name)
export const partialPath = (root: string, sha256: string): string => path.join(root, 'downloads', `${sha256}.part`)

/** A directory of the cache, made if missing; a path that is a file or cannot be made is exit 10, named. */
export function ensureCacheDir(dir: string): string {
  return ensureStoreDir(dir, 'the model cache (--cache-dir, FERBENCH_CACHE_DIR)')
}

export function sizeOf(file: string): number | undefined {
  try {
    const stats = statSync(file)
    return stats.isFile() ? stats.size : undefined
  } catch {
    return undefined
  }
}

export interface CachedFileState {
  name: string
  path: string
  /** The file is at its cache path with the registry's size (its sha256 was verified before it got there). */
  present: boolean
  /** Bytes of an unfinished download kept for resuming. */
  partialBytes: number
}

export function cachedState(root: string, entry: ZooEntry): { cached: boolean; files: CachedFileState[] } {
  const files = entry.files.map((f) => {
    const file = cachedFilePath(root, entry, f)
    return {
      name: f.name,
      path: file,
      present: sizeOf(file) === f.bytes,
      partialBytes: existsSync(partialPath(root, f.sha256)) ? (sizeOf(partialPath(root, f.sha256)) ?? 0) : 0,
    }
  })
  return { cached: files.every((f) => f.present), files }
}
