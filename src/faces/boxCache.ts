import { createHash } from 'node:crypto'
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { messageOf } from '../base/errors.js'
import type { RawImage } from '../base/image.js'
import type { DetectedFace } from './blazeface.js'

/** A cache file over this size is not read (it is rebuilt beside the old one's rename by the user). */
const MAX_CACHE_BYTES = 256 * 1024 * 1024

/**
 * Detected faces per image, so a second run (another model, a resumed run, another shard) skips
 * detection: one JSON line per image, `{"k": sha256 of the pixels and their size, "f": faces}`,
 * appended (a line is written whole by one append; a torn last line is skipped when read). One file
 * per detector (`<cache>/faces/<detector sha256>.jsonl`), so another detector or threshold never
 * reads these boxes. A cache that cannot be written is announced once and the run goes on without it.
 */
export class FaceBoxCache {
  private readonly entries = new Map<string, DetectedFace[]>()
  hits = 0
  stored = 0
  /** Set once writing failed: why, for the one warning. */
  failure: string | undefined

  constructor(readonly file: string) {
    try {
      if (statSync(file).size > MAX_CACHE_BYTES) return
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue
        try {
          const { k, f } = JSON.parse(line) as { k: unknown; f: unknown }
          if (typeof k === 'string' && Array.isArray(f)) this.entries.set(k, f as DetectedFace[])
        } catch {
          // a torn line (a run killed mid-append): detected again
        }
      }
    } catch {
      // no cache yet
    }
  }

  static keyOf(image: RawImage): string {
    return createHash('sha256')
      .update(`${image.width}x${image.height}x${image.channels}\n`)
      .update(image.data)
      .digest('hex')
  }

  get(key: string): DetectedFace[] | undefined {
    const faces = this.entries.get(key)
    if (faces) this.hits += 1
    return faces
  }

  put(key: string, faces: DetectedFace[]): void {
    this.entries.set(key, faces)
    if (this.failure) return
    try {
      mkdirSync(path.dirname(this.file), { recursive: true })
      appendFileSync(this.file, `${JSON.stringify({ k: key, f: faces })}\n`)
      this.stored += 1
    } catch (error) {
      this.failure = `${this.file}: face boxes not cached (${messageOf(error)}); each run detects again`
    }
  }
}
