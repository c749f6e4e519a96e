import { createHash } from 'node:crypto'

const MODULUS = 1n << 256n

/** sha256 of one `id\tlabel\n` line, as a 256-bit unsigned integer. */
function lineHash(id: string, label: string): bigint {
  return BigInt(`0x${createHash('sha256').update(`${id}\t${label}\n`).digest('hex')}`)
}

const toHex = (value: bigint): string => value.toString(16).padStart(64, '0')

/**
 * Digest of a set of (sample id, truth label) pairs, the same whatever order they were scored in,
 * resumable and mergeable: the sum modulo 2^256 of sha256(`id\tlabel\n`) over the samples, as 64
 * hex digits (an additive multiset hash). An interrupted run stores it and resumes adding to it;
 * shards' digests add up to the unsharded run's digest. Two results with the same digest (and
 * sample count) scored the same samples with the same truth labels; the empty set is 64 zeros.
 */
export class DatasetDigest {
  private sum: bigint

  constructor(startHex?: string) {
    this.sum = startHex === undefined ? 0n : DatasetDigest.parse(startHex)
  }

  static parse(hex: string): bigint {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`dataset digest '${hex}' is not 64 lowercase hex digits`)
    return BigInt(`0x${hex}`)
  }

  /** The digest of the union of disjoint sample sets with these digests. */
  static combine(hexes: readonly string[]): string {
    return toHex(hexes.reduce((acc, h) => (acc + DatasetDigest.parse(h)) % MODULUS, 0n))
  }

  /** The hash one sample adds, for callers that add the same sample to several digests. */
  static sampleHash(id: string, label: string): bigint {
    return lineHash(id, label)
  }

  add(id: string, label: string): void {
    this.addHash(lineHash(id, label))
  }

  addHash(hash: bigint): void {
    this.sum = (this.sum + hash) % MODULUS
  }

  hex(): string {
    return toHex(this.sum)
  }
}
