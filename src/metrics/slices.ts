import { dataError } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import { byCodePoint } from '../base/naturalOrder.js'
import { ownValue, textRecord } from '../base/textKeys.js'
import { classificationMetrics, emptyConfusion, wilsonInterval } from './classification.js'
import { fisherExact } from './fisher.js'

/**
 * Per-group metrics ("slices"): for each attribute given to `eval --slice-by` (gender, race, age,
 * subject, a manifest column), one confusion matrix per value of the attribute, accumulated while
 * scoring (additive: resumed runs and shards add their counts). A sample without the attribute
 * counts in the group MISSING_GROUP.
 *
 * maxGap: among the groups with at least `minSamples` samples (smaller groups are reported with
 * ranked:false and never ranked, as is the MISSING_GROUP), a = the group with the highest accuracy, b = the one with the
 * lowest (ties: first by code point), difference = accuracy(a) − accuracy(b) (a fraction), and the
 * two-sided Fisher exact test of the 2×2 table [[correct a, wrong a], [correct b, wrong b]].
 *
 * Attribute names and values are text from the dataset: they are Map keys here, and the records of
 * the result (SliceMetrics, groups) have a null prototype, so `constructor` or `toString` is a group
 * like any other (src/base/textKeys.ts).
 */

export const MISSING_GROUP = '(none)'
export const DEFAULT_SLICE_MIN_SAMPLES = 30

export interface SliceGroup {
  samples: number
  correct: number
  accuracy: number
  accuracyCI95: [number, number]
  macroF1: number
  /** false when the group has fewer than minSamples samples: reported, not used for maxGap. */
  ranked: boolean
  /** Confusion counts of the group (rows = truth, columns = prediction, in the result's confusion-matrix order): additive. */
  counts: number[][]
}

export interface SliceGap {
  a: string
  b: string
  difference: number
  pValue: number
  test: 'fisher-exact'
}

export interface Slice {
  minSamples: number
  groups: Record<string, SliceGroup>
  /** null when fewer than two groups are ranked. */
  maxGap: SliceGap | null
}

export type SliceMetrics = Record<string, Slice>

export class SliceAccumulator {
  /** attribute → value → confusion counts. */
  readonly counts = new Map<string, Map<string, number[][]>>()

  constructor(
    readonly attributes: readonly string[],
    readonly columns: number,
    readonly minSamples: number,
  ) {
    for (const a of attributes) this.counts.set(a, new Map())
  }

  private matrix(attribute: string, value: string): number[][] {
    const groups = this.counts.get(attribute)!
    let m = groups.get(value)
    if (!m) {
      m = emptyConfusion(this.columns)
      groups.set(value, m)
    }
    return m
  }

  add(values: ReadonlyMap<string, string> | undefined, truthColumn: number, predictedColumn: number): void {
    // Checked for every attribute before any count changes: a refused sample leaves no trace.
    for (const a of this.attributes) {
      const groups = this.counts.get(a)!
      if (groups.size >= LIMITS.sliceGroups && !groups.has(values?.get(a) ?? MISSING_GROUP))
        throw dataError(
          `--slice-by ${a}: more than ${LIMITS.sliceGroups} distinct values (groups); slice by an attribute with fewer values`,
        )
    }
    for (const a of this.attributes)
      this.matrix(a, values?.get(a) ?? MISSING_GROUP)[truthColumn]![predictedColumn]! += 1
  }

  /** Adds the counts stored in a result's metrics.slices (a resumed run's or a shard's). */
  addSaved(saved: SliceMetrics): void {
    for (const a of this.attributes) {
      const slice = ownValue(saved, a)
      if (!slice) throw new RangeError(`saved slices lack attribute '${a}'`)
      for (const [value, group] of Object.entries(slice.groups)) {
        const m = this.matrix(a, value)
        group.counts.forEach((row, t) => row.forEach((n, p) => (m[t]![p]! += n)))
      }
    }
  }

  metrics(labels: readonly string[]): SliceMetrics {
    return textRecord(this.attributes.map((a) => [a, sliceOf(labels, this.counts.get(a)!, this.minSamples)]))
  }
}

/** One attribute's groups and largest gap, from per-group confusion counts. */
export function sliceOf(
  labels: readonly string[],
  groupCounts: ReadonlyMap<string, number[][]>,
  minSamples: number,
): Slice {
  const groups = textRecord(
    [...groupCounts.keys()].sort(byCodePoint).map((value): [string, SliceGroup] => {
      const m = classificationMetrics(labels, groupCounts.get(value)!)
      return [
        value,
        {
          samples: m.samples,
          correct: m.correct,
          accuracy: m.accuracy,
          accuracyCI95: wilsonInterval(m.correct, m.samples),
          macroF1: m.macroF1,
          ranked: m.samples >= minSamples && value !== MISSING_GROUP,
          counts: m.confusionMatrix.counts,
        },
      ]
    }),
  )
  return { minSamples, groups, maxGap: maxGapOf(groups) }
}

function maxGapOf(groups: Readonly<Record<string, SliceGroup>>): SliceGap | null {
  const ranked = Object.entries(groups).filter(([, g]) => g.ranked)
  if (ranked.length < 2) return null
  let best = ranked[0]!
  let worst = ranked[0]!
  for (const e of ranked) {
    if (e[1].accuracy > best[1].accuracy) best = e
    if (e[1].accuracy < worst[1].accuracy) worst = e
  }
  if (best === worst) worst = ranked.find((e) => e !== best)!
  const [a, ga] = best
  const [b, gb] = worst
  return {
    a,
    b,
    difference: ga.accuracy - gb.accuracy,
    pValue: fisherExact(ga.correct, ga.samples - ga.correct, gb.correct, gb.samples - gb.correct),
    test: 'fisher-exact',
  }
}
