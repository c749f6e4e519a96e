import type { RawImage } from '../base/image.js'
import { SHRINK_ABOVE_PIXELS } from './decodeLimits.js'

/** What a run's decoded image files carried, as result documents record it (`dataset.images`). */
export interface ImagesSummary {
  /** Whether EXIF orientation tags were applied ('applied', the default) or not (--ignore-exif-orientation). */
  exifOrientation: 'applied' | 'ignored'
  /** Images whose file carries an EXIF orientation tag other than 1 (rotated or mirrored when applied). */
  exifOrientationTagged: number
  /** Multi-frame (animated) files: only the first frame was decoded. */
  animated: number
  /** Images over SHRINK_ABOVE_PIXELS shrunk by the decoder (only with --max-pixels raised). */
  shrunk: number
}

/** Files named in a warning, at most. */
const NAMED = 5

/**
 * Counts what the decoder did to the images of one run (src/datasets/decode.ts notes), for the
 * result's `dataset.images` and its warnings. Images not decoded from files (CSV pixels) carry no
 * notes: a run of those has no summary.
 */
export class DecodeTally {
  private seen = false
  private applied = true
  private tagged = 0
  private readonly animatedFiles: string[] = []
  private animatedCount = 0
  private readonly shrunkFiles: string[] = []
  private shrunkCount = 0

  /** Adds one decoded image; `source` names it in warnings. */
  add(image: Pick<RawImage, 'notes' | 'width' | 'height'>, source: string): void {
    const notes = image.notes
    if (!notes) return
    this.seen = true
    this.applied = notes.orientationApplied
    if (notes.exifOrientation !== undefined) this.tagged += 1
    if (notes.frames !== undefined) {
      this.animatedCount += 1
      if (this.animatedFiles.length < NAMED) this.animatedFiles.push(`${source} (${notes.frames} frames)`)
    }
    if (notes.shrunkFrom !== undefined) {
      this.shrunkCount += 1
      if (this.shrunkFiles.length < NAMED)
        this.shrunkFiles.push(
          `${source} (${notes.shrunkFrom.width}×${notes.shrunkFrom.height} → ${image.width}×${image.height})`,
        )
    }
  }

  summary(): ImagesSummary | undefined {
    if (!this.seen) return undefined
    return {
      exifOrientation: this.applied ? 'applied' : 'ignored',
      exifOrientationTagged: this.tagged,
      animated: this.animatedCount,
      shrunk: this.shrunkCount,
    }
  }

  /** One warning per kind of change that happened (orientation, animation, shrinking), files named. */
  warnings(): string[] {
    const out: string[] = []
    const more = (n: number): string => (n > NAMED ? `, and ${n - NAMED} more` : '')
    if (this.tagged > 0)
      out.push(
        this.applied
          ? `${this.tagged} image(s) carry an EXIF orientation tag: turned upright as it says before preprocessing (--ignore-exif-orientation uses the stored pixels)`
          : `${this.tagged} image(s) carry an EXIF orientation tag that was not applied (--ignore-exif-orientation): the stored pixels were used`,
      )
    if (this.animatedCount > 0)
      out.push(
        `${this.animatedCount} multi-frame (animated) file(s): only the first frame was used: ${this.animatedFiles.join(', ')}${more(this.animatedCount)}`,
      )
    if (this.shrunkCount > 0)
      out.push(
        `${this.shrunkCount} image(s) over ${SHRINK_ABOVE_PIXELS} pixels were shrunk by the decoder to at most that many before preprocessing: ${this.shrunkFiles.join(', ')}${more(this.shrunkCount)}`,
      )
    return out
  }
}
