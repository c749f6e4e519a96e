import { createHash } from 'node:crypto'
import { usageError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'

/** One part of a sharded run: `index` is 1-based, 1 ≤ index ≤ count. */
export interface Shard {
  index: number
  count: number
}

/** The documented name of the shard hash, recorded in results. */
export const SHARD_HASH = 'sha256(id)[0..4] as uint32 big-endian, mod count'

/** Parses `--shard i/n` (1-based i). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!m) throw usageError(`--shard ${text}: expected i/n with 1 ≤ i ≤ n, e.g. --shard 2/4`)
  const index = Number(m[1])
  const count = Number(m[2])
  if (count > LIMITS.shardCount)
    throw usageError(`--shard ${text}: at most ${LIMITS.shardCount} shards (got n=${m[2]})`)
  if (count < 1 || index < 1 || index > count)
    throw usageError(`--shard ${text}: expected i/n with 1 ≤ i ≤ n (got i=${index}, n=${count})`)
  return { index, count }
}

/**
 * The 1-based shard a sample id falls in: the first 4 bytes of sha256(id, UTF-8) read as an
 * unsigned big-endian integer, modulo `count`, plus 1. Depends only on the id, so every machine
 * puts every sample in the same shard whatever order it reads them in.
 */
export function shardOf(id: string, count: number): number {
  return (createHash('sha256').update(id).digest().readUInt32BE(0) % count) + 1
}

export const inShard = (id: string, shard: Shard): boolean =>
  shard.count === 1 || shardOf(id, shard.count) === shard.index
