/**
 * Near-duplicate pairs without an n² scan: candidates from a multi-index hash of the 64-bit dHashes
 * (Norouzi, Punjani, Fleet, "Fast search in Hamming space with multi-index hashing", CVPR 2012):
 * the hash is cut into 4 chunks of 16 bits, each with a direct-address table; two hashes within
 * distance D agree to within ⌊D/4⌋ bits on at least one chunk, so probing every 16-bit key within
 * that radius of each chunk finds every stored hash within D. Images are added one by one; each
 * new image queries the index with every view of itself (as it is, shifted, zoomed, mirrored:
 * src/audit/imageSignature.ts) before it is stored, so every pair is met once. Each candidate
 * within D is then CONFIRMED by the correlation of the view's thumbnail with the stored image's,
 * which is what tells a re-saved copy of one picture from a different face with the same layout.
 * Pairs found through the mirrored view are reported as their own kind. Thresholds and their
 * calibration: docs/detectors.md (tools/bench/audit-calibration.mjs).
 */
import { inverseView, popcount32, similarity, viewThumb, type ImageSignature, type View } from './imageSignature.js'

/** Candidate rule: dHash Hamming distance of the image (or its mirror) at most this many bits … */
export const NEAR_MAX_DISTANCE = 7
/** … or of one of its shifted or zoomed views at most this many (a view that undoes a copy's shift or zoom lands within a few bits). */
const NEAR_VIEW_MAX_DISTANCE = 3
/** Confirmation rule: thumbnail correlation (best over ±1 thumbnail-pixel shifts) at least this. */
export const NEAR_MIN_SIMILARITY = 0.995

export interface NearMatch {
  /** Index of the earlier image (order of add()). */
  other: number
  kind: 'near' | 'mirrored'
  /** Hamming distance of the view that matched. */
  distance: number
  similarity: number
  view: string
}

const CHUNKS = 4
/** The inverse-view check runs only for pairs whose forward similarity is within this of the bar (the two differ by a lost border). */
const INVERSE_MARGIN = 0.1

/** The 16-bit masks with at most `radius` bits set. */
function masksWithin(radius: number): Uint16Array {
  const masks: number[] = []
  for (let m = 0; m < 1 << 16; m++) {
    let bits = 0
    for (let v = m; v; v &= v - 1) bits += 1
    if (bits <= radius) masks.push(m)
  }
  return Uint16Array.from(masks)
}

const chunkOf = (hash: readonly [number, number], c: number): number =>
  (c < 2 ? hash[0] >>> (16 * (1 - c)) : hash[1] >>> (16 * (3 - c))) & 0xffff

/** An index that grows one image at a time and answers: which stored images is this one a near duplicate of? */
export class NearDuplicateIndex {
  readonly maxDistance: number
  readonly viewMaxDistance: number
  readonly minSimilarity: number
  /** Candidate pairs within the distance (each confirmed or not). */
  candidates = 0
  private readonly masks: Uint16Array
  private readonly viewMasks: Uint16Array
  /** Per chunk, per 16-bit key: the stored images whose hash has that key there. */
  private readonly buckets: Array<Array<number[] | undefined>> = Array.from(
    { length: CHUNKS },
    () => new Array<number[] | undefined>(1 << 16),
  )
  private readonly stored: ImageSignature[] = []
  private hi = new Uint32Array(1024)
  private lo = new Uint32Array(1024)
  private seen = new Int32Array(1024).fill(-1)
  private stamp = 0

  constructor(options: { maxDistance?: number; minSimilarity?: number } = {}) {
    this.maxDistance = options.maxDistance ?? NEAR_MAX_DISTANCE
    this.minSimilarity = options.minSimilarity ?? NEAR_MIN_SIMILARITY
    this.viewMaxDistance = Math.min(this.maxDistance, NEAR_VIEW_MAX_DISTANCE)
    this.masks = masksWithin(Math.floor(this.maxDistance / CHUNKS))
    this.viewMasks = masksWithin(Math.floor(this.viewMaxDistance / CHUNKS))
  }

  get size(): number {
    return this.stored.length
  }

  /** The stored images within `limit` bits of one hash (each once), with their distance. */
  private probe(
    hash: readonly [number, number],
    masks: Uint16Array,
    limit: number,
    visit: (j: number, distance: number) => void,
  ): void {
    const stamp = ++this.stamp
    const [qh, ql] = hash
    for (let c = 0; c < CHUNKS; c++) {
      const key = chunkOf(hash, c)
      const table = this.buckets[c]!
      for (const m of masks) {
        const bucket = table[key ^ m]
        if (!bucket) continue
        for (const j of bucket) {
          if (this.seen[j] === stamp) continue
          this.seen[j] = stamp
          const distance = popcount32((qh ^ this.hi[j]!) >>> 0) + popcount32((ql ^ this.lo[j]!) >>> 0)
          if (distance <= limit) visit(j, distance)
        }
      }
    }
  }

  /** Matches of a new image among the stored ones (the most similar view per stored image), then stores it. */
  add(signature: ImageSignature, views: readonly View[]): NearMatch[] {
    const best = new Map<number, NearMatch>()
    for (const view of views) {
      const kind = view.name === 'mirrored' ? 'mirrored' : 'near'
      const whole = view.name === 'identity' || view.name === 'mirrored'
      const limit = whole ? this.maxDistance : this.viewMaxDistance
      this.probe(view.hash, whole ? this.masks : this.viewMasks, limit, (j, distance) => {
        const previous = best.get(j)
        if (previous?.kind === 'near' && kind === 'mirrored') return
        this.candidates += 1
        const stored = this.stored[j]!
        // both ways: this image's view against the stored image, and this image against the stored image's inverse view
        // (a copy that was zoomed in or shifted lost a border, which only the original's view reproduces)
        let sim = similarity(view.thumb(), stored.thumb, this.minSimilarity)
        if (
          kind === 'near' &&
          view.name !== 'identity' &&
          sim < this.minSimilarity &&
          sim > this.minSimilarity - INVERSE_MARGIN
        )
          sim = Math.max(
            sim,
            similarity(views[0]!.thumb(), viewThumb(stored.base, inverseView(view.name)), this.minSimilarity),
          )
        // the best view decides; a pair confirmed as it is beats a mirrored one
        if (
          sim >= this.minSimilarity &&
          (!previous || (kind === 'near' && previous.kind === 'mirrored') || sim > previous.similarity)
        ) {
          best.set(j, { other: j, kind, distance, similarity: sim, view: view.name })
        }
      })
    }
    const index = this.stored.length
    this.stored.push(signature)
    if (index >= this.seen.length) {
      const grown = new Int32Array(this.seen.length * 2).fill(-1)
      grown.set(this.seen)
      this.seen = grown
      const hi = new Uint32Array(this.seen.length)
      const lo = new Uint32Array(this.seen.length)
      hi.set(this.hi)
      lo.set(this.lo)
      this.hi = hi
      this.lo = lo
    }
    this.hi[index] = signature.hash[0]
    this.lo[index] = signature.hash[1]
    for (let c = 0; c < CHUNKS; c++) {
      const key = chunkOf(signature.hash, c)
      const table = this.buckets[c]!
      const bucket = table[key]
      if (bucket) bucket.push(index)
      else table[key] = [index]
    }
    return [...best.values()]
  }
}
