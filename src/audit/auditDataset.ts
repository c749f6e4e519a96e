import path from 'node:path'
import pLimit from 'p-limit'
import { DECODE_SLOTS } from '../datasets/decodeLimits.js'
import { DecodeTally } from '../datasets/decodeTally.js'
import { assignFolds, FOLD_RULE } from '../datasets/folds.js'
import { PREFIX_SPLITS, prefixSplitOf } from '../datasets/folder.js'
import { createDataset, datasetFactory } from '../datasets/registry.js'
import type { DatasetOptions, Sample } from '../datasets/types.js'
import {
  AUDIT_SCHEMA,
  type AuditItem,
  type AuditResult,
  type NearDuplicatePair,
  type SubjectConflict,
} from '../results/auditDocument.js'
import { FerbenchError, messageOf } from '../base/errors.js'
import { contentHash } from '../base/datasetDigest.js'
import { viewsOf, type ViewParts } from './imageSignature.js'
import { defaultViewWorkers, ViewsPool } from './viewsPool.js'
import { naturalCompare } from '../base/naturalOrder.js'
import {
  NEAR_GRID_PREFILTER,
  NEAR_MAX_DETAIL_RESIDUAL,
  NEAR_MAX_LOCAL_RESIDUAL,
  NEAR_PREFILTER,
  NearDuplicateIndex,
  nearMatchOf,
  nearViewMaxDistance,
  type NearCandidate,
} from './nearDuplicates.js'
import { BASE_SIDE, type Alignment, type PairMatch, type Transformation } from './alignPair.js'
import { TRANSFORMATION_CLASSES } from '../results/auditDocument.js'

const EXACT_METHOD = 'sha256 of the decoded 8-bit pixels with their width, height and channels'
const nearMethod = (maxDistance: number, minSimilarity: number): string =>
  `candidates: 64-bit dHash (gray, area-averaged to 9×8, bit = left < right) of the image or its mirror within ${maxDistance} bits of the other image's, or of one of its views (shifted up to 3 px per 48, zoomed 0.9–1.1, cropped and resized back, mirrored) within ${nearViewMaxDistance(maxDistance)} bits with one of three chunks of the hash equal or one uncertain bit from it, found through a multi-index hash (no all-pairs scan); per pair the view whose 9×8 grid correlates best is kept when that correlation is ≥ ${NEAR_GRID_PREFILTER} and its 16×16 thumbnail correlates at ≥ ${NEAR_PREFILTER} with the other's; ` +
  `confirmed when, after aligning the newer image to the earlier (shift, scale, mirror searched from the view down to 1/8 px) and mapping its gray levels onto the earlier's by a fitted monotone curve, the central 84 % of the two correlate at ≥ ${minSimilarity} (Pearson, 16×16 grid) and no window of what is left holds more than ${NEAR_MAX_LOCAL_RESIDUAL} of the earlier image's variance (3×3 cells) nor more than ${NEAR_MAX_DETAIL_RESIDUAL} of its own variance in that window (4×4 cells); ` +
  `each pair carries its transformation class (mirror, scale, shift, photometric, jpeg/blur); pairs of mirror images are kind 'mirrored'; copies inside an exact group are represented by its first item`

/** The alignment of a pair seen from its other side (b on a ↔ a on b), in base pixels. */
function inverted(a: Alignment): Alignment {
  const sx = a.mirrored ? 1 : -1
  return { dx: (sx * a.dx) / a.scale, dy: -a.dy / a.scale, scale: 1 / a.scale, mirrored: a.mirrored }
}

export interface AuditOptions extends Omit<DatasetOptions, 'fold'> {
  dataset: string
  /** Images decoded at once. */
  concurrency?: number
  /** Worker threads computing the images' views (default: defaultViewWorkers(); 0: on the calling thread). The answer is the same for every number. */
  viewWorkers?: number
  maxDistance?: number
  minSimilarity?: number
  /** Called with the number of images settled (hashed and searched, or failed) so far. */
  onProgress?: (done: number) => void
}

/** Datasets with subjects and folds (CK+, JAFFE, or --folds): each item's fold by the documented rule. */
function assignSubjectFolds(
  defaultFolds: number | undefined,
  items: AuditItem[],
  foldsOption: number | undefined,
): { folds: number; rule: string } | undefined {
  const subjects = items.flatMap((i) => (i.subject !== undefined ? [i.subject] : []))
  const wanted = foldsOption ?? defaultFolds
  if (subjects.length === 0 || wanted === undefined) return undefined
  const folds = Math.min(wanted, new Set(subjects).size)
  const assignment = assignFolds(subjects, folds)
  for (const item of items) if (item.subject !== undefined) item.fold = assignment.get(item.subject)!
  return { folds, rule: FOLD_RULE }
}

/** Rounded for the document: shifts to 1/100 px, scales to 1/1000, tone changes to 1/10 level. */
const round2 = (v: number, per = 100): number => Math.round(v * per) / per

const itemOrder =
  (splits: readonly string[]) =>
  (a: AuditItem, b: AuditItem): number =>
    splits.indexOf(a.split) - splits.indexOf(b.split) || naturalCompare(a.id, b.id)

/**
 * Decodes every sample of every split (bounded concurrency), groups identical pixels and finds
 * re-saved and mirrored copies (src/audit/nearDuplicates.ts): a test image that also sits in
 * training inflates accuracy. FER2013 JPEG folders: the file-name prefix (PublicTest_…) is the
 * split, as in eval. Datasets with subjects: a picture under two subject ids is listed, with the
 * folds it spans.
 */
export async function auditDataset(options: AuditOptions): Promise<AuditResult> {
  const {
    dataset,
    concurrency = 4,
    viewWorkers,
    maxDistance,
    minSimilarity,
    onProgress,
    folds: foldsOption,
    ...datasetOptions
  } = options
  const adapter = await createDataset(dataset, datasetOptions)
  const adapterSplits = options.split ? [options.split] : [...adapter.splits()]
  const index = new NearDuplicateIndex({
    ...(maxDistance !== undefined ? { maxDistance } : {}),
    ...(minSimilarity !== undefined ? { minSimilarity } : {}),
  })
  const items: AuditItem[] = []
  /** Exact hash → first item index (the one the near search uses); items[i] → its exact group's first. */
  const firstOfHash = new Map<string, number>()
  const groupOf: number[] = []
  const matches: Array<{
    item: number
    other: number
    kind: 'near' | 'mirrored'
    distance: number
    similarity: number
    transformation: Transformation
    /** The newer image (item) on the earlier (other), base pixels. */
    alignment: Alignment
    toneChange: number
  }> = []
  /** Per item: its image's width and height (alignments are reported in the pixels of the pair's first image). */
  const sizes: Array<[number, number]> = []
  const failures: AuditResult['failures'] = []
  const decodeSlots = pLimit(DECODE_SLOTS)
  const decoded = new DecodeTally()
  /** Position in the near-duplicate index → item index. */
  const representatives: number[] = []
  const splitOf = (split: string, s: Sample): string => (dataset === 'folder' ? (prefixSplitOf(s.id) ?? split) : split)
  const pool = new ViewsPool(viewWorkers ?? defaultViewWorkers())
  /** Per image with candidates: its alignments, in the order the images were entered. */
  const confirmations: Array<Promise<{ item: number; found: NearCandidate[]; results: PairMatch[] }>> = []
  try {
    for (const split of adapterSplits) {
      type Analysed = { exact: string; size: [number, number]; parts: ViewParts | undefined }
      /** Decodes, hashes and (on the pool) computes the views of one sample; failures come back as a value. */
      const analyse = async (s: Sample): Promise<Analysed | { error: unknown }> => {
        try {
          // a decoded image is held only inside a slot: memory stays bounded whatever --concurrency is
          return await decodeSlots(async () => {
            const image = await s.load()
            decoded.add(image, s.source)
            const exact = contentHash(image)
            return {
              exact,
              size: [image.width, image.height] as [number, number],
              parts: firstOfHash.has(exact) ? undefined : await pool.compute(image),
            }
          })
        } catch (error) {
          return { error }
        }
      }
      /** Enters one analysed sample into the items and the index: in the order the dataset lists them, whatever finished first. */
      const commit = (s: Sample, analysed: Analysed | { error: unknown }): void => {
        if ('error' in analysed) {
          if (analysed.error instanceof FerbenchError) throw analysed.error
          failures.push({ split, id: s.id, source: s.source, error: messageOf(analysed.error) })
          onProgress?.(items.length + failures.length)
          return
        }
        const i = items.length
        sizes.push(analysed.size)
        items.push({
          split: splitOf(split, s),
          id: s.id,
          ...(s.subject !== undefined && s.subject !== '' ? { subject: s.subject } : {}),
        })
        const first = firstOfHash.get(analysed.exact)
        if (first !== undefined) groupOf.push(first)
        else {
          firstOfHash.set(analysed.exact, i)
          groupOf.push(i)
          if (!analysed.parts) throw new Error('internal: an image new to the audit has no view parts')
          const { signature, views } = viewsOf(analysed.parts)
          representatives.push(i)
          const found = index.search(signature, views)
          if (found.length > 0) {
            // aligned on the pool while the index goes on (nothing the index does waits for a confirmation)
            const aligned = pool.align(
              signature.base,
              found.map((c) => ({ stored: index.baseOf(c.other), hint: c.hint })),
              index.minSimilarity,
            )
            const confirmation = aligned.then((results) => ({ item: i, found, results }))
            // awaited after the last image; a failure before that (the pool failed) is not left unhandled
            confirmation.catch(() => undefined)
            confirmations.push(confirmation)
          }
        }
        onProgress?.(items.length + failures.length)
      }
      const inFlight = new Set<Promise<void>>()
      let previous: Promise<void> = Promise.resolve()
      for await (const s of adapter.samples(split)) {
        const analysis = analyse(s)
        const p: Promise<void> = previous.then(async () => commit(s, await analysis))
        previous = p
        inFlight.add(p)
        void p.then(
          () => inFlight.delete(p),
          () => inFlight.delete(p),
        )
        if (inFlight.size >= concurrency) await Promise.race(inFlight)
      }
      await previous
    }
    // confirmations in the order the images were entered: the document is the same whatever finished first
    for (const { item, found, results } of await Promise.all(confirmations))
      found.forEach((c, t) => {
        const m = nearMatchOf(c, results[t]!, index.minSimilarity)
        if (m)
          matches.push({
            item,
            other: representatives[m.other]!,
            kind: m.kind,
            distance: m.distance,
            similarity: m.similarity,
            transformation: m.transformation,
            alignment: m.alignment,
            toneChange: m.toneChange,
          })
      })
  } finally {
    await pool.close()
  }

  const splits = [
    ...new Set(adapterSplits.flatMap((s) => (dataset === 'folder' ? [...PREFIX_SPLITS, s] : [s]))),
  ].filter((s) => items.some((i) => i.split === s))
  const folds = assignSubjectFolds((await datasetFactory(dataset)).info.defaultFolds, items, foldsOption)
  const order = itemOrder(splits)

  const groups = new Map<number, AuditItem[]>()
  items.forEach((item, i) => groups.set(groupOf[i]!, [...(groups.get(groupOf[i]!) ?? []), item]))
  const exactDuplicates = [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort(order))
    .sort((x, y) => order(x[0]!, y[0]!))
    .map((g) => ({ crossSplit: new Set(g.map((i) => i.split)).size > 1, items: g }))
  const nearDuplicates: NearDuplicatePair[] = matches
    .map((m) => {
      const swapped = order(items[m.other]!, items[m.item]!) > 0
      const [ia, ib] = swapped ? [m.item, m.other] : [m.other, m.item]
      const alignment = swapped ? inverted(m.alignment) : m.alignment
      const [width, height] = sizes[ia]!
      return {
        crossSplit: items[ia]!.split !== items[ib]!.split,
        kind: m.kind,
        distance: m.distance,
        similarity: m.similarity,
        transformation: m.transformation,
        alignment: {
          dxPx: round2((alignment.dx * width) / BASE_SIDE),
          dyPx: round2((alignment.dy * height) / BASE_SIDE),
          scale: round2(alignment.scale, 1000),
          mirrored: alignment.mirrored,
        },
        toneChangeLevels: round2(m.toneChange, 10),
        a: items[ia]!,
        b: items[ib]!,
      }
    })
    .sort((x, y) => y.similarity - x.similarity || order(x.a, y.a) || order(x.b, y.b))

  const subjectConflicts: SubjectConflict[] = []
  const conflict = (kind: SubjectConflict['kind'], group: AuditItem[]): void => {
    const subjects = [...new Set(group.map((i) => i.subject).filter((s): s is string => s !== undefined))]
    if (subjects.length < 2) return
    subjectConflicts.push({ kind, items: group, subjects, crossFold: new Set(group.map((i) => i.fold)).size > 1 })
  }
  for (const g of exactDuplicates) conflict('exact', g.items)
  for (const p of nearDuplicates) conflict(p.kind, [p.a, p.b])

  const pairKey = (x: string, y: string): string =>
    JSON.stringify(splits.indexOf(x) <= splits.indexOf(y) ? [x, y] : [y, x])
  const perPair = new Map<string, AuditResult['splitPairs'][number]>()
  const bump = (x: string, y: string, field: 'exactGroups' | 'nearPairs' | 'mirroredPairs'): void => {
    const key = pairKey(x, y)
    const entry = perPair.get(key) ?? {
      splits: JSON.parse(key) as [string, string],
      exactGroups: 0,
      nearPairs: 0,
      mirroredPairs: 0,
    }
    entry[field] += 1
    perPair.set(key, entry)
  }
  for (const g of exactDuplicates) {
    const present = splits.filter((s) => g.items.some((i) => i.split === s))
    for (let i = 0; i < present.length; i++)
      for (let j = i; j < present.length; j++)
        if (i !== j || g.items.filter((x) => x.split === present[i]).length > 1)
          bump(present[i]!, present[j]!, 'exactGroups')
  }
  for (const p of nearDuplicates) bump(p.a.split, p.b.split, p.kind === 'near' ? 'nearPairs' : 'mirroredPairs')
  const splitPairs = [...perPair.values()].sort(
    (x, y) =>
      splits.indexOf(x.splits[0]) - splits.indexOf(y.splits[0]) ||
      splits.indexOf(x.splits[1]) - splits.indexOf(y.splits[1]),
  )

  const warnings = [...adapter.warnings, ...decoded.warnings()]
  const images = decoded.summary()
  const crossSplitExact = exactDuplicates.filter((g) => g.crossSplit).length
  const crossSplitNear = nearDuplicates.filter((p) => p.crossSplit).length
  if (crossSplitExact > 0)
    warnings.push(
      `${crossSplitExact} group(s) of identical images span splits: test images also in another split inflate accuracy`,
    )
  if (crossSplitNear > 0) warnings.push(`${crossSplitNear} re-saved or mirrored cop(ies) of one picture span splits`)
  const crossFold = subjectConflicts.filter((c) => c.crossFold).length
  if (subjectConflicts.length > 0) {
    warnings.push(
      `${subjectConflicts.length} picture(s) appear under two subject ids${folds ? `; ${crossFold} of them in two folds, so those folds are not subject-independent` : ''}`,
    )
  }
  if (splits.length < 2 && !folds)
    warnings.push(`${dataset} has one split here (${splits.join(', ')}): duplicates listed are within it`)
  return {
    schema: AUDIT_SCHEMA,
    dataset,
    path: path.resolve(options.data),
    splits,
    samples: items.length,
    method: {
      exact: EXACT_METHOD,
      near: nearMethod(index.maxDistance, index.minSimilarity),
      nearMaxDistance: index.maxDistance,
      nearMinSimilarity: index.minSimilarity,
      nearCandidates: index.candidates,
      nearAligned: index.aligned,
      nearPairsByTransformation: Object.fromEntries(
        TRANSFORMATION_CLASSES.map((c) => [c, nearDuplicates.filter((p) => p.transformation === c).length]),
      ) as Record<Transformation, number>,
      ...(folds ? { folds } : {}),
    },
    exactDuplicates,
    nearDuplicates,
    crossSplitExact,
    crossSplitNear,
    splitPairs,
    subjectConflicts,
    ...(images ? { images } : {}),
    warnings,
    failures,
  }
}
