import { dataError } from '../base/errors.js'
import type { ReferenceErrors, RobustResult } from '../results/robustDocument.js'

/**
 * ImageNet-C's corruption errors (Hendrycks & Dietterich 2019, §3), normalised by a reference
 * model's robust result on the same test set. With E = 1 − accuracy at severity s of corruption c:
 *   CE_c          = Σ_s E_{s,c} / Σ_s E^ref_{s,c}                       mCE = mean_c CE_c
 *   relative CE_c = Σ_s (E_{s,c} − E_clean) / Σ_s (E^ref_{s,c} − E^ref_clean)   relative mCE = mean_c relative CE_c
 * A ratio whose denominator is 0 (or, for the relative one, ≤ 0: the reference lost nothing under
 * that corruption) is null, named in `undefinedBecause`, and left out of the means.
 */
/** Before the run: the reference must cover every condition to be run, with the same seed (exit 3 otherwise). */
export function checkReferenceCovers(
  reference: RobustResult,
  referenceFile: string,
  conditions: { corruptions: readonly string[]; severities: readonly number[]; seed: number },
): void {
  const missing = conditions.corruptions.flatMap((c) =>
    conditions.severities
      .filter((s) => !reference.results.some((x) => x.corruption === c && x.severity === s))
      .map((s) => `${c}@${s}`),
  )
  if (missing.length > 0)
    throw dataError(
      `${referenceFile}: the reference has no result for ${missing.join(', ')}; run it with the same --corruptions and --severities`,
    )
  if (conditions.seed !== reference.seed)
    throw dataError(
      `${referenceFile}: the reference used --seed ${reference.seed}, this run ${conditions.seed}; the corrupted images differ, so the errors do not compare`,
    )
}

export function referenceErrors(
  current: RobustResult,
  reference: RobustResult,
  referenceFile: string,
): ReferenceErrors {
  if (reference.dataset.digest !== current.dataset.digest)
    throw dataError(
      `${referenceFile}: the reference was run on another test set (${reference.dataset.name} ${reference.dataset.split}, digest ${reference.dataset.digest.slice(0, 12)}…; this run: ${current.dataset.name} ${current.dataset.split}, ${current.dataset.digest.slice(0, 12)}…); mCE needs both models on the same samples`,
    )
  checkReferenceCovers(reference, referenceFile, {
    corruptions: current.corruptions,
    severities: current.severities,
    seed: current.seed,
  })
  const cleanError = 1 - current.clean.accuracy
  const refCleanError = 1 - reference.clean.accuracy
  const undefinedBecause: string[] = []
  const perCorruption = current.corruptions.map((corruption) => {
    const mine = current.results.filter((r) => r.corruption === corruption)
    const sum = (rows: readonly { accuracy: number }[], minus: number): number =>
      rows.reduce((s, r) => s + (1 - r.accuracy - minus), 0)
    const refRows = mine.map(
      (r) => reference.results.find((x) => x.corruption === corruption && x.severity === r.severity)!,
    )
    const refErrors = sum(refRows, 0)
    const refDrop = sum(refRows, refCleanError)
    if (refErrors === 0) undefinedBecause.push(`${corruption}: the reference made no error under it (CE undefined)`)
    if (refDrop <= 0)
      undefinedBecause.push(
        `${corruption}: the reference's error did not grow under it (Σ_s (E_ref − E_ref,clean) = ${refDrop.toFixed(4)}; relative CE undefined)`,
      )
    return {
      corruption,
      corruptionError: refErrors === 0 ? null : sum(mine, 0) / refErrors,
      relativeCorruptionError: refDrop <= 0 ? null : sum(mine, cleanError) / refDrop,
    }
  })
  const mean = (values: Array<number | null>): number | null => {
    const defined = values.filter((v): v is number => v !== null)
    return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length
  }
  return {
    file: referenceFile,
    model: { path: reference.model.path, sha256: reference.model.sha256 },
    cleanAccuracy: reference.clean.accuracy,
    corruptions: perCorruption,
    meanCorruptionError: mean(perCorruption.map((c) => c.corruptionError)),
    relativeMeanCorruptionError: mean(perCorruption.map((c) => c.relativeCorruptionError)),
    undefinedBecause,
  }
}
