import { createHash } from 'node:crypto'
import type { DatasetAdapter, Sample } from '../datasets/types.js'
import type { RawImage } from '../base/image.js'
import type { Emotion } from '../base/emotions.js'
import { messageOf } from '../base/errors.js'
import { textRecord } from '../base/textKeys.js'

/** One sampled image, decoded once and reused by every candidate card. */
export interface SampledImage {
  id: string
  label: Emotion
  source: string
  image: RawImage
}

export interface StratifiedSample {
  images: SampledImage[]
  /** Samples taken per class (dataset order). */
  perClass: Record<string, number>
  /** Samples the split holds per class. */
  available: Record<string, number>
  /** Samples that could not be decoded (skipped, each named). */
  failures: string[]
}

/** The sampling key of a sample: sha256(seed, id) — independent of the order the adapter yields samples. */
function sampleKey(seed: number, id: string): string {
  return createHash('sha256').update(`${seed}\u0000${id}`).digest('hex')
}

/**
 * How many of `requested` samples each class gets: equal shares, a class with fewer samples than
 * its share gives the rest to the others (water-filling), so rare classes are fully used.
 */
export function allocate(available: readonly number[], requested: number): number[] {
  const take = available.map(() => 0)
  let left = Math.min(
    requested,
    available.reduce((a, b) => a + b, 0),
  )
  for (;;) {
    const open = available.map((_, i) => i).filter((i) => take[i]! < available[i]!)
    if (left <= 0 || open.length === 0) return take
    const share = Math.max(1, Math.floor(left / open.length))
    for (const i of open) {
      if (left <= 0) break
      const add = Math.min(share, available[i]! - take[i]!, left)
      take[i]! += add
      left -= add
    }
  }
}

/**
 * A seeded stratified sample of one split: per class, the samples with the smallest
 * sha256(seed, id), in equal shares (see allocate). Streams the split once and holds at most
 * `requested` candidates per class; each chosen image is decoded once.
 */
export async function stratifiedSample(
  adapter: DatasetAdapter,
  split: string,
  requested: number,
  seed: number,
  /** Images decoded by an earlier, smaller sample (keyed by split and id): reused, not decoded again. */
  decoded?: Map<string, RawImage>,
): Promise<StratifiedSample> {
  const kept = new Map<Emotion, Array<{ key: string; sample: Sample }>>()
  const available = new Map<Emotion, number>()
  for await (const sample of adapter.samples(split)) {
    available.set(sample.label, (available.get(sample.label) ?? 0) + 1)
    const list = kept.get(sample.label) ?? []
    kept.set(sample.label, list)
    list.push({ key: sampleKey(seed, sample.id), sample })
    if (list.length >= 2 * requested) {
      list.sort((a, b) => (a.key < b.key ? -1 : 1))
      list.length = requested
    }
  }
  const labels = adapter.labels.filter((l) => available.has(l))
  const take = allocate(
    labels.map((l) => available.get(l)!),
    requested,
  )
  const chosen: Array<{ key: string; sample: Sample }> = []
  labels.forEach((label, i) => {
    const list = kept.get(label)!.sort((a, b) => (a.key < b.key ? -1 : 1))
    chosen.push(...list.slice(0, take[i]))
  })
  chosen.sort((a, b) => (a.key < b.key ? -1 : 1))
  const images: SampledImage[] = []
  const failures: string[] = []
  const perClass = textRecord<number>()
  for (const { sample } of chosen) {
    try {
      const key = `${split}\u0000${sample.id}`
      const image = decoded?.get(key) ?? (await sample.load())
      decoded?.set(key, image)
      images.push({ id: sample.id, label: sample.label, source: sample.source, image })
      perClass[sample.label] = (perClass[sample.label] ?? 0) + 1
    } catch (error) {
      failures.push(`${sample.source}: ${messageOf(error)}`)
    }
  }
  return { images, perClass, available: Object.fromEntries(labels.map((l) => [l, available.get(l)!])), failures }
}

/**
 * A larger sample when a tie blocks the card: every labelled image of `splits` (in that order) up to
 * `limit` images in all; a split that does not fit whole is sampled as stratifiedSample does with
 * what is left. Images already decoded are reused.
 */
export async function growSample(
  adapter: DatasetAdapter,
  splits: readonly string[],
  limit: number,
  seed: number,
  decoded: Map<string, RawImage>,
): Promise<StratifiedSample> {
  const images: SampledImage[] = []
  const perClass = textRecord<number>()
  const available = textRecord<number>()
  const failures: string[] = []
  for (const split of splits) {
    const left = limit - images.length
    if (left <= 0) break
    const part = await stratifiedSample(adapter, split, left, seed, decoded)
    images.push(...part.images)
    failures.push(...part.failures)
    for (const [k, v] of Object.entries(part.perClass)) perClass[k] = (perClass[k] ?? 0) + v
    for (const [k, v] of Object.entries(part.available)) available[k] = (available[k] ?? 0) + v
  }
  return { images, perClass, available, failures }
}
