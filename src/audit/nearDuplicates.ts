/**
 * Near-duplicate pairs without an n² scan: candidates from a multi-index hash of the 64-bit dHashes
 * (Norouzi, Punjani, Fleet, "Fast search in Hamming space with multi-index hashing", CVPR 2012):
 * the hash is cut into 4 chunks of 16 bits, each with a direct-address table; two hashes within
 * distance D agree to within ⌊D/4⌋ bits on at least one chunk, so probing every 16-bit key within
 * that radius of each chunk finds every stored hash within D. Images are added one by one; each
 * new image queries the index with every view of itself (as it is, shifted, zoomed, mirrored:
 * src/audit/imageSignature.ts) before it is stored, so every pair is met once. A candidate whose
 * view thumbnail correlates with the stored image's at NEAR_PREFILTER or more is ALIGNED and
 * tone-mapped (src/audit/alignPair.ts) and CONFIRMED by the correlation after that and a bound on
 * how local the remaining difference is, which is what tells a re-saved copy of one picture from a
 * different face with the same layout. Pairs of mirror images are reported as their own kind; every
 * pair carries its transformation class. Thresholds and their calibration: docs/detectors.md
 * (tools/bench/audit-calibration.mjs).
 */
import { alignPair, transformationOf, type Alignment, type Transformation } from './alignPair.js'
import {
  MIRRORED_VIEW,
  VIEW_NAMES,
  popcount32,
  similarity,
  viewAlignment,
  type ImageSignature,
  type ViewSet,
} from './imageSignature.js'

/** Candidate rule: dHash Hamming distance of the image (or its mirror) at most this many bits … */
export const NEAR_MAX_DISTANCE = 3
/** … or of one of its shifted, zoomed or mirrored views at most this many (a view that undoes a copy's shift or zoom lands within a few bits; 3 bits means one 16-bit chunk matches exactly, which keeps the index probes few). */
const NEAR_VIEW_MAX_DISTANCE = 3
/** Confirmation rule: correlation after alignment and tone mapping (src/audit/alignPair.ts) at least this. */
export const NEAR_MIN_SIMILARITY = 0.99
/** … and no 3×3-cell window of what is left after alignment and tone mapping holds more than this share of the earlier image's variance (a changed mouth or brow is local; a re-save's loss is spread). */
export const NEAR_MAX_LOCAL_RESIDUAL = 0.25
/** A candidate is aligned only when its view's thumbnail correlation (best over ±1 thumbnail pixel) reaches this: the cheap filter before the search. */
export const NEAR_PREFILTER = 0.93

export interface NearMatch {
  /** Index of the earlier image (order of add()). */
  other: number
  kind: 'near' | 'mirrored'
  /** Hamming distance of the view that matched. */
  distance: number
  similarity: number
  view: string
  transformation: Transformation
  /** How the newer image lies on the earlier one (base pixels: BASE_SIDE across). */
  alignment: Alignment
  toneChange: number
}

const CHUNKS = 4

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
  /** Candidates that passed the cheap filter and were aligned. */
  aligned = 0
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
    qh: number,
    ql: number,
    masks: Uint16Array,
    limit: number,
    visit: (j: number, distance: number) => void,
  ): void {
    const stamp = ++this.stamp
    for (let c = 0; c < CHUNKS; c++) {
      const key = (c < 2 ? qh >>> (16 * (1 - c)) : ql >>> (16 * (3 - c))) & 0xffff
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

  /** Matches of a new image among the stored ones (the best alignment per stored image), then stores it; without views it is only stored. */
  add(signature: ImageSignature, views?: ViewSet): NearMatch[] {
    const best = new Map<number, NearMatch>()
    /** Per stored image: the best view thumbnail correlation already aligned (a view no closer is not aligned again). */
    const tried = new Map<number, number>()
    const count = views ? VIEW_NAMES.length : 0
    for (let k = 0; k < count; k++) {
      const v = views!
      const whole = k === 0 || k === MIRRORED_VIEW
      const limit = whole ? this.maxDistance : this.viewMaxDistance
      this.probe(v.hashes[2 * k]!, v.hashes[2 * k + 1]!, whole ? this.masks : this.viewMasks, limit, (j, distance) => {
        if ((best.get(j)?.similarity ?? -2) >= 0.999) return
        this.candidates += 1
        const stored = this.stored[j]!
        const quick = similarity(v.thumb(k), stored.thumb, NEAR_PREFILTER)
        if (quick < Math.min(NEAR_PREFILTER, this.minSimilarity) || quick <= (tried.get(j) ?? -2)) return
        tried.set(j, quick)
        this.aligned += 1
        const match = alignPair(stored.base, signature.base, viewAlignment(VIEW_NAMES[k]!))
        const previous = best.get(j)
        if (
          match.similarity >= this.minSimilarity &&
          match.localResidual <= NEAR_MAX_LOCAL_RESIDUAL &&
          (!previous || match.similarity > previous.similarity)
        ) {
          best.set(j, {
            other: j,
            kind: match.alignment.mirrored ? 'mirrored' : 'near',
            distance,
            similarity: match.similarity,
            view: VIEW_NAMES[k]!,
            transformation: transformationOf(match),
            alignment: match.alignment,
            toneChange: match.toneChange,
          })
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
