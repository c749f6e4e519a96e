import { ratioChangeCI95 } from '../metrics/ratioInterval.js'
import { mcnemarFromPairs, type PairedOutcome } from '../metrics/stats.js'
import { readResultDocument, type ResultDocument } from '../results/readDocument.js'
import { GATE_SCHEMA, type GateCheck, type GateResult } from '../results/gateDocument.js'
import type { SpeedCell, SpeedResult } from '../results/speedDocument.js'
import { dataError, usageError } from '../base/errors.js'
import { percent, pValue as pv, signed } from '../base/format.js'
import { pairPredictions, requireSameDataset, scoredView, type ScoredView } from './pairing.js'
import { ownValue } from '../base/textKeys.js'

/**
 * The regression gate. Rules (docs/results-and-gates.md, "Compare and gate"):
 * - accuracy: fails when the drop exceeds --max-accuracy-drop points AND, when both results carry
 *   per-sample predictions of the same samples (embedded by default), McNemar's exact test finds
 *   the difference significant (p < alpha). Without per-sample data the threshold alone decides,
 *   and `significance` and a note say why. Eval and cross-validation documents (pooled metrics and
 *   predictions) are both accepted; the test sets must match (src/compare/pairing.ts).
 * - recall:<class> (only with --max-class-recall-drop): the same rule per class, McNemar on that
 *   class's samples.
 * - latencyRatio:batch=B,threads=T (only with --max-latency-increase, speed documents only): the
 *   ratio of the model's median call latency to the reference model's, timed in the same run (ABBA blocks), may grow by
 *   at most the given percent: the check fails only when the 95 % interval of the change (from both
 *   runs' ABBA block ratios) lies wholly above it. Absolute milliseconds are never compared.
 */
export interface GateOptions {
  baseline: string
  current: string
  /** Largest allowed accuracy drop in percentage points (eval documents; default 1). */
  maxAccuracyDrop?: number
  maxClassRecallDrop?: number
  /** Largest allowed increase of the latency ratio, in percent (speed documents). */
  maxLatencyIncrease?: number
  /** Largest allowed growth of an attribute's largest group accuracy gap, in points (eval documents with metrics.slices). */
  maxGroupGap?: number
  alpha: number
}

export const DEFAULT_MAX_ACCURACY_DROP = 1

const points = (x: number): number => x * 100

function dropCheck(
  name: string,
  baseline: number,
  current: number,
  threshold: number,
  alpha: number,
  pairs: PairedOutcome[] | undefined,
  unpairedReason: string | undefined,
): GateCheck {
  const change = points(current) - points(baseline)
  const drop = -change
  const exceeds = drop > threshold + 1e-9
  const base = {
    name,
    unit: 'percent' as const,
    baseline: points(baseline),
    current: points(current),
    change,
    threshold,
  }
  const figures = `${percent(baseline)} → ${percent(current)} (${signed(change)} points; allowed drop ${threshold} points)`
  if (pairs === undefined) {
    return {
      ...base,
      passed: !exceeds,
      detail: `${figures}; ${exceeds ? 'drop above threshold' : 'within threshold'}; threshold only: ${unpairedReason}`,
    }
  }
  const { b01, b10, pValue } = mcnemarFromPairs(pairs)
  const significant = pValue < alpha
  const passed = !exceeds || !significant
  const test = `McNemar exact p=${pv(pValue)} (b01=${b01}, b10=${b10}, α=${alpha})`
  const verdict = !exceeds
    ? 'within threshold'
    : significant
      ? 'drop above threshold and significant'
      : 'drop above threshold but not significant'
  return { ...base, pValue, passed, detail: `${figures}; ${verdict}; ${test}` }
}

/** Which significance test the eval checks used, or why none could run. */
type Significance = GateResult['significance']

function gateEval(
  b: ScoredView,
  c: ScoredView,
  options: GateOptions,
  notes: string[],
): { checks: GateCheck[]; significance: Significance } {
  if (options.maxLatencyIncrease !== undefined) {
    throw usageError(
      `--max-latency-increase needs two speed documents (ferbench speed --reference <model>); ${b.file} and ${c.file} are ${b.kind} and ${c.kind} documents`,
    )
  }
  const testSet = requireSameDataset(b, c, 'gate')
  notes.push(...testSet.notes)
  const pairing = pairPredictions(b, c, testSet.pairBy)
  const significance: Significance = pairing.unavailable
    ? { test: 'none', reason: pairing.unavailable }
    : { test: 'mcnemar', pairs: pairing.pairs.length, pairedBy: pairing.pairedBy! }
  if (pairing.unavailable)
    notes.push(`ran WITHOUT McNemar's test: ${pairing.unavailable}; drops are judged on the threshold alone`)
  if (b.kind === 'cv' || c.kind === 'cv')
    notes.push(
      'cross-validation: accuracy and recall pooled over all folds; McNemar on the pooled per-sample predictions',
    )
  const pairs = pairing.unavailable ? undefined : pairing.pairs
  const checks = [
    dropCheck(
      'accuracy',
      b.metrics.accuracy,
      c.metrics.accuracy,
      options.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP,
      options.alpha,
      pairs,
      pairing.unavailable,
    ),
  ]
  if (options.maxClassRecallDrop !== undefined) {
    const currentRecall = new Map(c.metrics.perClass.map((p) => [p.label, p.recall]))
    for (const cls of b.metrics.perClass) {
      if (cls.support === 0) continue
      const classPairs = pairs?.filter((_, i) => pairing.truths[i] === cls.label)
      checks.push(
        dropCheck(
          `recall:${cls.label}`,
          cls.recall,
          currentRecall.get(cls.label) ?? 0,
          options.maxClassRecallDrop,
          options.alpha,
          classPairs,
          pairing.unavailable,
        ),
      )
    }
  }
  if (options.maxGroupGap !== undefined)
    checks.push(...groupGapChecks(b, b.file, c, c.file, options.maxGroupGap, options.alpha, notes))
  return { checks, significance }
}

/**
 * groupGap:<attribute> (only with --max-group-gap): for each attribute the current result is sliced
 * by, the current largest gap (groups a, b) is compared with the gap between the same two groups
 * in the baseline (its own largest gap when either group is absent or unranked there). Fails when
 * the gap grew by more than the threshold AND the current gap is significant (Fisher exact p < alpha).
 */
function groupGapChecks(
  b: Pick<ScoredView, 'metrics'>,
  bFile: string,
  c: Pick<ScoredView, 'metrics'>,
  cFile: string,
  threshold: number,
  alpha: number,
  notes: string[],
): GateCheck[] {
  if (!c.metrics.slices || Object.keys(c.metrics.slices).length === 0) {
    throw dataError(
      `--max-group-gap: ${cFile} has no per-group metrics (metrics.slices); evaluate with --slice-by <attribute>`,
    )
  }
  const checks: GateCheck[] = []
  for (const [attribute, slice] of Object.entries(c.metrics.slices)) {
    const base = ownValue(b.metrics.slices, attribute)
    if (!base) {
      notes.push(`groupGap:${attribute} not checked: ${bFile} is not sliced by ${attribute}`)
      continue
    }
    const gap = slice.maxGap
    if (!gap) {
      notes.push(
        `groupGap:${attribute} not checked: ${cFile} has fewer than two groups of at least ${slice.minSamples} samples`,
      )
      continue
    }
    const ga = base.groups[gap.a]
    const gb = base.groups[gap.b]
    const same = ga !== undefined && gb !== undefined && ga.ranked && gb.ranked
    const baseline = same ? (ga.accuracy - gb.accuracy) * 100 : (base.maxGap?.difference ?? 0) * 100
    const current = gap.difference * 100
    const change = current - baseline
    const exceeds = change > threshold + 1e-9
    const significant = gap.pValue < alpha
    const verdict = !exceeds
      ? 'within threshold'
      : significant
        ? 'gap grew above threshold and is significant'
        : 'gap grew above threshold but is not significant'
    checks.push({
      name: `groupGap:${attribute}`,
      unit: 'gap',
      baseline,
      current,
      change,
      threshold,
      pValue: gap.pValue,
      passed: !exceeds || !significant,
      detail:
        `${gap.a} − ${gap.b} accuracy: ${baseline.toFixed(2)} → ${current.toFixed(2)} points (${signed(change)}; allowed growth ${threshold} points; ` +
        `baseline ${same ? 'gap between the same groups' : `largest gap${base.maxGap ? ` (${base.maxGap.a} − ${base.maxGap.b})` : ' (none ranked: 0)'}`}); ${verdict}; Fisher exact p=${pv(gap.pValue)} (α=${alpha})`,
    })
  }
  return checks
}

const signedPct = (x: number): string => `${signed(x)}%`

/**
 * One latency cell: change = current ratio / baseline ratio − 1. With both runs' block ratios the
 * 95 % interval of the change (Welch, log scale; src/metrics/ratioInterval.ts) decides: the check
 * fails only when its LOW end exceeds the allowed increase, so noise alone does not fail a gate.
 */
function latencyCheck(
  key: string,
  base: SpeedCell,
  cell: SpeedCell,
  threshold: number,
  pointOnly: string[],
): GateCheck {
  const change = (cell.latencyRatio! / base.latencyRatio! - 1) * 100
  const name = `latencyRatio:${key}`
  const figures = `latency / reference latency ${base.latencyRatio!.toFixed(3)} → ${cell.latencyRatio!.toFixed(3)} (${signedPct(change)}; allowed increase ${threshold}%)`
  const common = {
    name,
    unit: 'ratio' as const,
    baseline: base.latencyRatio!,
    current: cell.latencyRatio!,
    change,
    threshold,
  }
  const ci = ratioChangeCI95(cell.latencyRatioBlocks ?? [], base.latencyRatioBlocks ?? [])
  if (!ci) {
    pointOnly.push(name)
    const passed = change <= threshold + 1e-9
    return {
      ...common,
      passed,
      detail: `${figures}; ${passed ? 'within' : 'above'} the allowed increase (point estimate only: no per-block ratios)`,
    }
  }
  const changeCI95: [number, number] = [(ci.interval[0] - 1) * 100, (ci.interval[1] - 1) * 100]
  const passed = changeCI95[0] <= threshold + 1e-9
  const interval = `95% interval of the change [${signedPct(changeCI95[0])}, ${signedPct(changeCI95[1])}] from ${base.latencyRatioBlocks!.length} + ${cell.latencyRatioBlocks!.length} ABBA blocks`
  const verdict = passed
    ? changeCI95[1] > threshold
      ? 'not shown to exceed the allowed increase (the interval straddles it)'
      : 'within the allowed increase'
    : 'slower beyond the allowed increase (the whole interval is above it)'
  return { ...common, changeCI95, passed, detail: `${figures}; ${interval}; ${verdict}` }
}

const cellKey = (cell: SpeedCell): string => `batch=${cell.batch},threads=${cell.threads ?? 'default'}`

function gateSpeed(
  b: SpeedResult,
  bFile: string,
  c: SpeedResult,
  cFile: string,
  options: GateOptions,
  notes: string[],
): GateCheck[] {
  if (
    options.maxAccuracyDrop !== undefined ||
    options.maxClassRecallDrop !== undefined ||
    options.maxGroupGap !== undefined
  ) {
    throw usageError(
      '--max-accuracy-drop, --max-class-recall-drop and --max-group-gap need eval documents; the baseline and current are speed documents',
    )
  }
  if (options.maxLatencyIncrease === undefined) {
    throw usageError('gate on speed documents needs --max-latency-increase <percent>: there is nothing else to check')
  }
  for (const [doc, file] of [
    [b, bFile],
    [c, cFile],
  ] as const) {
    if (!doc.reference) {
      throw dataError(
        `${file}: speed document has no 'reference': absolute latencies are not compared across machines; run ferbench speed --reference <model> so the gate can compare latency ratios`,
      )
    }
  }
  const refB = b.reference!
  const refC = c.reference!
  if (refB.model.sha256 !== refC.model.sha256) {
    throw dataError(
      `the reference models differ (${bFile}: ${refB.model.path} sha256 ${refB.model.sha256.slice(0, 12)}…, ${cFile}: ${refC.model.path} sha256 ${refC.model.sha256.slice(0, 12)}…): latency ratios to different references are not comparable`,
    )
  }
  const baseCells = new Map(b.results.filter((r) => r.latencyRatio !== undefined).map((r) => [cellKey(r), r]))
  const checks: GateCheck[] = []
  const threshold = options.maxLatencyIncrease
  const pointOnly: string[] = []
  for (const cell of c.results) {
    const base = baseCells.get(cellKey(cell))
    if (!base || cell.latencyRatio === undefined) continue
    checks.push(latencyCheck(cellKey(cell), base, cell, threshold, pointOnly))
  }
  if (pointOnly.length > 0) {
    notes.push(
      `no interval for ${pointOnly.join(', ')}: a document lacks per-block ratios (made with --repeats 1 or an older ferbench); judged on the point estimate, ` +
        'which noise on a busy machine can move by tens of percent; rerun ferbench speed --reference with --repeats ≥ 2 (the default)',
    )
  }
  if (checks.length === 0) {
    throw dataError(`no batch×threads setting has a latencyRatio in both ${bFile} and ${cFile}: nothing to compare`)
  }
  return checks
}

export function gateDocuments(baseline: ResultDocument, current: ResultDocument, options: GateOptions): GateResult {
  if (!(options.alpha > 0 && options.alpha < 1))
    throw usageError(`--alpha must be between 0 and 1 (exclusive); got ${options.alpha}`)
  for (const [flag, value] of [
    ['--max-accuracy-drop', options.maxAccuracyDrop],
    ['--max-class-recall-drop', options.maxClassRecallDrop],
    ['--max-latency-increase', options.maxLatencyIncrease],
    ['--max-group-gap', options.maxGroupGap],
  ] as const) {
    if (value !== undefined && !(value >= 0)) throw usageError(`${flag} must be a number ≥ 0; got ${value}`)
  }
  if ((baseline.kind === 'speed') !== (current.kind === 'speed')) {
    throw dataError(
      `gate compares documents of one kind: ${baseline.file} is a ${baseline.kind} document, ${current.file} is a ${current.kind} document`,
    )
  }
  const notes: string[] = []
  if (baseline.kind !== 'speed' && current.kind !== 'speed') {
    const b = scoredView(baseline)
    const c = scoredView(current)
    const { checks, significance } = gateEval(b, c, options, notes)
    if (!b.complete || !c.complete) notes.push('at least one result is partial (complete: false)')
    return {
      schema: GATE_SCHEMA,
      passed: checks.every((check) => check.passed),
      kind: baseline.kind,
      baseline: { file: baseline.file, model: b.model.path },
      current: { file: current.file, model: c.model.path },
      alpha: options.alpha,
      significance,
      checks,
      notes,
    }
  }
  const checks = gateSpeed(
    baseline.doc as SpeedResult,
    baseline.file,
    current.doc as SpeedResult,
    current.file,
    options,
    notes,
  )
  return {
    schema: GATE_SCHEMA,
    passed: checks.every((c) => c.passed),
    kind: baseline.kind,
    baseline: { file: baseline.file, model: (baseline.doc as SpeedResult).model.path },
    current: { file: current.file, model: (current.doc as SpeedResult).model.path },
    alpha: options.alpha,
    checks,
    notes,
  }
}

export function gateFiles(options: GateOptions): GateResult {
  return gateDocuments(readResultDocument(options.baseline), readResultDocument(options.current), options)
}
