/**
 * Near-duplicate pairs without an n² scan: candidates from a multi-index hash of the 64-bit dHashes
 * (Norouzi, Punjani, Fleet, "Fast search in Hamming space with multi-index hashing", CVPR 2012):
 * the hash is cut into 3 chunks of 22, 21 and 21 bits, each with a hash table; two hashes within
 * distance D agree to within ⌊D/3⌋ bits on at least one chunk, so probing every key within that
 * radius of each chunk finds every stored hash within D. Images are added one by one; each new image
 * queries the index with its own hash and its mirror image's within D, and with every view of itself
 * (shifted, zoomed, cropped, mirrored: src/audit/imageSignature.ts) through one exact chunk at a
 * distance of at most NEAR_VIEW_MAX_DISTANCE (a copy's best view lands within a few bits, and its
 * errors rarely spread over all three chunks), before it is stored, so every pair is met once. Per
 * stored image only the view that came closest is kept; when that view's 16×16 thumbnail correlates
 * with the stored image's at NEAR_PREFILTER or more the pair is ALIGNED and tone-mapped
 * (src/audit/alignPair.ts) and CONFIRMED by the correlation after that and a bound on how local the
 * remaining difference is, which is what tells a re-saved copy of one picture from a different face
 * with the same layout. Pairs of mirror images are reported as their own kind; every pair carries
 * its transformation class. Thresholds and their calibration: docs/detectors.md
 * (tools/bench/audit-calibration.mjs).
 */
import { alignPair, transformationOf, type Alignment, type PairMatch, type Transformation } from './alignPair.js'
import {
  GRID_CELLS,
  HASH_CHUNK_ENDS,
  MIRRORED_VIEW,
  WEAK_BITS,
  VIEW_NAMES,
  VIEW_SOURCE,
  mirrorGridInto,
  popcount32,
  viewAlignment,
  type ImageSignature,
  type ViewSet,
} from './imageSignature.js'

/** Candidate rule: dHash Hamming distance of the image (or its mirror) at most this many bits … */
export const NEAR_MAX_DISTANCE = 3
/** … or of one of its shifted, zoomed, cropped or mirrored views at most this many, with one of the three chunks equal (a view that undoes a copy's shift or zoom lands within a few bits). */
const NEAR_VIEW_MAX_DISTANCE = 6
/** The views' limit for a given --max-distance: a distance below the default narrows the views too. */
export function nearViewMaxDistance(maxDistance: number): number {
  return maxDistance < NEAR_MAX_DISTANCE ? maxDistance : NEAR_VIEW_MAX_DISTANCE
}
/** Confirmation rule: correlation after alignment and tone mapping (src/audit/alignPair.ts) at least this. */
export const NEAR_MIN_SIMILARITY = 0.99
/** … and no 3×3-cell window of what is left after alignment and tone mapping holds more than this share of the earlier image's variance (a changed mouth or brow is local; a re-save's loss is spread). */
export const NEAR_MAX_LOCAL_RESIDUAL = 0.25
/** … and no 4×4-cell window holds a residual above this share of the earlier image's own variance there (floored at 5 % of its whole variance): two people whose eyes or brows are drawn differently fail here even when the face outline makes the whole correlate (docs/detectors.md). */
export const NEAR_MAX_DETAIL_RESIDUAL = 0.7
/** A candidate is aligned only when the closest view's 16×16 thumbnail correlates with the stored image's at this or more: the cheap filter before the search. */
export const NEAR_PREFILTER = 0.92
/** … after the best correlation of the 9×8 hash grids of the views that hit it reached this (computed for every hit). */
export const NEAR_GRID_PREFILTER = 0.95

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
  /** The worst 3×3-cell window of what is left, as a share of the earlier image's variance (src/audit/alignPair.ts). */
  localResidual: number
  /** The worst 4×4-cell window of what is left, as a share of the earlier image's variance in that window (src/audit/alignPair.ts). */
  detailResidual: number
}

/** A stored image that a new one is to be aligned with: through which view, at what Hamming distance, from where the alignment search starts. */
export interface NearCandidate {
  /** Index of the earlier image (order of add()). */
  other: number
  distance: number
  view: string
  hint: Alignment
}

/** The match of a candidate whose alignment (alignPair of the earlier image's base and the newer's) passes the confirmation rule; otherwise undefined. */
export function nearMatchOf(c: NearCandidate, match: PairMatch, minSimilarity: number): NearMatch | undefined {
  const confirmed =
    match.similarity >= minSimilarity &&
    match.localResidual <= NEAR_MAX_LOCAL_RESIDUAL &&
    match.detailResidual <= NEAR_MAX_DETAIL_RESIDUAL
  if (!confirmed) return undefined
  return {
    other: c.other,
    kind: match.alignment.mirrored ? 'mirrored' : 'near',
    distance: c.distance,
    similarity: match.similarity,
    view: c.view,
    transformation: transformationOf(match),
    alignment: match.alignment,
    toneChange: match.toneChange,
    localResidual: match.localResidual,
    detailResidual: match.detailResidual,
  }
}

/** Bits of the three chunks of the 64-bit hash (bits 0–31 are the first word, most significant first). */
const CHUNK_BITS = HASH_CHUNK_ENDS.map((end, c) => end + 1 - (c === 0 ? 0 : HASH_CHUNK_ENDS[c - 1]! + 1))
const CHUNKS = CHUNK_BITS.length

/** The chunk keys of a hash (hi: bits 0–31, lo: bits 32–63). */
function chunkKey(hi: number, lo: number, c: number): number {
  if (c === 0) return hi >>> 10
  if (c === 1) return ((hi & 0x3ff) << 11) | (lo >>> 21)
  return lo & 0x1fffff
}

/** The masks of `bits` bits with at most `radius` set (every key within that radius of a chunk). */
function masksWithin(bits: number, radius: number): Int32Array {
  const masks: number[] = [0]
  let frontier = [0]
  for (let r = 1; r <= radius; r++) {
    const next: number[] = []
    for (const m of frontier) {
      // add a bit above the highest one set, so each mask is made once
      const top = m === 0 ? -1 : 31 - Math.clz32(m)
      for (let b = top + 1; b < bits; b++) next.push(m | (1 << b))
    }
    masks.push(...next)
    frontier = next
  }
  return Int32Array.from(masks)
}

/** Beyond this many masks per chunk a whole-image query scans every stored hash instead (same answer). */
const MAX_MASKS = 4096

/**
 * Buckets of one chunk: an open-addressed table of the distinct chunk keys (TABLE_BITS-bit slots, grown at half full),
 * each key holding the stored images with that key, with each image's whole hash beside it, so a probe walks only
 * the images whose chunk equals the key it asks for and reads each one's distance from the bucket itself. A slot is
 * SLOT ints side by side (key, −1 when free; where its images start in the arena; how many; room for how many), so
 * a probe reads one cache line; a key's images lie side by side in the arena (ENTRY ints each: item, hi, lo), and a
 * bucket that is full moves to the arena's end with twice the room, so a probe reads them in one sweep, never
 * following a chain (the room a bucket leaves behind, 1 + 2 + … entries, is less than what it holds: the arena
 * stays within 4 entries per image).
 */
const TABLE_BITS = 16
const SLOT = 4
const ENTRY = 3
export class ChunkTable {
  private bits = TABLE_BITS
  /** Per slot: key (−1: free), start (in entries), count, capacity. */
  slots: Int32Array = new Int32Array(SLOT << TABLE_BITS).fill(-1)
  /** The buckets' entries: item, hi, lo. */
  arena: Int32Array = new Int32Array(4096 * ENTRY)
  private distinct = 0
  /** Entries of the arena claimed. */
  private arenaSize = 0

  /** The slot of `key` (times SLOT): its own, or the free one where it would go. */
  slotOf(key: number): number {
    const mask = (1 << this.bits) - 1
    const slots = this.slots
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - this.bits)
    for (;;) {
      const at = slot * SLOT
      const k = slots[at]!
      if (k === key || k === -1) return at
      slot = (slot + 1) & mask
    }
  }

  /** The stored images (and their hashes) of this chunk's key, in the order added. */
  entriesOf(key: number): Array<[number, number, number]> {
    const at = this.slotOf(key)
    const out: Array<[number, number, number]> = []
    if (this.slots[at] === -1) return out
    const from = this.slots[at + 1]! * ENTRY
    for (let e = 0; e < this.slots[at + 2]!; e++)
      out.push([this.arena[from + e * ENTRY]!, this.arena[from + e * ENTRY + 1]!, this.arena[from + e * ENTRY + 2]!])
    return out
  }

  add(key: number, item: number, hi: number, lo: number): void {
    let at = this.slotOf(key)
    if (this.slots[at] === -1) {
      if (2 * (this.distinct + 1) > 1 << this.bits) {
        this.grow()
        at = this.slotOf(key)
      }
      this.distinct += 1
      this.slots[at] = key
      this.slots[at + 1] = this.claim(1)
      this.slots[at + 2] = 0
      this.slots[at + 3] = 1
    } else if (this.slots[at + 2] === this.slots[at + 3]) {
      // full: the bucket moves to the arena's end with twice the room
      const count = this.slots[at + 2]!
      const to = this.claim(2 * count)
      const from = this.slots[at + 1]!
      this.arena.copyWithin(to * ENTRY, from * ENTRY, (from + count) * ENTRY)
      this.slots[at + 1] = to
      this.slots[at + 3] = 2 * count
    }
    const e = (this.slots[at + 1]! + this.slots[at + 2]!) * ENTRY
    this.arena[e] = item
    this.arena[e + 1] = hi
    this.arena[e + 2] = lo
    this.slots[at + 2] += 1
  }

  /** Room for `entries` entries at the arena's end (grown as needed): where they start. */
  private claim(entries: number): number {
    const start = this.arenaSize
    if ((start + entries) * ENTRY > this.arena.length) {
      const grown = new Int32Array(Math.max(2 * this.arena.length, (start + entries) * ENTRY))
      grown.set(this.arena.subarray(0, start * ENTRY))
      this.arena = grown
    }
    this.arenaSize += entries
    return start
  }

  /** Twice the slots (the keys placed again). */
  private grow(): void {
    const old = this.slots
    this.bits += 1
    this.slots = new Int32Array(SLOT << this.bits).fill(-1)
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from] === -1) continue
      const at = this.slotOf(old[from]!)
      this.slots.set(old.subarray(from, from + SLOT), at)
    }
  }
}

/** An index that grows one image at a time and answers: which stored images is this one a near duplicate of? */
export class NearDuplicateIndex {
  readonly maxDistance: number
  readonly viewMaxDistance: number
  readonly minSimilarity: number
  /** Candidate pairs (a new image and a stored one within the distance through some view; each confirmed or not). */
  candidates = 0
  /** Candidates that passed the cheap filter and were aligned. */
  aligned = 0
  /** Per chunk, the masks of a whole-image query (undefined: scan every stored hash). */
  private readonly masks: Array<Int32Array | undefined>
  private readonly tables: ChunkTable[] = Array.from({ length: CHUNKS }, () => new ChunkTable())
  private readonly stored: ImageSignature[] = []
  private hi = new Uint32Array(1024)
  private lo = new Uint32Array(1024)
  /** Per stored image, for the current query: the query stamp, the closest view's distance and index. */
  private seen = new Int32Array(1024).fill(-1)
  private bestDistance = new Int32Array(1024)
  private bestView = new Int32Array(1024)
  /** Per stored image, for the current query: the best grid correlation of a view that hit it. */
  private bestGrid = new Float32Array(1024)
  /** The current query's meetings (a view within the distance of a stored image): view, distance, next of the same image (−1: last). */
  private meetView: Int32Array = new Int32Array(1024)
  private meetDistance: Int32Array = new Int32Array(1024)
  private meetNext: Int32Array = new Int32Array(1024)
  private meets = 0
  /** The stored images the current query has met, in the order first met. */
  private hits = new Int32Array(1024)
  private hitCount = 0
  /** Per stored image met by the current query: its first and last meeting. */
  private firstMeet = new Int32Array(1024)
  private lastMeet = new Int32Array(1024)
  /** Per stored image: the stamp of the last view query that met it (a hash met again through another chunk or probe of the same view is skipped: same distance, same grid correlation). */
  private visited = new Int32Array(1024).fill(-1)
  private viewStamp = 0
  /** Per stored image: its normalised 9×8 grid, then the same read mirrored (2 × GRID_CELLS floats each). */
  private grids = new Float32Array(1024 * 2 * GRID_CELLS)
  /** Per stored image: the length of its grid's cells from GRID_SPLIT on (the same read mirrored: the same cells). */
  private gridTails = new Float64Array(1024)
  /** The current query's view grids, and per plain view the length of its cells from GRID_SPLIT on. */
  private queryGrids: Float32Array = new Float32Array(0)
  private readonly queryTails = new Float64Array(MIRRORED_VIEW)
  private stamp = 0

  constructor(options: { maxDistance?: number; minSimilarity?: number } = {}) {
    this.maxDistance = options.maxDistance ?? NEAR_MAX_DISTANCE
    this.minSimilarity = options.minSimilarity ?? NEAR_MIN_SIMILARITY
    this.viewMaxDistance = nearViewMaxDistance(this.maxDistance)
    const radius = Math.floor(this.maxDistance / CHUNKS)
    this.masks = CHUNK_BITS.map((bits) => {
      // C(bits, ≤ radius) masks: past MAX_MASKS a linear scan is cheaper and finds the same
      let count = 1
      let term = 1
      for (let r = 1; r <= radius; r++) {
        term = (term * (bits - r + 1)) / r
        count += term
      }
      return count <= MAX_MASKS ? masksWithin(bits, radius) : undefined
    })
  }

  get size(): number {
    return this.stored.length
  }

  /** Correlation of view k's 9×8 grid with stored image j's (a mirrored view: the plain view's grid with j's read mirrored), or −Infinity when it is proven below `floor` (gridCorrelationAbove). */
  private gridCorrelation(j: number, k: number, floor: number): number {
    const source = VIEW_SOURCE[k]!
    return gridCorrelationAbove(
      this.queryGrids,
      GRID_CELLS * source,
      this.queryTails[source]!,
      this.grids,
      2 * GRID_CELLS * j + (k < MIRRORED_VIEW ? 0 : GRID_CELLS),
      this.gridTails[j]!,
      floor,
    )
  }

  /** Records that view k met stored image j at `distance` in the current query (judged by settle(), after every view). */
  private note(j: number, distance: number, k: number): void {
    const t = this.meets++
    if (t === this.meetView.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2)
        b.set(a)
        return b
      }
      this.meetView = grow(this.meetView)
      this.meetDistance = grow(this.meetDistance)
      this.meetNext = grow(this.meetNext)
    }
    this.meetView[t] = k
    this.meetDistance[t] = distance
    this.meetNext[t] = -1
    if (this.seen[j] !== this.stamp) {
      this.seen[j] = this.stamp
      this.firstMeet[j] = t
      if (this.hitCount === this.hits.length) {
        const grown = new Int32Array(this.hits.length * 2)
        grown.set(this.hits)
        this.hits = grown
      }
      this.hits[this.hitCount++] = j
    } else this.meetNext[this.lastMeet[j]!] = t
    this.lastMeet[j] = t
  }

  /**
   * Stored image j's view for the current query: of the views that met it, in view order, the one whose grid
   * correlates best (ties: the first). Judged per image after every view has probed, so that the image's grid is
   * read while it is at hand.
   */
  private settle(j: number): void {
    // a meeting whose correlation is proven below both the prefilter and the best so far changes nothing: not finished (gridCorrelationAbove)
    let t = this.firstMeet[j]!
    this.bestDistance[j] = this.meetDistance[t]!
    this.bestView[j] = this.meetView[t]!
    this.bestGrid[j] = this.gridCorrelation(j, this.meetView[t]!, NEAR_GRID_PREFILTER)
    for (t = this.meetNext[t]!; t >= 0; t = this.meetNext[t]!) {
      const r = this.gridCorrelation(j, this.meetView[t]!, Math.max(NEAR_GRID_PREFILTER, this.bestGrid[j]!))
      if (r > this.bestGrid[j]!) {
        this.bestDistance[j] = this.meetDistance[t]!
        this.bestView[j] = this.meetView[t]!
        this.bestGrid[j] = r
      }
    }
  }

  /** Stored images within `limit` bits of view k's hash, probing each chunk's keys within the masks (without masks: the exact key and the keys with one of the view's least certain bits flipped). */
  private probe(
    qh: number,
    ql: number,
    k: number,
    limit: number,
    masks: Array<Int32Array | undefined> | undefined,
    weak: Int32Array,
  ): void {
    const n = this.stored.length
    const stamp = ++this.viewStamp
    const visited = this.visited
    if (masks?.some((m) => m === undefined)) {
      for (let j = 0; j < n; j++) {
        const distance = popcount32((qh ^ this.hi[j]!) >>> 0) + popcount32((ql ^ this.lo[j]!) >>> 0)
        if (distance <= limit) this.note(j, distance, k)
      }
      return
    }
    for (let c = 0; c < CHUNKS; c++) {
      const key = chunkKey(qh, ql, c)
      const table = this.tables[c]!
      const chunkMasks = masks?.[c]
      const probes = chunkMasks ? chunkMasks.length : 1 + WEAK_BITS
      const weakAt = (k * CHUNKS + c) * WEAK_BITS - 1
      for (let p = 0; p < probes; p++) {
        const want = chunkMasks ? key ^ chunkMasks[p]! : p === 0 ? key : key ^ weak[weakAt + p]!
        const at = table.slotOf(want)
        const slots = table.slots
        if (slots[at] === -1) continue
        // every image of the bucket has this key; an image met again (another chunk or probe of this view) is at the same distance
        const arena = table.arena
        const from = slots[at + 1]! * ENTRY
        const to = from + slots[at + 2]! * ENTRY
        for (let e = from; e < to; e += ENTRY) {
          const distance = bitCount64(qh ^ arena[e + 1]!, ql ^ arena[e + 2]!)
          if (distance > limit) continue
          const j = arena[e]!
          if (visited[j] === stamp) continue
          visited[j] = stamp
          this.note(j, distance, k)
        }
      }
    }
  }

  /** Matches of a new image among the stored ones (the best alignment per stored image), then stores it; without views it is only stored. */
  add(signature: ImageSignature, views?: ViewSet): NearMatch[] {
    const found = this.search(signature, views)
    return found.flatMap((c) => {
      const match = nearMatchOf(
        c,
        alignPair(this.baseOf(c.other), signature.base, c.hint, this.minSimilarity),
        this.minSimilarity,
      )
      return match ? [match] : []
    })
  }

  /** The stored image j's 32×32 base (rounded). */
  baseOf(j: number): Uint8Array {
    return this.stored[j]!.base
  }

  /**
   * The candidates of a new image that pass the cheap filters (in stored order: each to be aligned with alignPair and
   * judged by nearMatchOf, on any thread: neither depends on the index), then stores the image; without views it is only stored.
   */
  search(signature: ImageSignature, views?: ViewSet): NearCandidate[] {
    const found: NearCandidate[] = []
    if (views) {
      this.stamp += 1
      this.meets = 0
      this.queryGrids = views.grids
      for (let v = 0; v < MIRRORED_VIEW; v++) this.queryTails[v] = gridTail(views.grids, GRID_CELLS * v)
      this.hitCount = 0
      const count = VIEW_NAMES.length
      for (let k = 0; k < count; k++) {
        const whole = k === 0 || k === MIRRORED_VIEW
        // the image and its mirror within --max-distance (every key within the radius); other views: one chunk equal
        this.probe(
          views.hashes[2 * k]!,
          views.hashes[2 * k + 1]!,
          k,
          whole ? Math.max(this.maxDistance, this.viewMaxDistance) : this.viewMaxDistance,
          whole ? this.masks : undefined,
          views.weak,
        )
      }
      // the stored images met, in stored order (a typed array sorts numerically)
      const hits = this.hits.subarray(0, this.hitCount).sort()
      for (let h = 0; h < hits.length; h++) {
        const j = hits[h]!
        this.settle(j)
        const k = this.bestView[j]!
        this.candidates += 1
        const stored = this.stored[j]!
        if (this.bestGrid[j]! < NEAR_GRID_PREFILTER) continue
        if (dot(views.thumb(k), stored.thumb) < Math.min(NEAR_PREFILTER, this.minSimilarity)) continue
        this.aligned += 1
        const view = VIEW_NAMES[k]!
        found.push({ other: j, distance: this.bestDistance[j]!, view, hint: viewAlignment(view) })
      }
    }
    this.store(signature)
    return found
  }

  private store(signature: ImageSignature): void {
    const index = this.stored.length
    this.stored.push(signature)
    if (index >= this.seen.length) {
      const size = this.seen.length * 2
      const grow = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(size)
        b.set(a)
        return b
      }
      this.seen = grow(this.seen, (n) => new Int32Array(n).fill(-1))
      this.visited = grow(this.visited, (n) => new Int32Array(n).fill(-1))
      this.bestDistance = grow(this.bestDistance, (n) => new Int32Array(n))
      this.bestView = grow(this.bestView, (n) => new Int32Array(n))
      this.firstMeet = grow(this.firstMeet, (n) => new Int32Array(n))
      this.lastMeet = grow(this.lastMeet, (n) => new Int32Array(n))
      const grids = new Float32Array(size * 2 * GRID_CELLS)
      grids.set(this.grids)
      this.grids = grids
      const bestGrid = new Float32Array(size)
      bestGrid.set(this.bestGrid)
      this.bestGrid = bestGrid
      const gridTails = new Float64Array(size)
      gridTails.set(this.gridTails)
      this.gridTails = gridTails
      this.hi = grow(this.hi, (n) => new Uint32Array(n))
      this.lo = grow(this.lo, (n) => new Uint32Array(n))
    }
    this.grids.set(signature.grid, 2 * GRID_CELLS * index)
    mirrorGridInto(signature.grid, this.grids, 2 * GRID_CELLS * index + GRID_CELLS)
    this.gridTails[index] = gridTail(signature.grid, 0)
    this.hi[index] = signature.hash[0]
    this.lo[index] = signature.hash[1]
    for (let c = 0; c < CHUNKS; c++) {
      this.tables[c]!.add(
        chunkKey(signature.hash[0], signature.hash[1], c),
        index,
        signature.hash[0],
        signature.hash[1],
      )
    }
  }
}

/**
 * The first GRID_SPLIT cells of the 9×8 grid: its first three rows, the same cells whether the grid is read plain or
 * mirrored (a mirror moves cells within their row), so one tail length serves both readings.
 */
const GRID_SPLIT = 27
/** Slack of the bound: far above the rounding of 72 products summed in doubles (about 1e-14 for unit-length grids). */
const GRID_BOUND_SLACK = 1e-9

/** Length of the cells from GRID_SPLIT on of the grid at `at`. */
function gridTail(g: Float32Array, at: number): number {
  let s = 0
  for (let i = at + GRID_SPLIT; i < at + GRID_CELLS; i++) s += g[i]! * g[i]!
  return Math.sqrt(s)
}

/**
 * The dot product of q's grid at qo with g's at go (summed in cell order, as a plain loop would), or −Infinity when,
 * after the first GRID_SPLIT cells, what the rest can add (at most the product of the two tails' lengths, by
 * Cauchy–Schwarz) leaves it below `floor` by more than GRID_BOUND_SLACK: an exact early exit (a value at or above
 * `floor` is always returned in full).
 */
export function gridCorrelationAbove(
  q: Float32Array,
  qo: number,
  qTail: number,
  g: Float32Array,
  go: number,
  gTail: number,
  floor: number,
): number {
  let s = 0
  for (let i = 0; i < GRID_SPLIT; i++) s += q[qo + i]! * g[go + i]!
  if (s + qTail * gTail + GRID_BOUND_SLACK < floor) return -Infinity
  for (let i = GRID_SPLIT; i < GRID_CELLS; i++) s += q[qo + i]! * g[go + i]!
  return s
}

/**
 * Set bits of two 32-bit words together (popcount32 of src/audit/imageSignature.ts on each, summed; here so that the
 * probe loop inlines it): the two words' 4-bit counts are added before the bytes are summed (each byte at most 16,
 * so nothing carries).
 */
export function bitCount64(x: number, y: number): number {
  let a = x - ((x >>> 1) & 0x55555555)
  let b = y - ((y >>> 1) & 0x55555555)
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333)
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333)
  const t = a + b
  return Math.imul((t & 0x0f0f0f0f) + ((t >>> 4) & 0x0f0f0f0f), 0x01010101) >>> 24
}

/** Dot product of two normalised thumbnails: their Pearson correlation. */
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
