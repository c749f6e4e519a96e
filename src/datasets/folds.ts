import { dataError, usageError } from '../base/errors.js'
import { byCodePoint } from '../base/naturalOrder.js'
import type { DatasetAdapter, FoldInfo, Sample } from './types.js'

export const FOLD_RULE =
  'subjects sorted by code point; the i-th subject (0-based) goes to fold (i mod N) + 1; every image of a subject is in its fold'

/** `fold-3` → 3, or undefined when the name is not a fold name. */
function foldNumber(name: string): number | undefined {
  const m = /^fold-(\d+)$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/**
 * The fold of each subject: deterministic on every machine (it depends only on the set of subject
 * ids), subject-independent by construction, and leave-one-subject-out when N equals the subjects.
 */
export function assignFolds(subjects: Iterable<string>, folds: number): Map<string, number> {
  const sorted = [...new Set(subjects)].sort(byCodePoint)
  return new Map(sorted.map((s, i) => [s, (i % folds) + 1]))
}

/** The subject of a sample, or a data error naming the sample: folds need subjects. */
function subjectOf(sample: Sample, dataset: string): string {
  if (sample.subject === undefined || sample.subject === '') {
    throw dataError(
      `${sample.source}: sample ${sample.id} has no subject id; ${dataset} folds are made over subjects (use a manifest with a subject column)`,
    )
  }
  return sample.subject
}

async function subjectsOf(adapter: DatasetAdapter, split: string): Promise<Map<string, number>> {
  const subjects = new Set<string>()
  for await (const s of adapter.samples(split)) subjects.add(subjectOf(s, adapter.name))
  return new Map([...subjects].sort(byCodePoint).map((s, i) => [s, i]))
}

/** `foldsDefaulted`: the count is the dataset's default (only --fold was given), so the message says so. */
function checkFoldCount(folds: number, subjects: number, dataset: string, split: string, foldsDefaulted = false): void {
  if (!Number.isInteger(folds) || folds < 2) throw usageError(`--folds ${folds}: need an integer ≥ 2`)
  if (subjects === 0) throw dataError(`${dataset} split ${split}: no samples, so no subjects to make folds from`)
  if (folds > subjects) {
    const given = foldsDefaulted
      ? `--fold without --folds uses ${dataset}'s default of ${folds} folds, but`
      : `--folds ${folds}:`
    throw usageError(
      `${given} ${dataset} split ${split} has only ${subjects} subject(s); folds are subject-independent, so give --folds ${subjects} or fewer`,
    )
  }
}

/**
 * Wraps an adapter so that it yields subject-independent folds of one split. Its splits are
 * `fold-1` … `fold-N`; asking for the base split yields the fold given by `fold` (the test fold).
 */
export class FoldAdapter implements DatasetAdapter {
  readonly name: string
  readonly labels: DatasetAdapter['labels']
  readonly defaultSplit: string
  private assignment: Map<string, number> | undefined
  fold?: FoldInfo

  constructor(
    private readonly inner: DatasetAdapter,
    readonly baseSplit: string,
    readonly folds: number,
    private readonly testFold?: number,
    /** true when `folds` is the dataset's default rather than --folds. */
    private readonly foldsDefaulted = false,
  ) {
    this.name = inner.name
    this.labels = inner.labels
    this.defaultSplit = testFold !== undefined ? baseSplit : 'fold-1'
    if (testFold !== undefined && (!Number.isInteger(testFold) || testFold < 1 || testFold > folds)) {
      throw usageError(`--fold ${testFold}: folds are numbered 1 to ${folds}`)
    }
  }

  get warnings(): string[] {
    return this.inner.warnings
  }

  sliceAttributes(): readonly string[] {
    return this.inner.sliceAttributes?.() ?? []
  }

  splits(): readonly string[] {
    return Array.from({ length: this.folds }, (_, i) => `fold-${i + 1}`)
  }

  /** Subject → fold (computed once, from one pass over the split's sample ids; images are not decoded). */
  async assignmentOf(): Promise<Map<string, number>> {
    if (!this.assignment) {
      const subjects = await subjectsOf(this.inner, this.baseSplit)
      checkFoldCount(this.folds, subjects.size, this.name, this.baseSplit, this.foldsDefaulted)
      this.assignment = assignFolds(subjects.keys(), this.folds)
    }
    return this.assignment
  }

  async *samples(split: string): AsyncIterable<Sample> {
    const k = split === this.baseSplit && this.testFold !== undefined ? this.testFold : foldNumber(split)
    if (k === undefined || k < 1 || k > this.folds) {
      throw usageError(
        `split ${split}: with --folds ${this.folds} the splits are fold-1 … fold-${this.folds} of ${this.baseSplit}`,
      )
    }
    const assignment = await this.assignmentOf()
    const subjects = [...assignment].filter(([, f]) => f === k).map(([s]) => s)
    if (this.testFold === k)
      this.fold = { fold: k, folds: this.folds, split: this.baseSplit, rule: FOLD_RULE, subjects }
    for await (const s of this.inner.samples(this.baseSplit)) {
      if (assignment.get(subjectOf(s, this.name)) === k) yield s
    }
  }
}
