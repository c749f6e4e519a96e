import { createHash } from 'node:crypto'
import path from 'node:path'
import pLimit from 'p-limit'
import { DECODE_SLOTS } from '../datasets/decode.js'
import { loadSharp } from '../preprocess/sharpModule.js'
import { createDataset } from '../datasets/registry.js'
import type { DatasetOptions, RawImage, Sample } from '../datasets/types.js'
import { toGray } from '../preprocess/pixels.js'
import type { SampleFailure } from '../report/evalResult.js'
import { FerbenchError, messageOf } from './errors.js'

export const AUDIT_SCHEMA = 'ferbench/dataset-audit@1'
/** Two images whose 64-bit dHashes differ in at most this many bits are reported as near-duplicates. */
export const NEAR_DUPLICATE_MAX_BITS = 10
export const EXACT_METHOD = 'sha256 of the decoded 8-bit pixels with their width, height and channels'
export const NEAR_METHOD = `dHash: gray (BT.601), resized to 9×8 (sharp, bilinear), bit = left pixel < right neighbour, 64 bits; near-duplicate when the Hamming distance ≤ ${NEAR_DUPLICATE_MAX_BITS} and the pixels differ`

export interface AuditItem {
  split: string
  id: string
}

export interface AuditResult {
  schema: typeof AUDIT_SCHEMA
  dataset: string
  path: string
  splits: string[]
  samples: number
  method: { exact: string; near: string; nearMaxBits: number }
  /** Groups of samples with identical decoded pixels (crossSplit: the group spans more than one split). */
  exactDuplicates: Array<{ crossSplit: boolean; items: AuditItem[] }>
  /** Pairs of samples with close perceptual hashes but different pixels. */
  nearDuplicates: Array<{ crossSplit: boolean; distance: number; a: AuditItem; b: AuditItem }>
  crossSplitExact: number
  crossSplitNear: number
  warnings: string[]
  failures: Array<SampleFailure & { split: string }>
}

export interface AuditOptions extends Omit<DatasetOptions, 'fold' | 'folds'> {
  dataset: string
  /** Images decoded at once. */
  concurrency?: number
  /** Called with the number of images settled (hashed or failed) so far. */
  onProgress?: (done: number) => void
}

export function pixelHash(image: RawImage): string {
  return createHash('sha256').update(`${image.width}x${image.height}x${image.channels}\n`).update(image.data).digest('hex')
}

/** 64-bit difference hash as [high 32 bits, low 32 bits]. */
export async function dHash(image: RawImage): Promise<[number, number]> {
  const gray = toGray(image)
  const sharp = await loadSharp()
  const small = await sharp(gray.data, { raw: { width: gray.width, height: gray.height, channels: 1 } })
    .resize(9, 8, { kernel: 'linear', fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer()
  if (small.length !== 72) throw new Error(`internal: dHash resize gave ${small.length} bytes, expected 9×8`)
  let hi = 0
  let lo = 0
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const bit = small[y * 9 + x]! < small[y * 9 + x + 1]! ? 1 : 0
      const i = y * 8 + x
      if (i < 32) hi = (hi | (bit << (31 - i))) >>> 0
      else lo = (lo | (bit << (63 - i))) >>> 0
    }
  }
  return [hi, lo]
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

export function hamming(a: readonly [number, number], b: readonly [number, number]): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0)
}

interface Hashed {
  item: AuditItem
  exact: string
  near: [number, number]
}

/**
 * Decodes every sample of every split (bounded concurrency), groups identical pixels and pairs
 * perceptually close images: a test image that also sits in training inflates accuracy.
 * Near-duplicate search compares all pairs (n²/2 Hamming distances on 64-bit hashes).
 */
export async function auditDataset(options: AuditOptions): Promise<AuditResult> {
  const { dataset, concurrency = 4, onProgress, ...datasetOptions } = options
  const adapter = createDataset(dataset, datasetOptions)
  const splits = options.split ? [options.split] : [...adapter.splits()]
  const hashed: Hashed[] = []
  const failures: AuditResult['failures'] = []
  const decodeSlots = pLimit(DECODE_SLOTS)
  for (const split of splits) {
    const inFlight = new Set<Promise<void>>()
    const hashOne = async (s: Sample): Promise<void> => {
      try {
        // a decoded image is held only inside a slot: memory stays bounded whatever --concurrency is
        const entry = await decodeSlots(async (): Promise<Hashed> => {
          const image = await s.load()
          return { item: { split, id: s.id }, exact: pixelHash(image), near: await dHash(image) }
        })
        hashed.push(entry)
      } catch (error) {
        if (error instanceof FerbenchError) throw error
        failures.push({ split, id: s.id, source: s.source, error: messageOf(error) })
      }
      onProgress?.(hashed.length + failures.length)
    }
    for await (const s of adapter.samples(split)) {
      const p = hashOne(s).finally(() => inFlight.delete(p))
      inFlight.add(p)
      if (inFlight.size >= concurrency) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
  }
  const order = (a: AuditItem, b: AuditItem): number => splits.indexOf(a.split) - splits.indexOf(b.split) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  hashed.sort((a, b) => order(a.item, b.item))
  const groups = new Map<string, AuditItem[]>()
  for (const h of hashed) groups.set(h.exact, [...(groups.get(h.exact) ?? []), h.item])
  const exactDuplicates = [...groups.values()]
    .filter((items) => items.length > 1)
    .map((items) => ({ crossSplit: new Set(items.map((i) => i.split)).size > 1, items }))
  const nearDuplicates: AuditResult['nearDuplicates'] = []
  for (let i = 0; i < hashed.length; i++) {
    for (let j = i + 1; j < hashed.length; j++) {
      const a = hashed[i]!
      const b = hashed[j]!
      if (a.exact === b.exact) continue
      const distance = hamming(a.near, b.near)
      if (distance <= NEAR_DUPLICATE_MAX_BITS) nearDuplicates.push({ crossSplit: a.item.split !== b.item.split, distance, a: a.item, b: b.item })
    }
  }
  const warnings = [...adapter.warnings]
  const crossSplitExact = exactDuplicates.filter((g) => g.crossSplit).length
  const crossSplitNear = nearDuplicates.filter((p) => p.crossSplit).length
  if (crossSplitExact > 0) warnings.push(`${crossSplitExact} group(s) of identical images span splits: test images also in another split inflate accuracy`)
  if (crossSplitNear > 0) warnings.push(`${crossSplitNear} near-duplicate pair(s) span splits (dHash distance ≤ ${NEAR_DUPLICATE_MAX_BITS})`)
  if (splits.length < 2) warnings.push(`${dataset} has one split here (${splits.join(', ')}): duplicates listed are within it`)
  return {
    schema: AUDIT_SCHEMA,
    dataset,
    path: path.resolve(options.data),
    splits,
    samples: hashed.length,
    method: { exact: EXACT_METHOD, near: NEAR_METHOD, nearMaxBits: NEAR_DUPLICATE_MAX_BITS },
    exactDuplicates,
    nearDuplicates,
    crossSplitExact,
    crossSplitNear,
    warnings,
    failures,
  }
}
