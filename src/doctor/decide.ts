import type { Emotion } from '../base/emotions.js'
import { analyseScores, labelTies, pairedTest, samplesToSeparate, type CandidateAnalysis } from './analyse.js'
import { candidateName, differingFields, specCard, type CandidateSpec } from './candidates.js'
import type { DoctorCandidate, DoctorCard, DoctorResult, DoctorTie } from '../results/doctorDocument.js'
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
  /** The candidate the declared card describes, if any: its resize and crop win second-order ties. */
  declaredSpec?: CandidateSpec | undefined
  /** Labelled images the sample could have been drawn from (the split, plus other splits when allowed), for the advice. */
  available: number
  /** Other splits of the dataset the sample may still grow into with --other-splits (empty when used or none). */
  otherSplits: string[]
}

/**
 * First-order fields change what the model is fed in kind (pixel scale, channel order, layout,
 * which output is which emotion): a tie among them blocks the card. Second-order fields (resize
 * kernel, crop) change it by a few pixels: a tie among them is settled by the declared card's value,
 * else ferbench's default (bilinear, no crop), and listed in the card's origin.evidence.unsettled.
 */
export const SECOND_ORDER_FIELDS = ['resize', 'crop'] as const
const secondOrderOnly = (fields: readonly string[]): boolean =>
  fields.length > 0 && fields.every((f) => (SECOND_ORDER_FIELDS as readonly string[]).includes(f))

/** One second-order field the sample leaves open: the value written, why, and the candidates that tie with it. */
export interface UnsettledField {
  field: 'resize' | 'crop'
  /** The value written into the card (crop: null for no crop). */
  value: unknown
  /** Why that value: the declared card's, ferbench's default, or the best candidate's. */
  from: string
  /** Each candidate that ties with the written card and has another value here: McNemar against the written card. */
  alternatives: Array<{ candidate: string; value: unknown; b01: number; b10: number; pValue: number }>
}

function fieldValue(spec: CandidateSpec, field: 'resize' | 'crop'): unknown {
  return field === 'resize' ? spec.resize : spec.crop ? { ...spec.crop } : null
}

/**
 * The member of a second-order tie group whose resize and crop are preferred: the declared card's
 * values, else bilinear and no crop; among equally preferred ones the best ranked (the list is ranked).
 */
function preferredMember(group: readonly Evaluated[], declared: CandidateSpec | undefined): Evaluated {
  const resize = declared?.resize ?? 'bilinear'
  const crop = declared?.crop
  const score = (e: Evaluated): number =>
    Number(e.spec.resize === resize) + Number(e.spec.crop?.size === crop?.size && e.spec.crop?.from === crop?.from)
  return group.reduce((best, e) => (score(e) > score(best) ? e : best), group[0]!)
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
 * apart, and any of them scores this data the same). A tie blocks the card only when the tied
 * candidates differ in a first-order field (scale, channel order, layout); a tie in resize or crop
 * only is settled by the declared card's values, else bilinear and no crop (preferredMember), and
 * listed as unsettled. The chosen card is recommended unless such a first-order tie exists or two of
 * its outputs tie on their label order (outputs of classes the dataset lacks excepted).
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
  const firstOrder = tied.filter((e) => !secondOrderOnly(differingFields(top.spec, e.spec)))
  const secondOrder = tied.filter((e) => secondOrderOnly(differingFields(top.spec, e.spec)))
  if (firstOrder.length > 0) {
    const first = firstOrder[0]!
    const t = pairedTest(top.analysis.best, first.analysis.best)
    ties.push({
      kind: 'candidates',
      candidates: [topName, ...firstOrder.map((e) => candidateName(e.spec))],
      fields: union(firstOrder.map((e) => differingFields(top.spec, e.spec))),
      blocking: true,
      detail:
        `${topName} (${pct(top.analysis.best.accuracy)}) and ${candidateName(first.spec)} (${pct(first.analysis.best.accuracy)}) disagree on ` +
        `${t.b01 + t.b10} of ${n} samples, each right where the other is wrong ${t.b10} vs ${t.b01} times (McNemar p=${pValueBrief(t.pValue)} ≥ ${DOCTOR_ALPHA}); ` +
        separationAdvice(t.b01, t.b10, context),
    })
  }
  // Second-order ties: the card takes the declared card's resize/crop, else bilinear and no crop.
  const sameFirstOrder = equivalent.filter((e) => secondOrderOnly(differingFields(top.spec, e.spec)))
  const chosen = preferredMember([top, ...secondOrder, ...sameFirstOrder], context.declaredSpec)
  const unsettled = unsettledFields(chosen, [top, ...secondOrder], context)
  if (secondOrder.length > 0) {
    const fields = union(secondOrder.map((e) => differingFields(top.spec, e.spec)))
    const secondOrderTest = pairedTest(top.analysis.best, secondOrder[0]!.analysis.best)
    ties.push({
      kind: 'candidates',
      candidates: [topName, ...secondOrder.map((e) => candidateName(e.spec))],
      fields,
      blocking: false,
      detail:
        `${fields.join(' and ')} only (second-order fields): ${[top, ...secondOrder]
          .filter((e) => e !== chosen)
          .map((e) => {
            const t = pairedTest(chosen.analysis.best, e.analysis.best)
            return `${candidateName(e.spec)} ${pct(e.analysis.best.accuracy)} (McNemar p=${pValueBrief(t.pValue)})`
          })
          .join(', ')} against ${candidateName(chosen.spec)} ${pct(chosen.analysis.best.accuracy)}; ` +
        `the card takes ${unsettled.map((u) => `${u.field} ${JSON.stringify(u.value)} (${u.from})`).join(' and ')} and lists ${unsettled.length === 1 ? 'it' : 'them'} in origin.evidence.unsettled; ` +
        separationAdvice(secondOrderTest.b01, secondOrderTest.b10, context),
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
        `any of these scores it the same. Kept ${candidateName(chosen.spec)} (${chosen.declared ? `from the declared card, ${context.declaredSource}` : chosen === top ? 'the first tried' : "the declared card's resize and crop, else ferbench's defaults"}); ` +
        'images on which these fields change the prediction would separate them',
    })
  }
  for (const tie of labelTies(chosen.analysis.confusion, chosen.analysis.best.labels, datasetLabels, DOCTOR_ALPHA)) {
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
  const recommended = blocking
    ? null
    : recommendation(chosen, top, runnerUpOf(chosen, ranked), equivalent, unsettled, context)
  return { candidates, ties, recommended }
}

/** The best-ranked other candidate whose predictions differ from the chosen one's, with McNemar against it. */
function runnerUpOf(
  chosen: Evaluated,
  ranked: readonly Evaluated[],
): { e: Evaluated; b01: number; b10: number; pValue: number } | undefined {
  for (const e of ranked) {
    if (e === chosen) continue
    const t = pairedTest(chosen.analysis.best, e.analysis.best)
    if (!t.identical) return { e, b01: t.b01, b10: t.b10, pValue: t.pValue }
  }
  return undefined
}

/** What would separate two tied candidates, never asking for more images than the data holds. */
function separationAdvice(b01: number, b10: number, context: DecideContext): string {
  const n = context.samples
  const needed = samplesToSeparate(b01, b10, n, DOCTOR_ALPHA)
  if (needed === undefined)
    return 'more samples of the same kind would not separate them: they need images on which these fields change the prediction'
  if (needed <= context.available)
    return `about ${needed} samples of this kind would separate a difference this size (--samples ${needed}; ${context.available} labelled images are available)`
  const more =
    context.otherSplits.length > 0
      ? `--other-splits adds ${context.otherSplits.join(', ')} (images the model may have been trained on)`
      : 'only a larger labelled dataset could'
  return `about ${needed} samples of this kind would separate a difference this size, more than the ${context.available} labelled images available${n >= context.available ? ' (all used)' : ''}; ${more}`
}

/** The second-order fields a tie leaves open, each with the value written and the tied alternatives' p-values. */
function unsettledFields(chosen: Evaluated, group: readonly Evaluated[], context: DecideContext): UnsettledField[] {
  const out: UnsettledField[] = []
  for (const field of SECOND_ORDER_FIELDS) {
    const value = fieldValue(chosen.spec, field)
    const alternatives = group
      .filter((e) => e !== chosen && JSON.stringify(fieldValue(e.spec, field)) !== JSON.stringify(value))
      .map((e) => {
        const t = pairedTest(chosen.analysis.best, e.analysis.best)
        return {
          candidate: candidateName(e.spec),
          value: fieldValue(e.spec, field),
          b01: t.b01,
          b10: t.b10,
          pValue: t.pValue,
        }
      })
    if (alternatives.length === 0) continue
    const declared = context.declaredSpec ? fieldValue(context.declaredSpec, field) : undefined
    const fallback = field === 'resize' ? 'bilinear' : null
    const from =
      declared !== undefined && JSON.stringify(declared) === JSON.stringify(value)
        ? `the declared card, ${context.declaredSource}`
        : JSON.stringify(value) === JSON.stringify(fallback)
          ? "ferbench's default"
          : 'the best candidate (the preferred value is significantly worse)'
    out.push({ field, value, from, alternatives })
  }
  return out
}

function recommendation(
  chosen: Evaluated,
  top: Evaluated,
  runnerUp: { e: Evaluated; b01: number; b10: number; pValue: number } | undefined,
  equivalent: readonly Evaluated[],
  unsettled: readonly UnsettledField[],
  context: DecideContext,
): NonNullable<DoctorResult['recommended']> {
  const a = chosen.analysis
  const base = specCard(chosen.spec, a.best.labels, a.output)
  const undetermined = union([
    ...equivalent.filter((e) => e !== chosen).map((e) => differingFields(chosen.spec, e.spec)),
    context.untried,
  ]).filter((f) => !unsettled.some((u) => u.field === f))
  const open = [...undetermined, ...unsettled.map((u) => u.field)]
  const inferred = [
    'input.layout',
    'input.channels',
    'input.channelOrder',
    'scale',
    'resize',
    'crop',
    'labels',
    'output',
  ].filter((f) => !open.includes(f) && (f !== 'input.channelOrder' || chosen.spec.channels === 3))
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
        candidate: candidateName(chosen.spec),
        ...(chosen !== top ? { bestRanked: candidateName(top.spec) } : {}),
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
            : chosen.declared
              ? context.declaredSource
              : 'the first candidate tried (ferbench defaults)',
        unsettled: unsettled.map((u) => ({ ...u, alternatives: u.alternatives.map((x) => ({ ...x })) })),
      },
    },
  }
  return { name: candidateName(chosen.spec), card, accuracy: a.best.accuracy, accuracyCI95: a.best.accuracyCI95 }
}
