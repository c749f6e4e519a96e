import type { Emotion } from '../labels/emotions.js'
import { analyseScores, labelTies, pairedTest, samplesToSeparate, type CandidateAnalysis } from './analyse.js'
import { candidateName, differingFields, specCard, type CandidateSpec } from './candidates.js'
import type { DoctorCandidate, DoctorCard, DoctorResult, DoctorTie } from '../documents/doctorDocument.js'
import { percent, pValueBrief } from '../base/format.js'

/** Two candidates are told apart when McNemar's exact test on the sample gives p below this. */
export const DOCTOR_ALPHA = 0.01

export interface Evaluated {
  spec: CandidateSpec
  stage: 1 | 2
  analysis: CandidateAnalysis
  /** The candidate the declared card describes. */
  declared: boolean
  /** Order tried: earlier wins among otherwise equal candidates. */
  order: number
}

export function evaluated(
  spec: CandidateSpec,
  stage: 1 | 2,
  scores: Float32Array,
  truth: readonly Emotion[],
  declaredLabels: readonly Emotion[],
  datasetLabels: readonly Emotion[],
  declared: boolean,
  order: number,
): Evaluated {
  return { spec, stage, analysis: analyseScores(scores, truth, declaredLabels, datasetLabels), declared, order }
}

/** Best first: right predictions under the best labelling, then under the declared one, then the declared card, then the order tried. */
export function rank(list: readonly Evaluated[]): Evaluated[] {
  return [...list].sort(
    (a, b) =>
      b.analysis.best.correct - a.analysis.best.correct ||
      b.analysis.given.correct - a.analysis.given.correct ||
      Number(b.declared) - Number(a.declared) ||
      a.order - b.order,
  )
}

const pct = (x: number): string => percent(x, 1)

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())]
}

export interface DecideContext {
  declaredSource: string
  samples: number
  dataset: string
  split: string
  seed: number
  /** Card fields the sample could not test (e.g. resize when no image needs resizing, channel order on gray images). */
  untried: string[]
}

interface Decision {
  candidates: DoctorCandidate[]
  ties: DoctorTie[]
  recommended: DoctorResult['recommended']
}

/**
 * The ranked table, the ties and the recommendation. A candidate ties with the top one when
 * McNemar's exact test on the samples where exactly one of them is right gives p ≥ alpha; one
 * with identical predictions on every sample is "equivalent" (the sample cannot tell the fields
 * apart, and any of them scores this data the same). The top candidate is recommended only when
 * nothing ties with it and no two of its outputs tie on their label order (outputs of classes the
 * dataset lacks excepted).
 */
export function decide(
  list: readonly Evaluated[],
  datasetLabels: readonly Emotion[],
  context: DecideContext,
): Decision {
  const ranked = rank(list)
  const top = ranked[0]!
  const n = context.samples
  const candidates: DoctorCandidate[] = []
  const tied: Evaluated[] = []
  const equivalent: Evaluated[] = []
  let runnerUp: { e: Evaluated; b01: number; b10: number; pValue: number } | undefined
  for (const e of ranked) {
    const a = e.analysis
    let vsBest: DoctorCandidate['vsBest'] = null
    let verdict: DoctorCandidate['verdict'] = 'best'
    if (e !== top) {
      const t = pairedTest(top.analysis.best, a.best)
      vsBest = { b01: t.b01, b10: t.b10, pValue: t.pValue, identicalPredictions: t.identical }
      verdict = t.identical ? 'equivalent' : t.pValue >= DOCTOR_ALPHA ? 'tied' : 'worse'
      if (verdict === 'tied') tied.push(e)
      if (verdict === 'equivalent') equivalent.push(e)
      if (!t.identical && !runnerUp) runnerUp = { e, ...t }
    }
    candidates.push({
      name: candidateName(e.spec),
      stage: e.stage,
      card: specCard(e.spec, a.given.labels, a.output),
      accuracy: a.given.accuracy,
      accuracyCI95: a.given.accuracyCI95,
      bestAssignment: { labels: a.best.labels, accuracy: a.best.accuracy, accuracyCI95: a.best.accuracyCI95 },
      output: a.output,
      vsBest,
      verdict,
    })
  }
  const ties: DoctorTie[] = []
  const topName = candidateName(top.spec)
  if (tied.length > 0) {
    const first = tied[0]!
    const t = pairedTest(top.analysis.best, first.analysis.best)
    const needed = samplesToSeparate(t.b01, t.b10, n, DOCTOR_ALPHA)
    ties.push({
      kind: 'candidates',
      candidates: [topName, ...tied.map((e) => candidateName(e.spec))],
      fields: union(tied.map((e) => differingFields(top.spec, e.spec))),
      blocking: true,
      detail:
        `${topName} (${pct(top.analysis.best.accuracy)}) and ${candidateName(first.spec)} (${pct(first.analysis.best.accuracy)}) disagree on ` +
        `${t.b01 + t.b10} of ${n} samples, each right where the other is wrong ${t.b10} vs ${t.b01} times (McNemar p=${pValueBrief(t.pValue)} ≥ ${DOCTOR_ALPHA}); ` +
        (needed !== undefined
          ? `about ${needed} samples of this kind would separate a difference this size (--samples ${needed})`
          : 'more samples of the same kind would not separate them: they need images on which these fields change the prediction'),
    })
  }
  if (equivalent.length > 0) {
    const fields = union(equivalent.map((e) => differingFields(top.spec, e.spec)))
    ties.push({
      kind: 'equivalent',
      candidates: [topName, ...equivalent.map((e) => candidateName(e.spec))],
      fields,
      blocking: false,
      detail:
        `identical predictions on every sampled image: this model's predictions on this data do not depend on ${fields.join(', ')}; ` +
        `any of these scores it the same. Kept ${topName} (${top.declared ? `from the declared card, ${context.declaredSource}` : 'the first tried'}); ` +
        'images on which these fields change the prediction would separate them',
    })
  }
  for (const tie of labelTies(top.analysis.confusion, top.analysis.best.labels, datasetLabels, DOCTOR_ALPHA)) {
    const [a, b] = tie.labels
    ties.push({
      kind: 'labels',
      labels: tie.labels,
      fields: ['labels'],
      blocking: !tie.absent,
      detail: tie.absent
        ? `the label order of ${a} and ${b} cannot be told apart: ${context.dataset} has no samples of either; a dataset with ${a} and ${b} images would separate them (this dataset's accuracy does not depend on it)`
        : `the label order of classes ${a} and ${b} cannot be told apart on this sample: swapping them turns ${tie.lost} right predictions wrong and ${tie.gained} wrong ones right ` +
          `(McNemar p=${pValueBrief(tie.pValue)}); more ${a} and ${b} images on which the model separates the two would settle it`,
    })
  }
  const blocking = ties.some((t) => t.blocking)
  const recommended = blocking ? null : recommendation(top, runnerUp, equivalent, context)
  return { candidates, ties, recommended }
}

function recommendation(
  top: Evaluated,
  runnerUp: { e: Evaluated; b01: number; b10: number; pValue: number } | undefined,
  equivalent: readonly Evaluated[],
  context: DecideContext,
): NonNullable<DoctorResult['recommended']> {
  const a = top.analysis
  const base = specCard(top.spec, a.best.labels, a.output)
  const undetermined = union([...equivalent.map((e) => differingFields(top.spec, e.spec)), context.untried])
  const inferred = [
    'input.layout',
    'input.channels',
    'input.channelOrder',
    'scale',
    'resize',
    'crop',
    'labels',
    'output',
  ].filter((f) => !undetermined.includes(f) && (f !== 'input.channelOrder' || top.spec.channels === 3))
  const card: DoctorCard = {
    $comment: `Written by ferbench models doctor from ${context.samples} ${context.dataset} ${context.split} images; origin says which fields it inferred and on what evidence.`,
    ...base,
    origin: {
      inferred,
      evidence: {
        tool: 'ferbench models doctor',
        dataset: context.dataset,
        split: context.split,
        samples: context.samples,
        seed: context.seed,
        candidate: candidateName(top.spec),
        accuracy: a.best.accuracy,
        accuracyCI95: a.best.accuracyCI95,
        runnerUp: runnerUp
          ? {
              candidate: candidateName(runnerUp.e.spec),
              accuracy: runnerUp.e.analysis.best.accuracy,
              b01: runnerUp.b01,
              b10: runnerUp.b10,
              pValue: runnerUp.pValue,
            }
          : null,
        rule: `McNemar exact test against every other candidate, p < ${DOCTOR_ALPHA}`,
        undetermined,
        keptFrom:
          undetermined.length === 0
            ? null
            : top.declared
              ? context.declaredSource
              : 'the first candidate tried (ferbench defaults)',
      },
    },
  }
  return { name: candidateName(top.spec), card, accuracy: a.best.accuracy, accuracyCI95: a.best.accuracyCI95 }
}
