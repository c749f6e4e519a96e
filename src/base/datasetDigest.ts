import crypto, { createHash } from 'node:crypto'

const LIMBS = 8 // 8 × 32 bits = 256 bits, most significant first
const LIMB = 2 ** 32

/**
 * An additive multiset hash: the sum modulo 2^256 of one sha256 per sample, written as 64 hex
 * digits. The sum does not depend on the order samples were added in, so an interrupted run
 * stores it and resumes adding to it, and shards' digests add up to the unsharded run's digest.
 * The empty set is 64 zeros. What each sample contributes is defined by the functions below
 * (see docs/identity.md).
 */
export class DatasetDigest {
  private readonly limbs: Float64Array

  constructor(startHex?: string) {
    this.limbs = startHex === undefined ? new Float64Array(LIMBS) : DatasetDigest.limbsOf(startHex)
  }

  private static limbsOf(hex: string): Float64Array {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`dataset digest '${hex}' is not 64 lowercase hex digits`)
    return Float64Array.from({ length: LIMBS }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16))
  }

  /** Checks that `hex` is a digest (64 lowercase hex digits) and returns its value. */
  static parse(hex: string): bigint {
    DatasetDigest.limbsOf(hex)
    return BigInt(`0x${hex}`)
  }

  /** The digest of the union of disjoint sample sets with these digests. */
  static combine(hexes: readonly string[]): string {
    const sum = new DatasetDigest()
    for (const h of hexes) sum.addLimbs(DatasetDigest.limbsOf(h))
    return sum.hex()
  }

  private addLimbs(other: ArrayLike<number>): void {
    let carry = 0
    for (let i = LIMBS - 1; i >= 0; i--) {
      const s = this.limbs[i]! + other[i]! + carry
      carry = s >= LIMB ? 1 : 0
      this.limbs[i] = s - carry * LIMB
    }
  }

  /** Adds one sample's 32-byte hash (a sha256 digest). */
  addHash(hash: Buffer): void {
    let carry = 0
    for (let i = LIMBS - 1; i >= 0; i--) {
      const s = this.limbs[i]! + hash.readUInt32BE(i * 4) + carry
      carry = s >= LIMB ? 1 : 0
      this.limbs[i] = s - carry * LIMB
    }
  }

  /** Adds one sample given as its identity (see sampleHashes). */
  add(sample: SampleIdentity): void {
    this.addHash(sampleHashes(sample).digest)
  }

  hex(): string {
    let out = ''
    for (const limb of this.limbs) out += limb.toString(16).padStart(8, '0')
    return out
  }
}

/** What identifies one scored sample: its id (row number, relative path), truth label and pixel content. */
export interface SampleIdentity {
  id: string
  label: string
  /** contentHash() of the decoded image, or UNREADABLE for an image that could not be decoded. */
  content: string
}

/** The content of a sample whose image could not be decoded (a failure): it still counts in the settled digest. */
export const UNREADABLE = 'unreadable'

/**
 * sha256 of a decoded image: the text `<width>x<height>x<channels>\n` followed by its 8-bit pixels
 * (row-major, channels interleaved), as 64 hex digits. Two files holding the same picture (a CSV
 * row, a PNG copy) give the same hash; a lossy re-encoding (JPEG) does not.
 */
export function contentHash(image: { width: number; height: number; channels: number; data: Uint8Array }): string {
  return createHash('sha256')
    .update(`${image.width}x${image.height}x${image.channels}\n`)
    .update(image.data)
    .digest('hex')
}

/** The first 16 hex digits of a content hash: the key per-sample predictions carry to pair samples across files. */
export const contentKey = (content: string): string => content.slice(0, 16)

/** Node's one-shot crypto.hash (Node ≥ 20.12; about twice as fast on short texts), else createHash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, outputEncoding: 'buffer') => Buffer }).hash
const sha = (text: string): Buffer =>
  oneShot ? oneShot('sha256', text, 'buffer') : createHash('sha256').update(text).digest()

/** sampleHashes(sample).digest alone (robust adds it to each condition's digest). */
export function sampleDigestHash(sample: SampleIdentity): Buffer {
  return sha(`${sample.id}\t${sample.label}\t${sample.content}\n`)
}

/**
 * The three hashes one sample adds:
 * - `digest` (dataset.digest, resume, merge): sha256(`id\tlabel\tcontent\n`) — ids, labels and pixels;
 * - `content` (dataset.contentDigest, compare/gate): sha256(`label\tcontent\n`) — pictures and labels,
 *   whatever file or row they were read from;
 * - `ids` (dataset.idDigest): sha256(`id\tlabel\n`) — ids and labels only, the digest of results
 *   made before pixels were hashed, so older documents can still be matched (on ids and labels).
 */
export function sampleHashes(sample: SampleIdentity): { digest: Buffer; content: Buffer; ids: Buffer } {
  return {
    digest: sampleDigestHash(sample),
    content: sha(`${sample.label}\t${sample.content}\n`),
    ids: sha(`${sample.id}\t${sample.label}\n`),
  }
}

/** The three digests of a set of scored samples (see sampleHashes). */
export class SampleDigests {
  readonly digest: DatasetDigest
  readonly content: DatasetDigest
  readonly ids: DatasetDigest

  constructor(start?: { digest: string; contentDigest?: string | undefined; idDigest?: string | undefined }) {
    this.digest = new DatasetDigest(start?.digest)
    this.content = new DatasetDigest(start?.contentDigest)
    this.ids = new DatasetDigest(start?.idDigest)
  }

  add(hashes: ReturnType<typeof sampleHashes>): void {
    this.digest.addHash(hashes.digest)
    this.content.addHash(hashes.content)
    this.ids.addHash(hashes.ids)
  }

  /** The dataset fields: digest, contentDigest, idDigest. */
  fields(): { digest: string; contentDigest: string; idDigest: string } {
    return { digest: this.digest.hex(), contentDigest: this.content.hex(), idDigest: this.ids.hex() }
  }
}
